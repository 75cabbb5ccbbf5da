#!/usr/bin/env python3
"""Misbehaving TCP servers for scripts/record-samples.

  tcpserv.py silent HOST PORT          accept, read the ClientHello, never answer
  tcpserv.py rst HOST PORT             accept, read the ClientHello, close with RST (SO_LINGER 0)
  tcpserv.py banner HOST PORT TEXT     send TEXT + CRLF on accept (SSH-like), read, close after the peer
"""
import socket
import struct
import sys
import threading
import time


def serve(mode, host, port, text=None):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(16)
    held = []
    while True:
        conn, _ = ls.accept()
        if mode == "silent":
            conn.recv(65536)
            held.append(conn)  # keep it open: never answer, never close
        elif mode == "rst":
            conn.recv(65536)
            time.sleep(0.05)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
        elif mode == "banner":
            def talk(c):
                c.sendall(text.encode() + b"\r\n")
                try:
                    while c.recv(65536):
                        pass
                finally:
                    c.close()
            threading.Thread(target=talk, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
