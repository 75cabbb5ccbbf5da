#!/usr/bin/env python3
"""Check a recorded sample capture against its EXPECTED.tsv rows, using tshark.

  verify.py EXPECTED.tsv DIR NAME [KEYLOG]        check DIR/NAME.pcap(ng); exit 1 on mismatch
  verify.py EXPECTED.tsv DIR --all                check every file named in EXPECTED.tsv
  verify.py --incident-rows FILE ADDR|CAUSE|WHAT... print EXPECTED rows for the incident capture

Without KEYLOG, DIR/NAME.keys is used when it exists.

Checks per connection: the number of TCP connections to the server port, the first plaintext
alert (side and code), established or not (TLS 1.2: both ChangeCipherSpec and no fatal alert;
with a key log: both Finished and no fatal alert), and a few facts per cause (RST for
tcp_refused, silence for no_server_response, non-TLS bytes for not_tls, one certificate for
incomplete_chain, snaplen-cut packets for capture_incomplete, ...). Where the server's certificates are visible
(TLS 1.2, or TLS 1.3 with the key log) the leaf is parsed and checked against the cause: dates
at capture time, names against the SNI, extendedKeyUsage, issuer, fingerprints across servers.
"""
import datetime
import fnmatch
import hashlib
import ipaddress
import re
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

FIELDS = ["frame.number", "frame.len", "frame.cap_len", "tcp.stream", "ip.src", "ipv6.src",
          "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset",
          "tcp.len", "tls.record.content_type", "tls.alert_message.level",
          "tls.alert_message.desc", "tls.handshake.type",
          "tls.handshake.extensions.supported_version", "tls.handshake.extension.type",
          "tls.handshake.extensions_server_name", "tls.handshake.certificate_length",
          "tls.handshake.random", "tcp.payload", "tls.handshake.certificate", "frame.time_epoch"]
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"


class Conn:
    def __init__(self, first):
        self.first = first
        self.client = (first["src"], first["tcp.srcport"])
        self.server_port = first["tcp.dstport"]
        self.server_ip = first["tcp.dst_ip"]
        self.packets = []

    def side(self, p):
        return "client" if (p["src"], p["tcp.srcport"]) == self.client else "server"


def split(v):
    return [x for x in v.split(",") if x] if v else []


def read(path, ports, keylog=None):
    cmd = ["tshark", "-n", "-r", str(path), "-T", "fields", "-E", "occurrence=a",
           "-E", "separator=/t", "-E", "aggregator=,"]
    for port in sorted(ports - {443}):
        cmd += ["-d", f"tcp.port=={port},tls"]
    if keylog:
        cmd += ["-o", f"tls.keylog_file:{keylog}"]
    for f in FIELDS + ["ip.dst", "ipv6.dst"]:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout  # cut files exit non-zero
    conns = {}
    last_frame = 0
    for line in out.splitlines():
        vals = line.split("\t")
        p = dict(zip(FIELDS + ["ip.dst", "ipv6.dst"], vals))
        if not p.get("tcp.stream"):
            continue
        p["src"] = p["ip.src"] or p["ipv6.src"]
        p["tcp.dst_ip"] = p["ip.dst"] or p["ipv6.dst"]
        last_frame = int(p["frame.number"])
        s = p["tcp.stream"]
        if s not in conns:
            conns[s] = Conn(p)
        conns[s].packets.append(p)
    ordered = sorted(conns.values(), key=lambda c: int(c.first["frame.number"]))
    return ordered, last_frame


