"""A throw-away PostgreSQL cluster for tests, started from the machine's own server binaries.

Debian's ``postgresql`` package puts ``initdb`` and ``pg_ctl`` in ``/usr/lib/postgresql/N/bin``
(not on ``PATH``); PostgreSQL refuses to run as root, so as root the cluster belongs to, and runs
as, the ``postgres`` user. The cluster listens on 127.0.0.1 only, on a free port, with password
authentication (so a wrong password can be tested), no Unix socket, and no fsync: it lives for
one test session and is stopped and deleted after it.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: on ``PATH``, else Debian's newest version."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


@dataclass(frozen=True)
class PostgresServer:
    """A running cluster: connect as the superuser with `password` on 127.0.0.1:`port`."""

    port: int
    password: str

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{SUPERUSER}:{secret}@127.0.0.1:{self.port}/{database}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _owner() -> pwd.struct_passwd | None:
    """The account the server must run as: ``postgres`` when we are root, else ourselves."""
    return pwd.getpwnam("postgres") if os.geteuid() == 0 else None


def _run(command: list[str], owner: pwd.struct_passwd | None) -> None:
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        user=owner.pw_uid if owner else None,
        group=owner.pw_gid if owner else None,
        extra_groups=[] if owner else None,
    )
    if done.returncode:
        name = Path(command[0]).name
        raise RuntimeError(f"{name} failed ({done.returncode}): {done.stderr or done.stdout}")


@contextmanager
def postgres_server(binaries: Path) -> Iterator[PostgresServer]:
    """Create a cluster in a temporary folder, start it, and stop and delete it afterwards."""
    owner = _owner()
    root = Path(tempfile.mkdtemp(prefix="hashbot-pg-"))
    password = secrets.token_hex(8)
    try:
        if owner:
            os.chown(root, owner.pw_uid, owner.pw_gid)
        data = root / "data"
        password_file = root / "password"
        password_file.write_text(password)
        if owner:
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                f"--pwfile={password_file}",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            owner,
        )
        server = _start(binaries, data, password, owner, root / "server.log")
        try:
            yield server
        finally:
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], owner)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _start(
    binaries: Path, data: Path, password: str, owner: pwd.struct_passwd | None, log: Path
) -> PostgresServer:
    """Start on a free port; another process may take the port first, so try a few."""
    options = "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
    failure: RuntimeError | None = None
    for _ in range(5):
        port = _free_port()
        try:
            _run(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    f"-p {port} {options}",
                    "start",
                ],
                owner,
            )
        except RuntimeError as error:
            failure = error
            continue
        return PostgresServer(port=port, password=password)
    raise RuntimeError(f"PostgreSQL did not start:\n{log.read_text(errors='replace')}") from failure
