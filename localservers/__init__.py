"""Servers the tests and `make loadtest` start for themselves on 127.0.0.1: SeaweedFS
(an S3 server, ``localservers.seaweedfs``) and Redis (``localservers.redis``). Each runs on
free ports with its data under a folder the caller owns, and is stopped, with anything it
started, when the caller's ``with`` block ends, however it ends. Never used in production.
"""

import socket


class ServerFailed(Exception):
    """A local server did not start; the message holds the end of its log."""


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on now, all different (held open together while chosen)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def log_tail(path, characters: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-characters:]
    except OSError:
        return "(no log)"
