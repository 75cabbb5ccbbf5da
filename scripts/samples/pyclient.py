#!/usr/bin/env python3
"""Python ssl client for scripts/record-samples: one HTTPS GET, prints the outcome.

  pyclient.py HOST PORT [--sni NAME] [--cafile F] [--max 1.2|1.3] [--keylog F] [--bind IP] [--no-cn-fallback]
"""
import argparse
import socket
import ssl
import sys

VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}

p = argparse.ArgumentParser()
p.add_argument("host")
p.add_argument("port", type=int)
p.add_argument("--sni")
p.add_argument("--cafile")
p.add_argument("--max", choices=VERSIONS)
p.add_argument("--keylog")
p.add_argument("--timeout", type=float, default=5)
p.add_argument("--bind", help="source address")
p.add_argument("--no-cn-fallback", action="store_true",
               help="hostname_checks_common_name = False: a name must be in subjectAltName")
a = p.parse_args()

ctx = ssl.create_default_context(cafile=a.cafile)  # verifies chain and hostname
if a.no_cn_fallback:
    ctx.hostname_checks_common_name = False
if a.max:
    ctx.maximum_version = VERSIONS[a.max]
if a.keylog:
    ctx.keylog_filename = a.keylog
try:
    with socket.create_connection((a.host, a.port), timeout=a.timeout,
                                  source_address=(a.bind, 0) if a.bind else None) as raw:
        with ctx.wrap_socket(raw, server_hostname=a.sni) as s:
            s.sendall(f"GET / HTTP/1.0\r\nHost: {a.sni or a.host}\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            print("ok", s.version(), s.cipher()[0], data.split(b"\r\n", 1)[0].decode(errors="replace"))
except (OSError, ssl.SSLError) as e:
    print("failed:", e)
    sys.exit(1)
