#!/usr/bin/env python3
"""Builds a large benchmark capture, deterministically, from the real flows in SamplePcaps/.

Every TCP connection of the sample captures (one row of SamplePcaps/EXPECTED.tsv each) is a template. A flow
of the output is a copy of one template with a new client address and port, new initial sequence numbers and
new times; successful flows get extra application data (random bytes inside TLS application_data records of
up to 16 KB, cut into MSS-sized segments, the client acknowledging every second segment) spliced in before
their first FIN/RST, and about 1% of flows get a retransmitted segment and two swapped segments. Thousands of
flows overlap in time. Server addresses and ports stay as recorded (a certificate for an IP address must still
match), and so do the capture dates (certificate validity is judged at capture time).

    gen_capture.py OUT.pcap [--target-mb 200] [--min-flows 10000] [--seed 1] [--data-scale 1]
                   [--uncut-copy OUT-uncut.pcap] [--samples SamplePcaps]

Writes OUT.pcap (Ethernet, microsecond pcap) and OUT.pcap.expected.json: flows, packets, bytes, the count of
flows per template and per cause (the template's cause in EXPECTED.tsv, true by construction).
--data-scale multiplies the application data of successful flows (same flows, more bytes).
--uncut-copy also writes the same capture without the flows whose packets the snap length cut (ssldump stops
at the first such packet: "Length mismatch").

Python 3 standard library only.
"""

import argparse
import heapq
import json
import os
import random
import struct
import sys

MSS = 1448
# TLS 1.2 AES-GCM: 8-byte explicit nonce + 2^14 + 16-byte tag; TLS 1.3: 2^14 + 1 type byte + 16-byte tag.
MAX_RECORD_BODY = 16384 + 17
SUCCESS_SHARE = 0.70
ANOMALY_SHARE = 0.01
FLOWS_PER_SECOND = 100

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


# ---------------------------------------------------------------------------------------------------- reading

def read_pcap(path):
    """Yields (ts_ns, orig_len, frame bytes) of an Ethernet pcap (µs or ns); stops at a cut-off record."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian, scale = "<", 1000
    elif magic == b"\x4d\x3c\xb2\xa1":
        endian, scale = "<", 1
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, scale = ">", 1000
    elif magic == b"\xa1\xb2\x3c\x4d":
        endian, scale = ">", 1
    else:
        return None, []
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    packets = []
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, caplen, origlen = struct.unpack(endian + "IIII", data[offset:offset + 16])
        if offset + 16 + caplen > len(data):
            break  # a file cut in the middle of a packet (truncated-file.pcap): keep what is whole
        packets.append((sec * 1_000_000_000 + frac * scale, origlen, data[offset + 16:offset + 16 + caplen]))
        offset += 16 + caplen
    return linktype, packets


class Packet:
    """One frame of a template flow: where its IP and TCP headers are, and what the TCP header says."""
    __slots__ = ("ts", "origlen", "frame", "ip", "ipv6", "tcp", "payload_len", "from_client",
                 "seq", "ack", "flags", "src", "dst", "sport", "dport")


def decode(frame):
    """Ethernet (one optional VLAN tag) → IPv4/IPv6 → TCP; None for anything else."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    ip = 14
    if ethertype == 0x8100:
        ethertype = struct.unpack("!H", frame[16:18])[0]
        ip = 18
    p = Packet()
    p.ip = ip
    if ethertype == 0x0800:
        if len(frame) < ip + 20 or frame[ip + 9] != 6:
            return None
        p.ipv6 = False
        p.src, p.dst = frame[ip + 12:ip + 16], frame[ip + 16:ip + 20]
        total = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
        p.tcp = ip + (frame[ip] & 0x0f) * 4
        ip_end = ip + total
    elif ethertype == 0x86DD:
        if len(frame) < ip + 40 or frame[ip + 6] != 6:
            return None
        p.ipv6 = True
        p.src, p.dst = frame[ip + 8:ip + 24], frame[ip + 24:ip + 40]
        p.tcp = ip + 40
        ip_end = ip + 40 + struct.unpack("!H", frame[ip + 4:ip + 6])[0]
    else:
        return None
    if len(frame) < p.tcp + 20:
        return None
    p.sport, p.dport, p.seq, p.ack = struct.unpack("!HHII", frame[p.tcp:p.tcp + 12])
    p.flags = frame[p.tcp + 13]
    data_offset = (frame[p.tcp + 12] >> 4) * 4
    p.payload_len = ip_end - (p.tcp + data_offset)  # as on the wire, even where the snap length cut it
    return p


