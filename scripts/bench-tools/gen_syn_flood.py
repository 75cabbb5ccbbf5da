#!/usr/bin/env python3
"""Builds the hostile capture of issue 5: COUNT SYNs, each from its own client address and port, to one server
that never answers (every SYN opens a connection the reassembler must hold, or evict).

    gen_syn_flood.py OUT.pcap [--count 1000000]

Ethernet, IPv4, TCP with an MSS option; microsecond pcap; 10 µs apart. Python 3 standard library only.
"""
import argparse
import struct


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()

    server = bytes([10, 99, 0, 10])
    ethernet = bytes.fromhex("020000000001" "020000000002" "0800")
    start = 1_764_400_000 * 1_000_000  # µs
    with open(args.out, "wb", buffering=1 << 22) as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        chunk = []
        for n in range(args.count):
            # 172.16.0.0/12 clients, ports 1024-65023: (address, port) never repeats below 16 million SYNs.
            client = bytes([172, 16 + (n >> 20) % 16, (n >> 12) & 0xFF, (n >> 4) & 0xFF])
            port = 1024 + (n & 0xF) * 4000 + (n >> 24)
            tcp = struct.pack("!HHIIBBHHH", port, 443, (n * 2654435761) & 0xFFFFFFFF, 0, 6 << 4, 0x02, 64240, 0, 0)
            tcp += struct.pack("!BBH", 2, 4, 1460)
            pseudo = client + server + struct.pack("!BBH", 0, 6, len(tcp))
            tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), n & 0xFFFF, 0x4000, 64, 6, 0, client, server)
            ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
            frame = ethernet + ip + tcp
            time = start + n * 10
            chunk.append(struct.pack("<IIII", time // 1_000_000, time % 1_000_000, len(frame), len(frame)) + frame)
            if len(chunk) >= 8192:
                out.write(b"".join(chunk))
                chunk.clear()
        out.write(b"".join(chunk))


if __name__ == "__main__":
    main()
