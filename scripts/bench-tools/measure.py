#!/usr/bin/env python3
"""The speed benchmark behind scripts/bench: builds the captures (once, kept in bench-out/), times tlsdiag, tshark
and ssldump on them with /usr/bin/time (user + system CPU, peak RSS; median of --runs runs), checks tlsdiag's
verdicts against the flows the capture was built from, and prints a Markdown table.

Python 3 standard library only.
"""

import argparse
import collections
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "bench-out")
TLSDIAG = os.path.join(ROOT, ".build", "release", "tlsdiag")
FLOOD_GENERATOR = os.path.join(ROOT, "scripts", "bench-tools", "gen_syn_flood.py")
GENERATOR = os.path.join(ROOT, "scripts", "bench-tools", "gen_capture.py")


def log(text):
    print(text, file=sys.stderr, flush=True)


def generate(name, *options, generator=GENERATOR):
    """bench-out/NAME.pcap from the generator, unless it is there with the same options."""
    path = os.path.join(OUT, name + ".pcap")
    stamp = path + ".options"
    # Rebuilt when the options or the generator change.
    wanted = " ".join(options) + " " + hashlib.sha256(open(generator, "rb").read()).hexdigest()[:16]
    expected = generator != GENERATOR or os.path.exists(path + ".expected.json")
    if os.path.exists(path) and expected and os.path.exists(stamp) and open(stamp).read() == wanted:
        return path
    log(f"generating {path} ({wanted})")
    subprocess.run([sys.executable, generator, path, *options], check=True)
    with open(stamp, "w") as f:
        f.write(wanted)
    return path


def measure(command, runs, env=None):
    """Median user+sys CPU seconds, wall seconds and peak RSS (MB) of `runs` runs, output to /dev/null."""
    cpu, wall, rss = [], [], []
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        for _ in range(runs):
            subprocess.run(["/usr/bin/time", "-f", "%U %S %e %M", "-o", report.name, *command],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            report.seek(0)
            line = [l for l in report.read().splitlines() if l and l[0].isdigit()][-1]
            user, system, elapsed, kilobytes = line.split()
            cpu.append(float(user) + float(system))
            wall.append(float(elapsed))
            rss.append(int(kilobytes) / 1024)
    return statistics.median(cpu), statistics.median(wall), statistics.median(rss), cpu


def instructions(command, env=None):
    """Instructions executed (valgrind's callgrind, `I refs`): repeatable where CPU seconds on a shared machine
    are not. Swift binaries are stripped of debug info first (valgrind 3.19 cannot read this Swift's DWARF)."""
    if command[0] == TLSDIAG:
        stripped = os.path.join(OUT, "tlsdiag-stripped")
        shutil.copy(TLSDIAG, stripped)
        subprocess.run(["strip", "--strip-debug", stripped], check=True)
        command = [stripped, *command[1:]]
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    counts = [l.split("refs:")[1] for l in result.stderr.splitlines() if "refs:" in l]
    return int(counts[-1].strip().replace(",", "")) if counts else None


def env_with(**values):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in values.items()})
    return env


def tlsdiag_json(path, env=None):
    result = subprocess.run([TLSDIAG, "analyze", path, "--format", "json"], capture_output=True, text=True, env=env)
    return json.loads(result.stdout)