def facts(c, last_frame):
    f = {"alerts": [], "ccs": set(), "finished": set(), "hs": {"client": [], "server": []},
         "tls13": False, "server_payload": b"", "server_rst": False, "synack": False,
         "client_payload": 0, "cut": False, "certs": 0, "sni": set(), "hrr": False,
         "psk": False, "last": int(c.packets[-1]["frame.number"]) == last_frame,
         "chain": [], "time": float(c.packets[0]["frame.time_epoch"])}
    for p in c.packets:
        side = c.side(p)
        flags_syn, flags_ack = p["tcp.flags.syn"] in ("1", "True"), p["tcp.flags.ack"] in ("1", "True")
        if side == "server" and flags_syn and flags_ack:
            f["synack"] = True
        if side == "server" and p["tcp.flags.reset"] in ("1", "True"):
            f["server_rst"] = True
        n = int(p["tcp.len"] or 0)
        if p["frame.cap_len"] != p["frame.len"]:
            f["cut"] = True
        if side == "server" and n and len(f["server_payload"]) < 16:
            f["server_payload"] += bytes.fromhex(p["tcp.payload"].replace(":", "").split(",")[0])
        if side == "client":
            f["client_payload"] += n
        types = split(p["tls.record.content_type"])
        if "20" in types:
            f["ccs"].add(side)
        for lvl, d in zip(split(p["tls.alert_message.level"]), split(p["tls.alert_message.desc"])):
            f["alerts"].append((side, int(d), int(lvl)))
        hs = [int(x) for x in split(p["tls.handshake.type"])]
        f["hs"][side] += hs
        if 20 in hs:
            f["finished"].add(side)
        if side == "server" and 2 in hs:
            if "0x0304" in split(p["tls.handshake.extensions.supported_version"]):
                f["tls13"] = True
            if HRR_RANDOM in split(p["tls.handshake.random"]):
                f["hrr"] = True
            if "41" in split(p["tls.handshake.extension.type"]):
                f["psk"] = True
        if side == "server" and 11 in hs:
            f["certs"] = max(f["certs"], len(split(p["tls.handshake.certificate_length"])))
            if not f["chain"]:
                f["chain"] = [bytes.fromhex(h.replace(":", "")) for h in split(p["tls.handshake.certificate"])]
        if side == "client" and 1 in hs:
            f["sni"].update(split(p["tls.handshake.extensions_server_name"]))
    return f


def fatal(alerts):
    return [a for a in alerts if a[1] != 0]  # close_notify (0) ends a session, not a handshake


def cn(n):
    v = n.get_attributes_for_oid(NameOID.COMMON_NAME)
    return v[0].value if v else ""


def sans(cert):
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return ext.get_values_for_type(x509.DNSName), [str(a) for a in ext.get_values_for_type(x509.IPAddress)]


def covers(cert, host):
    """RFC 6125 as clients apply it: subjectAltName only, a wildcard covers one whole left label."""
    dns, ips = sans(cert)
    try:
        return str(ipaddress.ip_address(host)) in ips
    except ValueError:
        pass
    host = host.lower()
    for d in (d.lower() for d in dns):
        if d == host or (d.startswith("*.") and "." in host
                         and host.split(".", 1)[1] == d[2:] and "*" not in d[2:]):
            return True
    return False