def load_expected(samples):
    rows = {}
    with open(os.path.join(samples, "EXPECTED.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            fields = dict(zip(header, line.rstrip("\n").split("\t")))
            rows.setdefault(fields["file"], []).append(fields)
    return rows


def load_templates(samples):
    """One template per EXPECTED.tsv row of the Ethernet pcap files: its packets (relative times) and cause."""
    expected = load_expected(samples)
    templates = []
    for name in sorted(expected):
        rows = expected[name]
        if not name.endswith(".pcap"):
            continue  # pcapng: the same stacks are covered by the pcap files
        linktype, frames = read_pcap(os.path.join(samples, name))
        if linktype != 1:
            continue  # Linux cooked captures: covered by the Ethernet ones
        flows = {}
        order = []
        for ts, origlen, frame in frames:
            p = decode(frame)
            if p is None:
                continue
            p.ts, p.origlen, p.frame = ts, origlen, frame
            key = tuple(sorted([(p.src, p.sport), (p.dst, p.dport)]))
            if key not in flows:
                flows[key] = []
                order.append(key)
            flows[key].append(p)
        # `tlsdiag analyze` without --port reads 443 and any flow that opens with a ClientHello; the SSH
        # template (port 22, the server speaks first) would need --port 22. not_tls is covered by HTTP.
        rows = [r for r in rows if r["server_port"] != "22"]
        if not rows:
            continue
        server_ports = {int(r["server_port"]) for r in rows}
        order = [k for k in order if k[0][1] in server_ports or k[1][1] in server_ports]
        if len(order) != len(rows):
            sys.exit(f"{name}: {len(order)} TCP connections but {len(rows)} rows in EXPECTED.tsv")
        for key, row in zip(order, rows):
            packets = flows[key]
            port = int(row["server_port"])
            syn = next((p for p in packets if p.flags & SYN and not p.flags & ACK), None)
            server = (syn.dst, syn.dport) if syn else next((a for a in key if a[1] == port))
            t0 = packets[0].ts
            for p in packets:
                p.from_client = (p.dst, p.dport) == server
                p.ts -= t0
            templates.append({"name": f"{name}#{row['connection']}", "cause": row["cause"],
                              "ok": row["cause"] == "ok", "start": t0, "packets": packets,
                              "cut": any(len(p.frame) < p.origlen for p in packets)})
    return templates


# ---------------------------------------------------------------------------------------------------- writing

def ipv4_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return (~total) & 0xffff


class FlowWriter:
    """Turns a template into the packets of one output flow: (ts_ns, origlen, frame)."""

    def __init__(self, template, index, start_ns, rng):
        self.t = template
        self.index = index
        self.start = start_ns
        self.rng = rng
        # Client 172.16.0.0/12 (IPv4) or fd00:100::/64 (IPv6), unique per flow; servers stay as recorded.
        self.client_v4 = bytes([172, 16 + (index >> 16), (index >> 8) & 0xff, index & 0xff])
        self.client_v6 = bytes.fromhex("fd000100000000000000") + struct.pack("!IH", index >> 16, index & 0xffff)
        self.client_port = 1024 + (index * 7919) % 64000
        self.client_isn_delta = rng.getrandbits(32)
        self.server_isn_delta = rng.getrandbits(32)

    def rewrite(self, p, ts, extra_client=0, extra_server=0):
        """A copy of template packet `p` in this flow; `extra_*` are bytes spliced in earlier by each side."""
        frame = bytearray(p.frame)
        ip, tcp = p.ip, p.tcp
        if p.from_client:
            seq_delta, ack_delta = self.client_isn_delta + extra_client, self.server_isn_delta + extra_server
            port_at = tcp
        else:
            seq_delta, ack_delta = self.server_isn_delta + extra_server, self.client_isn_delta + extra_client
            port_at = tcp + 2
        if p.ipv6:
            at = ip + 8 if p.from_client else ip + 24
            frame[at:at + 16] = self.client_v6
        else:
            at = ip + 12 if p.from_client else ip + 16
            frame[at:at + 4] = self.client_v4
            frame[ip + 10:ip + 12] = b"\0\0"
            frame[ip + 10:ip + 12] = struct.pack("!H", ipv4_checksum(bytes(frame[ip:tcp])))
        frame[port_at:port_at + 2] = struct.pack("!H", self.client_port)
        frame[tcp + 4:tcp + 8] = struct.pack("!I", (p.seq + seq_delta) & 0xffffffff)
        if p.flags & ACK:
            frame[tcp + 8:tcp + 12] = struct.pack("!I", (p.ack + ack_delta) & 0xffffffff)
        return [self.start + ts, p.origlen, bytes(frame)]

    def build(self, response_bytes, anomalies):
        packets = self.t["packets"]
        out = []
        splice_at = len(packets)
        if self.t["ok"]:
            splice_at = next((i for i, p in enumerate(packets) if p.flags & (FIN | RST)), len(packets))
        for p in packets[:splice_at]:
            out.append(self.rewrite(p, p.ts))
        extra_client = extra_server = 0
        shift = 0
        if self.t["ok"] and splice_at > 0:
            spliced, extra_client, extra_server, shift = self.splice(packets[:splice_at], response_bytes)
            out.extend(spliced)
        for p in packets[splice_at:]:
            out.append(self.rewrite(p, p.ts + shift, extra_client, extra_server))
        if anomalies:
            self.disturb(out)
        return out

    def splice(self, before, response_bytes):
        """A request (one record) and a response of `response_bytes` in records ≤ 16 KB, MSS segments, after
        the packets `before`. Returns the frames, the bytes each side added and the time they took."""
        rng = self.rng
        last = before[-1]
        # Each side's next sequence number and the other's last acknowledgment, from the template packets.
        nxt = {True: None, False: None}
        for p in before:
            end = p.seq + p.payload_len + (1 if p.flags & (SYN | FIN) else 0)
            if nxt[p.from_client] is None or ((end - nxt[p.from_client]) & 0xffffffff) < 0x80000000:
                nxt[p.from_client] = end & 0xffffffff
        if nxt[True] is None or nxt[False] is None:
            return [], 0, 0, 0
        client_model = next(p for p in before if p.from_client)
        server_model = next((p for p in reversed(before) if not p.from_client and p.flags & ACK), None)
        client_model = next((p for p in reversed(before) if p.from_client and p.flags & ACK), client_model)
        if server_model is None:
            return [], 0, 0, 0
        frames = []
        t = last.ts + 200_000  # 0.2 ms after the template's last packet
        request = self.records(rng.randint(120, 900))
        frames.append(self.segment(client_model, nxt[True], nxt[False], request, t))
        client_added = len(request)
        t += 300_000
        response = self.records(response_bytes)
        offset = 0
        count = 0
        while offset < len(response):
            chunk = response[offset:offset + MSS]
            frames.append(self.segment(server_model, nxt[False] + offset, nxt[True] + client_added, chunk, t))
            offset += len(chunk)
            count += 1
            t += 12_000  # 12 µs per full segment: about 1 Gbit/s
            if count % 2 == 0 or offset >= len(response):
                frames.append(self.segment(client_model, nxt[True] + client_added, nxt[False] + offset, b"", t))
                t += 1_000
        return frames, client_added, len(response), t - last.ts

    def records(self, total):
        """`total` bytes of TLS application_data records (header included), bodies of random bytes."""
        out = bytearray()
        while len(out) + 6 <= total:
            body = min(MAX_RECORD_BODY, total - len(out) - 5)
            out += struct.pack("!BHH", 23, 0x0303, body)
            out += self.rng.randbytes(body)
        return bytes(out)

    def segment(self, model, seq, ack, payload, ts):
        """A data or ACK segment shaped like `model` (its headers and options) carrying `payload`."""
        header_end = model.tcp + (model.frame[model.tcp + 12] >> 4) * 4
        frame = bytearray(model.frame[:header_end]) + payload
        ip, tcp = model.ip, model.tcp
        if model.ipv6:
            struct.pack_into("!H", frame, ip + 4, len(frame) - ip - 40)
        else:
            struct.pack_into("!H", frame, ip + 2, len(frame) - ip)
        struct.pack_into("!II", frame, tcp + 4, seq & 0xffffffff, ack & 0xffffffff)
        frame[tcp + 13] = ACK | (PSH if payload else 0)
        p = Packet()
        for name in Packet.__slots__:
            setattr(p, name, getattr(model, name))
        p.frame, p.origlen, p.flags = bytes(frame), len(frame), frame[tcp + 13]
        p.seq, p.ack, p.payload_len = seq & 0xffffffff, ack & 0xffffffff, len(payload)
        return self.rewrite(p, ts)

    def disturb(self, out):
        """Two adjacent data segments of one direction swapped (the later one captured first), and a data segment
        captured again 1 ms later (a retransmission)."""
        data = [i for i, f in enumerate(out) if self.payload_of(f) > 0]
        pairs = [i for i in data if i + 1 < len(out) and self.payload_of(out[i + 1]) > 0
                 and self.direction_of(out[i]) == self.direction_of(out[i + 1])]
        if pairs:
            i = self.rng.choice(pairs)
            # Swap the contents, keep the times in order.
            out[i][2], out[i + 1][2] = out[i + 1][2], out[i][2]
            out[i][1], out[i + 1][1] = out[i + 1][1], out[i][1]
        if data:
            k = self.rng.choice(data)
            copy = [out[k][0] + 1_000_000, out[k][1], out[k][2]]
            position = next((m for m in range(k + 1, len(out)) if out[m][0] > copy[0]), len(out))
            out.insert(position, copy)

    @staticmethod
    def direction_of(record):
        p = decode(record[2])
        return (p.src, p.sport) if p else None

    @staticmethod
    def payload_of(record):
        frame = record[2]
        p = decode(frame)
        return p.payload_len if p else 0


# ---------------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--target-mb", type=float, default=200)
    parser.add_argument("--min-flows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-scale", type=float, default=1)
    parser.add_argument("--uncut-copy")
    parser.add_argument("--samples", default=os.path.join(os.path.dirname(__file__), "..", "..", "SamplePcaps"))
    args = parser.parse_args()

    rng = random.Random(args.seed)
    templates = load_templates(args.samples)
    successes = [t for t in templates if t["ok"]]
    by_cause = {}
    for t in templates:
        if not t["ok"]:
            by_cause.setdefault(t["cause"], []).append(t)
    # Successes share SUCCESS_SHARE evenly; each failure cause gets an equal part of the rest.
    choices, weights = [], []
    for t in successes:
        choices.append(t)
        weights.append(SUCCESS_SHARE / len(successes))
    for cause, group in by_cause.items():
        for t in group:
            choices.append(t)
            weights.append((1 - SUCCESS_SHARE) / len(by_cause) / len(group))
    base = min(t["start"] for t in templates)
    target = int(args.target_mb * 1_000_000)

    header = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1)
    out = open(args.out, "wb", buffering=1 << 22)
    out.write(header)
    uncut = open(args.uncut_copy, "wb", buffering=1 << 22) if args.uncut_copy else None
    if uncut:
        uncut.write(header)
    uncut_chunks = []
    uncut_flows = 0
    written = 24
    packets = 0
    flows = 0
    causes = {}
    per_template = {}
    flow_templates = []  # by flow number (the client address encodes it), "!" marks a disturbed flow
    anomalous = 0
    active = []  # heap of (ts, flow, position, frames)
    next_start = base
    chunks = []

    def emit(record, cut):
        nonlocal written, packets
        ts, origlen, frame = record
        header = struct.pack("<IIII", ts // 1_000_000_000, (ts % 1_000_000_000) // 1000, len(frame), origlen)
        chunks.append(header)
        chunks.append(frame)
        if uncut and not cut:
            uncut_chunks.append(header)
            uncut_chunks.append(frame)
        written += 16 + len(frame)
        packets += 1
        if len(chunks) >= 4096:
            out.write(b"".join(chunks))
            chunks.clear()
            if uncut:
                uncut.write(b"".join(uncut_chunks))
                uncut_chunks.clear()

    while written < target or flows < args.min_flows:
        # Start the next flow, after writing every packet that comes before its first one.
        next_start += int(rng.expovariate(FLOWS_PER_SECOND) * 1e9)
        while active and active[0][0] < next_start:
            ts, flow, position, frames, cut = heapq.heappop(active)
            emit(frames[position], cut)
            if position + 1 < len(frames):
                heapq.heappush(active, (frames[position + 1][0], flow, position + 1, frames, cut))
        template = rng.choices(choices, weights)[0]
        # Response sizes: log-uniform between 1 KB and 64 KB.
        response = int(1000 * 64 ** rng.random() * args.data_scale)
        disturbed = rng.random() < ANOMALY_SHARE
        frames = FlowWriter(template, flows, next_start, rng).build(response, disturbed)
        heapq.heappush(active, (frames[0][0], flows, 0, frames, template["cut"]))
        uncut_flows += not template["cut"]
        flows += 1
        anomalous += disturbed
        causes[template["cause"]] = causes.get(template["cause"], 0) + 1
        per_template[template["name"]] = per_template.get(template["name"], 0) + 1
        flow_templates.append(template["name"] + ("!" if disturbed else ""))
    while active:
        ts, flow, position, frames, cut = heapq.heappop(active)
        emit(frames[position], cut)
        if position + 1 < len(frames):
            heapq.heappush(active, (frames[position + 1][0], flow, position + 1, frames, cut))
    out.write(b"".join(chunks))
    out.close()
    if uncut:
        uncut.write(b"".join(uncut_chunks))
        uncut.close()
    summary = {"file": os.path.basename(args.out), "seed": args.seed, "flows": flows, "packets": packets,
               "bytes": written, "flows_with_retransmission_and_reordering": anomalous,
               "templates": len(templates), "data_scale": args.data_scale,
               "uncut_copy": {"file": os.path.basename(args.uncut_copy), "flows": uncut_flows} if uncut else None,
               "by_cause": dict(sorted(causes.items())),
               "by_template": dict(sorted(per_template.items())),
               "template_causes": {t["name"]: t["cause"] for t in templates},
               "flows_by_number": flow_templates}
    with open(args.out + ".expected.json", "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    print(f"{args.out}: {written / 1e6:.1f} MB, {packets} packets, {flows} flows "
          f"({anomalous} with retransmission and reordering), {len(templates)} templates", file=sys.stderr)


if __name__ == "__main__":
    main()
