"""Redis on 127.0.0.1 for the load test's scale-out run (loadtest/run.py): the shared
cache behind REDIS_URL (cache, sessions, rate limits) that every app server uses.

``running_redis`` starts Debian's ``redis-server`` on a free port with no disk
persistence, its log and working folder under the folder it is given, and stops it when
the block ends. ``scripts/system-packages loadtest`` installs the package when missing.
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from localservers import ServerFailed, free_ports, log_tail

START_SECONDS = 20


@contextmanager
def running_redis(folder: Path) -> Iterator[str]:
    """Yields the server's URL (``redis://127.0.0.1:PORT/0``) once it answers PING."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerFailed(
            "redis-server is not installed: `sh scripts/system-packages loadtest` installs "
            "it (Debian's redis-server package)."
        )
    folder.mkdir(parents=True, exist_ok=True)
    (port,) = free_ports(1)
    log = folder / "redis.log"
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(folder),
            "--logfile",
            str(log),
            "--save",
            "",  # nothing written to disk: the run's state goes with the run
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_pong(port, process, log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_pong(port: int, process: subprocess.Popen, log: Path) -> None:
    began = time.monotonic()
    while True:
        if process.poll() is not None:
            raise ServerFailed(
                f"redis-server stopped with exit code {process.returncode} while starting; "
                f"its log:\n{log_tail(log)}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(64).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        if time.monotonic() - began > START_SECONDS:
            raise ServerFailed(
                f"redis-server did not answer within {START_SECONDS} seconds; "
                f"its log:\n{log_tail(log)}"
            )
        time.sleep(0.1)