def check_certificates(row, c, f, fk, bad):
    """Checks on the server's leaf, where the capture (or its key log) shows it."""
    chain = f["chain"] or (fk["chain"] if fk else [])
    cause, note = row["cause"], row["note"]
    if not chain:
        if "certificate for" in note or cause == "certificate_expired":
            bad("server certificate not visible (no key log?)")
        return
    leaf = x509.load_der_x509_certificate(chain[0])
    t = datetime.datetime.fromtimestamp(f["time"], datetime.timezone.utc)
    valid = leaf.not_valid_before_utc <= t <= leaf.not_valid_after_utc
    sni = sorted(f["sni"])[0] if f["sni"] else None
    if cause == "certificate_expired" and valid:
        bad(f"leaf valid at capture time ({leaf.not_valid_before_utc} .. {leaf.not_valid_after_utc})")
    if cause in ("ok", "hostname_mismatch", "bad_certificate", "missing_sni", "unknown_ca") and not valid:
        bad(f"leaf not valid at capture time ({leaf.not_valid_after_utc})")
    if cause == "ok":
        target = sni or c.server_ip
        if not covers(leaf, target):
            bad(f"leaf {sans(leaf)} does not cover {target}")
    if cause == "hostname_mismatch" and sni and covers(leaf, sni):
        bad(f"leaf covers the SNI {sni}")
    m = re.search(r"certificate for (\S+?)[,;)]?(\s|$)", note)
    if m and not covers(leaf, m.group(1)):
        bad(f"leaf {sans(leaf)} is not for {m.group(1)}")
    m = re.search(r"expires in (\d+) days", note)
    if m:
        days = (leaf.not_valid_after_utc - t).total_seconds() / 86400
        if abs(days - int(m.group(1))) > 0.5:
            bad(f"leaf expires in {days:.2f} days, not {m.group(1)}")
    if "clientAuth only" in note:
        try:
            eku = list(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        except x509.ExtensionNotFound:
            eku = []
        if eku != [ExtendedKeyUsageOID.CLIENT_AUTH]:
            bad(f"leaf extendedKeyUsage is {eku}")
    m = re.search(r'issued by "([^"]+)"', note)
    if m and cn(leaf.issuer) != m.group(1):
        bad(f"leaf issued by {cn(leaf.issuer)!r}, not {m.group(1)!r}")
    if "SAN IP" in note and sans(leaf)[1] != [c.server_ip]:
        bad(f"leaf iPAddress SANs {sans(leaf)[1]}, expected [{c.server_ip}]")


def check(row, c, f, fk, problems):
    want_est = row["established"] == "yes"
    cause, note = row["cause"], row["note"]
    tag = f"{row['file']}#{row['connection']}"

    def bad(msg):
        problems.append(f"{tag}: {msg}")

    # First plaintext alert.
    plain = fatal(f["alerts"])
    if row["alert_code"] in ("-", "enc"):
        if plain:
            bad(f"expected no plaintext alert, saw {plain[0][0]} alert {plain[0][1]}")
    elif not plain:
        bad(f"expected {row['alert_from']} alert {row['alert_code']}, saw none")
    elif (plain[0][0], str(plain[0][1])) != (row["alert_from"], row["alert_code"]):
        bad(f"expected {row['alert_from']} alert {row['alert_code']}, saw {plain[0][0]} alert {plain[0][1]}")

    # Encrypted alert decrypted with the key log ("keylog alert N" in the note).
    if "keylog alert" in note:
        code = int(note.split("keylog alert", 1)[1].split()[0].strip(";,()"))
        dec = fatal(fk["alerts"]) if fk else []
        if not dec or (dec[0][0], dec[0][1]) != (row["alert_from"], code):
            bad(f"key log should decrypt {row['alert_from']} alert {code}, got {dec[:1]}")

    if "keylog close_notify" in note:
        dec = fk["alerts"] if fk else []
        if not any(a[0] == "client" and a[1] == 0 for a in dec) or fatal(dec):
            bad(f"key log should decrypt a client close_notify and no fatal alert, got {dec}")

    # Established.
    if cause != "capture_incomplete":
        est = None
        if fk and fk["finished"]:
            est = fk["finished"] == {"client", "server"} and not fatal(fk["alerts"])
        elif not f["tls13"]:
            est = f["ccs"] == {"client", "server"} and not plain
        if est is not None and est != want_est:
            bad(f"established should be {row['established']}, capture says {'yes' if est else 'no'}")
        if want_est and est is None and plain:
            bad("established connection with a plaintext alert")

    # Per-cause facts.
    if cause == "tcp_refused" and (f["synack"] or not f["server_rst"]):
        bad("expected RST in answer to the SYN")
    if cause == "no_server_response":
        if f["server_payload"] or f["server_rst"]:
            bad("the server answered")
        if "SYN never answered" in note and f["synack"]:
            bad("the SYN was answered")
    if cause == "connection_reset" and not (f["server_rst"] and f["client_payload"]):
        bad("expected a server RST after the ClientHello")
    if cause == "not_tls":
        head = f["server_payload"][:3]
        if not head or (head[0] in (20, 21, 22, 23) and head[1] == 3):
            bad(f"server bytes look like TLS or are missing: {f['server_payload']!r}")
    if cause in ("incomplete_chain",) and f["certs"] != 1:
        bad(f"expected 1 certificate from the server, saw {f['certs']}")
    if cause in ("unknown_ca", "certificate_expired", "hostname_mismatch", "missing_sni",
                 "bad_certificate") and not f["tls13"] and f["certs"] < 1:
        bad("server certificate not visible")
    if (cause == "missing_sni" or "no SNI" in note) and f["sni"]:
        bad(f"client sent SNI {f['sni']}")
    if cause == "client_certificate_required" and not f["tls13"] and 13 not in f["hs"]["server"]:
        bad("no CertificateRequest from the server")
    if cause == "certificate_rejected" and not (f["tls13"] and "client" in f["ccs"] and not plain):
        bad("expected a TLS 1.3 client that answers the encrypted flight without a plaintext alert")
    check_certificates(row, c, f, fk, bad)
    if cause == "capture_incomplete" and not f["cut"]:
        bad("no packet cut by the snap length")
    if cause == "handshake_incomplete" and not (2 in f["hs"]["server"] and f["last"]
                                                and "client" not in f["ccs"]):
        bad("expected the file to end right after the ServerHello")
    if "HelloRetryRequest" in note and not f["hrr"]:
        bad("no HelloRetryRequest")
    if "PSK resumption" in note and not f["psk"]:
        bad("ServerHello without pre_shared_key")
    if "abbreviated" in note and 11 in f["hs"]["server"]:
        bad("abbreviated handshake should carry no Certificate")
    if "full chain" in note and f["certs"] not in (0, 2):
        bad(f"expected leaf + intermediate, saw {f['certs']} certificates")


def load_rows(tsv, name):
    lines = Path(tsv).read_text().splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, l.split("\t"))) for l in lines[1:] if l.strip()]
    return [r for r in rows if r["file"].rsplit(".", 1)[0] == name]


