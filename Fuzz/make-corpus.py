#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, cut from the sample captures.

    make-corpus.py SAMPLES_DIR OUT_DIR

OUT_DIR/pipeline     every capture file whole
OUT_DIR/decode       single frames (link-layer bytes), deduplicated
OUT_DIR/tls          each TCP direction's payload in sequence order, after one control byte (fuzz-tls splits the
                     stream, picks sides and whether to describe events from it)
OUT_DIR/certificate  DER certificates from TLS 1.2 Certificate messages in the captures, and a few system roots
"""
import base64
import glob
import hashlib
import os
import struct
import sys


def packets(path):
    """(link type, frame bytes) for each packet of a pcap or pcapng file; stops quietly at damage."""
    data = open(path, "rb").read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        endian = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        links, offset = [], 0
        while offset + 12 <= len(data):
            kind, length = struct.unpack(endian + "II", data[offset:offset + 8])
            if length < 12 or offset + length > len(data):
                return
            if kind == 1:
                links.append(struct.unpack(endian + "H", data[offset + 8:offset + 10])[0])
            elif kind == 6:
                iface, _, _, caplen = struct.unpack(endian + "IIII", data[offset + 8:offset + 24])
                if iface < len(links):
                    yield links[iface], data[offset + 28:offset + 28 + caplen]
            offset += length
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return
    link = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    offset = 24
    while offset + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        frame = data[offset + 16:offset + 16 + caplen]
        if len(frame) < caplen:
            return
        yield link, frame
        offset += 16 + caplen


def tcp_segment(link, frame):
    """((src, sport, dst, dport), seq, payload) or None."""
    ip = {1: 14, 113: 16, 276: 20, 0: 4, 108: 4}.get(link, 0)
    if link == 1 and frame[12:14] == b"\x81\x00":
        ip += 4
    if len(frame) < ip + 20:
        return None
    version = frame[ip] >> 4
    if version == 4:
        ihl = (frame[ip] & 15) * 4
        if frame[ip + 9] != 6:
            return None
        total = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
        src, dst, tcp, end = frame[ip + 12:ip + 16], frame[ip + 16:ip + 20], ip + ihl, ip + total
    elif version == 6:
        if len(frame) < ip + 40 or frame[ip + 6] != 6:
            return None
        plen = struct.unpack("!H", frame[ip + 4:ip + 6])[0]
        src, dst, tcp, end = frame[ip + 8:ip + 24], frame[ip + 24:ip + 40], ip + 40, ip + 40 + plen
    else:
        return None
    if len(frame) < tcp + 20:
        return None
    sport, dport, seq = struct.unpack("!HHI", frame[tcp:tcp + 8])
    payload = frame[tcp + (frame[tcp + 12] >> 4) * 4:min(end, len(frame))]
    return (src, sport, dst, dport), seq, payload


def streams(path):
    """Each TCP direction's payload, in sequence order, retransmissions dropped."""
    segments = {}
    for link, frame in packets(path):
        decoded = tcp_segment(link, frame)
        if decoded and decoded[2]:
            key, seq, payload = decoded
            segments.setdefault(key, {}).setdefault(seq, payload)
    for key, by_seq in segments.items():
        first = min(by_seq)
        ordered = sorted(by_seq.items(), key=lambda item: (item[0] - first) & 0xFFFFFFFF)
        stream, expected = b"", None
        for seq, payload in ordered:
            offset = (seq - first) & 0xFFFFFFFF
            if expected is not None and offset < expected:
                payload = payload[expected - offset:]
            stream += payload
            expected = offset + len(payload) if expected is None else max(expected, offset + len(payload))
        yield stream


def certificates(stream):
    """DER certificates from TLS 1.2 (and earlier) Certificate messages in one direction's stream."""
    handshake, offset = b"", 0
    while offset + 5 <= len(stream):
        kind, length = stream[offset], struct.unpack("!H", stream[offset + 3:offset + 5])[0]
        if kind not in (20, 21, 22, 23) or stream[offset + 1] != 3:
            break
        if kind == 22:
            handshake += stream[offset + 5:offset + 5 + length]
        if kind == 20:
            break  # what follows ChangeCipherSpec is encrypted
        offset += 5 + length
    offset = 0
    while offset + 4 <= len(handshake):
        kind, length = handshake[offset], int.from_bytes(handshake[offset + 1:offset + 4], "big")
        body = handshake[offset + 4:offset + 4 + length]
        if kind == 11 and len(body) >= 3:
            position = 3
            while position + 3 <= len(body):
                size = int.from_bytes(body[position:position + 3], "big")
                yield body[position + 3:position + 3 + size]
                position += 3 + size
        offset += 4 + length


def write(directory, content):
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(content).hexdigest()
    with open(os.path.join(directory, name), "wb") as out:
        out.write(content)


def main():
    samples, out = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(samples, "*.pcap")) + glob.glob(os.path.join(samples, "*.pcapng")))
    frames = set()
    for path in files:
        write(os.path.join(out, "pipeline"), open(path, "rb").read())
        for count, (link, frame) in enumerate(packets(path)):
            if count < 60:
                frames.add(frame)
        for stream in streams(path):
            write(os.path.join(out, "tls"), b"\x01" + stream[:65536])   # sides alternate
            write(os.path.join(out, "tls"), b"\x80" + stream[:65536])   # one side, events described
            for der in certificates(stream):
                write(os.path.join(out, "certificate"), der)
    for frame in frames:
        write(os.path.join(out, "decode"), frame)
    # A few system roots: other key types and extensions than the test CA's.
    bundle = "/etc/ssl/certs/ca-certificates.crt"
    if os.path.exists(bundle):
        text = open(bundle).read()
        blocks = text.split("-----BEGIN CERTIFICATE-----")[1:]
        for block in blocks[::8]:
            body = block.split("-----END CERTIFICATE-----")[0]
            write(os.path.join(out, "certificate"), base64.b64decode("".join(body.split())))
    for target in ("pipeline", "decode", "tls", "certificate"):
        directory = os.path.join(out, target)
        count = len(os.listdir(directory)) if os.path.isdir(directory) else 0
        print(f"seed corpus {target}: {count} inputs", file=sys.stderr)


if __name__ == "__main__":
    main()
