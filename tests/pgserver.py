"""A throw-away PostgreSQL server for the tests: ``initdb`` in a temporary folder, started with
``pg_ctl`` on a free port of 127.0.0.1, stopped at the end of the session.

The server runs as an unprivileged user (PostgreSQL refuses root): the ``postgres`` user that
Debian's package makes when the tests run as root, else the user running them. Trust
authentication, on loopback only; ``fsync=off`` (a test cluster: nothing to keep).

    python tests/pgserver.py     # start one and print its URL (Ctrl-C stops it)
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian keeps them out of PATH), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running cluster: :attr:`url` connects to its ``postgres`` database as superuser ``dedup``."""

    def __init__(self, *settings: str) -> None:
        """``settings``: more server settings, as ``shared_buffers=1GB``."""
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's server is not installed (initdb not found): apt-get install postgresql")
        self._bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="dedup-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._user = None
        if os.geteuid() == 0:
            self._user = pwd.getpwnam("postgres")
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "dedup", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                  f"-c synchronous_commit=off -c max_connections=100" + "".join(f" -c {x}" for x in settings), "start")
        self.url = f"postgresql://dedup@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        user = self._user

        def become() -> None:
            if user is not None:
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)

        out = subprocess.run([str(self._bin / program), *args], capture_output=True, text=True, preexec_fn=become,
                             cwd=self.root, timeout=120)
        if out.returncode != 0:
            log = self.root / "log"
            raise RuntimeError(f"{program} failed: {out.stderr.strip()} {log.read_text() if log.exists() else ''}")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


if __name__ == "__main__":
    server = Server()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