def verify(tsv, directory, name, keylog):
    rows = load_rows(tsv, name)
    if not rows:
        print(f"{name}: no EXPECTED.tsv rows")
        return 1
    path = Path(directory) / rows[0]["file"]
    ports = {int(r["server_port"]) for r in rows}
    conns, last = read(path, ports)
    if not keylog:
        keylog = str(path.with_suffix(".keys"))
    kl = keylog if keylog and Path(keylog).is_file() and Path(keylog).stat().st_size else None
    kconns = read(path, ports, kl)[0] if kl else None
    problems = []
    mine = [(i, c) for i, c in enumerate(conns) if int(c.server_port) in ports]
    if len(mine) != len(rows):
        problems.append(f"{name}: {len(rows)} connections expected, capture has {len(mine)}")
    leaves = {}
    for row, (i, c) in zip(sorted(rows, key=lambda r: int(r["connection"])), mine):
        f = facts(c, last)
        fk = facts(kconns[i], last) if kconns else None
        check(row, c, f, fk, problems)
        if f["chain"]:
            leaves.setdefault(c.server_ip, set()).add(hashlib.sha256(f["chain"][0]).hexdigest())
    # One name served by several servers with different leaves: one leaf per server, all distinct.
    if any("leaf differs by server" in r["note"] for r in rows):
        per = {ip: len(fps) for ip, fps in leaves.items()}
        distinct = set().union(*leaves.values()) if leaves else set()
        if len(leaves) < 2 or any(n != 1 for n in per.values()) or len(distinct) != len(leaves):
            problems.append(f"{name}: expected one distinct leaf per server, saw {per} ({len(distinct)} distinct)")
    for p in problems:
        print("  MISMATCH", p)
    if not problems:
        print(f"  ok  {name}: {len(rows)} connection(s) as expected")
    return 1 if problems else 0


def incident_rows(path, servers):
    table = {}
    for s in servers:
        addr, cause, what = s.split("|", 2)
        table[addr] = (cause, what)
    conns, last = read(path, {443})
    n = 0
    for c in conns:
        if c.server_port != "443" or c.server_ip not in table:
            continue
        n += 1
        cause, what = table[c.server_ip]
        f = facts(c, last)
        plain = fatal(f["alerts"])
        frm, code = (plain[0][0], str(plain[0][1])) if plain else ("-", "-")
        est = "yes" if cause == "ok" else "no"
        print("\t".join(["incident.pcap", str(n), "443", est, cause, frm, code,
                         f"{c.client[0]}:{c.client[1]} -> {c.server_ip}:443 ({what})"]))


def verify_all(tsv, directory):
    names = []
    for line in Path(tsv).read_text().splitlines()[1:]:
        stem = line.split("\t", 1)[0].rsplit(".", 1)[0]
        if stem and stem not in names:
            names.append(stem)
    failed = [n for n in names if verify(tsv, directory, n, None)]
    print(f"{len(names) - len(failed)} of {len(names)} captures verified"
          + (f"; failed: {' '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "--incident-rows":
        incident_rows(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 3 and sys.argv[3] == "--all":
        sys.exit(verify_all(sys.argv[1], sys.argv[2]))
    else:
        sys.exit(verify(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None))
