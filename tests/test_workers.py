"""Worker names, and telling a worker whose process is gone (bot.workers)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from bot.workers import holder_gone, worker_id

HOST = socket.gethostname()


def ended_pid() -> int:
    """The pid of a process that has run and exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_worker_is_named_by_host_and_pid_and_the_same_for_the_whole_process() -> None:
    host, pid, random = worker_id().split(":")
    assert (host, int(pid)) == (HOST, os.getpid()) and random and worker_id() == worker_id()


def test_a_worker_of_this_host_whose_process_ended_is_gone() -> None:
    assert holder_gone(f"{HOST}:{ended_pid()}:abc123")
    assert holder_gone(f"{HOST}:{os.getpid()}:an-earlier-process-with-this-pid")


def test_a_running_worker_another_host_or_a_strange_name_is_never_presumed_gone() -> None:
    assert not holder_gone(worker_id())
    assert not holder_gone(f"{HOST}:{os.getppid()}:abc123")
    assert not holder_gone(f"{HOST}-elsewhere:{ended_pid()}:abc123")
    assert not holder_gone("a") and not holder_gone(f"{HOST}:pid:x") and not holder_gone(f"{HOST}:{2**80}:x")