def check_causes(path, expected):
    """tlsdiag's summary.by_cause against the template flows the capture was built from: each flow should get
    the verdict tlsdiag gives the recorded original (same trust store), and EXPECTED.tsv's cause is shown beside."""
    verdict = {}
    for name in sorted({t.split("#")[0] for t in expected["template_causes"]}):
        report = tlsdiag_json(os.path.join(ROOT, "SamplePcaps", name))
        for connection in report["connections"]:
            verdict[f"{name}#{connection['id']}"] = connection["cause"]
    want = collections.Counter()
    for template, count in expected["by_template"].items():
        want[verdict.get(template, "missing")] += count
    got = collections.Counter(tlsdiag_json(path)["summary"]["by_cause"])
    single = collections.Counter(tlsdiag_json(path, env_with(TLSDIAG_THREADS=1))["summary"]["by_cause"])
    lines = []
    if got == want and single == got:
        lines.append(f"by_cause: match ({sum(got.values())} connections, {len(got)} causes; same with 1 thread)")
    else:
        lines.append("by_cause: MISMATCH")
        for cause in sorted(set(want) | set(got) | set(single)):
            if want[cause] != got[cause] or single[cause] != got[cause]:
                lines.append(f"  {cause}: built {want[cause]}, tlsdiag {got[cause]}, 1 thread {single[cause]}")
    renamed = {t: (c, verdict.get(t)) for t, c in expected["template_causes"].items() if verdict.get(t) != c}
    if renamed:
        pairs = sorted({f"{a} → {b}" for a, b in renamed.values()})
        lines.append("  (EXPECTED.tsv causes that read differently here, where the samples' private root is not "
                     "trusted: " + ", ".join(pairs) + ")")
    return got == want and single == got, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tshark-runs", type=int, default=3)
    parser.add_argument("--target-mb", type=int, default=200)
    parser.add_argument("--min-flows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions with valgrind (tlsdiag, ssldump, tshark: about 15 minutes)")
    args = parser.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        sys.exit("scripts/bench: --instructions needs valgrind (apt-get install valgrind)")
    for tool in ("tshark", "ssldump", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"scripts/bench: {tool} is missing")
    os.makedirs(OUT, exist_ok=True)

    base = f"bench-{args.target_mb}"
    main_path = generate(base, "--target-mb", str(args.target_mb), "--min-flows", str(args.min_flows),
                         "--seed", str(args.seed), "--uncut-copy", os.path.join(OUT, base + "-uncut.pcap"))
    uncut_path = os.path.join(OUT, base + "-uncut.pcap")
    expected = json.load(open(main_path + ".expected.json"))
    double_path = generate(f"bench-{2 * args.target_mb}-2x-flows", "--target-mb", str(2 * args.target_mb),
                           "--min-flows", str(2 * args.min_flows), "--seed", str(args.seed))
    longer_path = generate(f"bench-{args.target_mb}-2x-data", "--target-mb", "0", "--min-flows",
                           str(expected["flows"]), "--data-scale", "2", "--seed", str(args.seed))
    flood_path = generate("syn-flood-1m", "--count", "1000000", generator=FLOOD_GENERATOR)

    def size(path):
        return os.path.getsize(path) / 1e6

    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    cores = os.cpu_count()
    load_before = open("/proc/loadavg").read().split()[:3]

    rows = []
    def row(label, command, path, runs, env=None):
        log(f"timing {label} ({runs} runs)")
        cpu, wall, rss, all_cpu = measure(command, runs, env)
        rows.append((label, path, cpu, wall, rss, all_cpu))
        return cpu, rss

    tshark = ["tshark", "-r", main_path, "-Y", "tls.alert_message", "-T", "fields",
              "-e", "frame.number", "-e", "tls.alert_message.desc"]
    sharded_cpu, sharded_rss = row(f"tlsdiag analyze ({cores} workers)", [TLSDIAG, "analyze", main_path], main_path,
                                   args.runs)
    single_cpu, single_rss = row("tlsdiag analyze (TLSDIAG_THREADS=1)", [TLSDIAG, "analyze", main_path], main_path,
                                 args.runs, env_with(TLSDIAG_THREADS=1))
    tshark_cpu, _ = row(f"tshark -Y tls.alert_message -T fields", tshark, main_path, args.tshark_runs)
    uncut_cpu, _ = row("tlsdiag analyze (TLSDIAG_THREADS=1), ssldump's copy", [TLSDIAG, "analyze", uncut_path],
                       uncut_path, args.runs, env_with(TLSDIAG_THREADS=1))
    ssldump_cpu, _ = row("ssldump -n, ssldump's copy", ["ssldump", "-n", "-r", uncut_path], uncut_path, args.runs)
    _, double_rss = row("tlsdiag analyze (TLSDIAG_THREADS=1), 2× flows", [TLSDIAG, "analyze", double_path],
                        double_path, args.runs, env_with(TLSDIAG_THREADS=1))
    _, double_sharded_rss = row(f"tlsdiag analyze ({cores} workers), 2× flows", [TLSDIAG, "analyze", double_path],
                                double_path, args.runs)
    _, longer_rss = row("tlsdiag analyze (TLSDIAG_THREADS=1), 2× data per flow", [TLSDIAG, "analyze", longer_path],
                        longer_path, args.runs, env_with(TLSDIAG_THREADS=1))
    _, flood_rss = row(f"tlsdiag analyze ({cores} workers), 1,000,000 SYNs (hostile)", [TLSDIAG, "analyze", flood_path],
                       flood_path, args.runs)
    load_after = open("/proc/loadavg").read().split()[:3]
    ok, cause_lines = check_causes(main_path, expected)

    print(f"Captures (bench-out/, built by scripts/bench-tools/gen_capture.py, seed {args.seed}):")
    for path in (main_path, uncut_path, double_path, longer_path):
        info = json.load(open(path + ".expected.json")) if os.path.exists(path + ".expected.json") else None
        flows = f"{info['flows']:,} flows, {info['packets']:,} packets" if info else \
            f"{expected['uncut_copy']['flows']:,} flows (without the {expected['by_cause'].get('capture_incomplete', 0)} snap-length-cut ones)"
        print(f"  {os.path.basename(path)}: {size(path):.1f} MB, {flows}")
    print(f"  {os.path.basename(flood_path)}: {size(flood_path):.1f} MB, 1,000,000 SYNs from distinct ports, never "
          f"answered (scripts/bench-tools/gen_syn_flood.py)")
    print(f"Machine: {cores} cores, load average {' '.join(load_before)} before, {' '.join(load_after)} after; "
          f"{version}; medians of {args.runs} runs (tshark {args.tshark_runs})")
    print()
    print("| command | capture | CPU s (user+sys) | MB per CPU-second | wall s | peak RSS MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for label, path, cpu, wall, rss, _ in rows:
        print(f"| {label} | {os.path.basename(path)} ({size(path):.0f} MB) | {cpu:.2f} | {size(path) / cpu:,.0f} | "
              f"{wall:.2f} | {rss:.0f} |")
    print()
    print(f"tlsdiag (1 thread) uses 1/{tshark_cpu / single_cpu:.1f} of tshark's CPU and "
          f"1/{ssldump_cpu / uncut_cpu:.1f} of ssldump's; with {cores} workers 1/{tshark_cpu / sharded_cpu:.1f} "
          f"of tshark's.")
    print(f"Peak RSS (1 thread): {single_rss:.0f} MB; 2× flows {double_rss:.0f} MB; 2× data per flow "
          f"{longer_rss:.0f} MB. With {cores} workers: {sharded_rss:.0f} MB; 2× flows {double_sharded_rss:.0f} MB; "
          f"1,000,000 SYNs from distinct ports {flood_rss:.0f} MB.")
    if args.instructions:
        log("counting instructions with valgrind (tlsdiag, ssldump, then tshark: slow)")
        one = env_with(TLSDIAG_THREADS=1)
        counted = [("tlsdiag analyze (TLSDIAG_THREADS=1)", main_path, instructions([TLSDIAG, "analyze", main_path], one)),
                   ("tlsdiag analyze (TLSDIAG_THREADS=1), ssldump's copy", uncut_path,
                    instructions([TLSDIAG, "analyze", uncut_path], one)),
                   ("ssldump -n, ssldump's copy", uncut_path, instructions(["ssldump", "-n", "-r", uncut_path])),
                   ("tshark -Y tls.alert_message -T fields", main_path, instructions(tshark))]
        print()
        print("| command (valgrind --tool=callgrind) | capture | instructions (G) |")
        print("| --- | --- | ---: |")
        for label, path, count in counted:
            shown = f"{count / 1e9:.2f}" if count else "failed"
            print(f"| {label} | {os.path.basename(path)} | {shown} |")
        mine, mine_uncut, ssldump_count, tshark_count = (c for _, _, c in counted)
        if mine and mine_uncut and ssldump_count and tshark_count:
            print(f"By instructions tlsdiag (1 thread) runs 1/{tshark_count / mine:.1f} of tshark's and "
                  f"1/{ssldump_count / mine_uncut:.1f} of ssldump's.")
    for line in cause_lines:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
