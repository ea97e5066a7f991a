"""Benchmark: peak memory of `hashbot` on large and hostile input (issue 16).

Each case runs the real command line in its own process and reads that process's peak resident
memory from the kernel (``os.wait4``), so cases do not pollute each other. The baseline is the
same command on one small article (`preview examples/articles/eu-ai-act-en.txt`): the fixed cost
of starting Python and hashbot's libraries. Target: at most 150 MB for the large text and the
100,000-item feed.

Cases:
- ``preview`` of a 20 MB `.txt` article (prose, varied words);
- ``feeds poll`` of one feed of 100,000 small items, served from this machine;
- ``feeds poll`` of 16 gzip bombs at once (1 GB of zeros each, ~1 MB on the wire), against the
  default 5 MB body limit.

    .venv/bin/python bench/memory.py [--text-mb 20] [--items 100000] [--bombs 16]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HASHBOT = [sys.executable, "-m", "bot"]
_WORDS = [
    *("council", "harbour", "plan", "minister", "Lisbon", "budget", "vote", "storm", "river"),
    *("bridge", "school", "hospital", "court", "election", "mayor", "railway", "strike", "energy"),
    *("price", "farmers", "market", "festival", "museum", "union", "treaty"),
]


def write_text(path: Path, megabytes: int) -> None:
    """A `.txt` article of about `megabytes` MB: a title, then sentences of varied words."""
    rng = random.Random(16)
    with path.open("w", encoding="utf-8") as out:
        out.write("A very long report\n\n")
        written = 0
        while written < megabytes * 1_000_000:
            words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
            sentence = " ".join(words).capitalize() + ". "
            if rng.random() < 0.1:
                sentence += "\n\n"
            written += out.write(sentence)


def big_feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {n}</title><link>https://news.example/{n}</link></item>" for n in range(items)
    )
    head = "<?xml version='1.0'?><rss version='2.0'><channel><title>Big</title>"
    return f"{head}{entries}</channel></rss>".encode()


def gzip_bomb(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    zeros = b"\0" * (1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


def serve(port: int, items: int, ready: multiprocessing.synchronize.Event) -> None:
    documents = {"/big.xml": (big_feed(items), {})}
    bomb = gzip_bomb(1024)
    documents.update({f"/bomb/{n}.xml": (bomb, {"Content-Encoding": "gzip"}) for n in range(64)})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body, headers = documents.get(self.path, (b"", {}))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that hangs up on a bomb is the point, not news

    server = Server(("127.0.0.1", port), Handler)
    ready.set()
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_mb(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run `hashbot argv` and return its peak RSS in MB and its exit status."""
    process = subprocess.Popen(
        [*HASHBOT, *argv], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stderr is not None
    last = process.stderr.read().decode(errors="replace").strip().splitlines()[-1:]
    if last:
        print(f"    ({last[0][:150]})")
    return usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--text-mb", type=int, default=20)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--bombs", type=int, default=16)
    args = parser.parse_args()
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, args.items, ready), daemon=True)
    server.start()
    ready.wait(60)
    try:
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            env = {
                **os.environ,
                "HASHBOT_DATABASE": str(tmp / "bench.sqlite3"),
                "HASHBOT_HTTP_PER_HOST": "16",
            }
            env.pop("HASHBOT_BOT_TOKEN", None)
            text = tmp / "long.txt"
            write_text(text, args.text_mb)
            feeds = [f"http://127.0.0.1:{port}/bomb/{n}.xml" for n in range(args.bombs)]
            for url in [f"http://127.0.0.1:{port}/big.xml", *feeds]:
                subprocess.run(
                    [*HASHBOT, "feeds", "add", url], cwd=ROOT, env=env, check=True, capture_output=True
                )
            cases = [
                (
                    "baseline: preview one small article",
                    ["preview", "examples/articles/eu-ai-act-en.txt"],
                    {},
                ),
                (f"preview a {text.stat().st_size / 1e6:.0f} MB .txt", ["preview", str(text)], {}),
                # 100,000 items are about 7 MB: over the default body limit, so this case raises it.
                (
                    f"feeds poll, one feed of {args.items:,} items",
                    ["feeds", "poll", "1"],
                    {"HASHBOT_HTTP_MAX_BODY_MB": "20"},
                ),
                (
                    f"feeds poll, {args.bombs} gzip bombs at once",
                    ["feeds", "poll", *(str(n) for n in range(2, 2 + args.bombs))],
                    {},
                ),
            ]
            baseline = 0.0
            for label, argv, extra in cases:
                print(label)
                peak, status = peak_mb(argv, {**env, **extra})
                baseline = baseline or peak
                print(f"    peak {peak:6.0f} MB  ({peak / baseline:4.1f}× baseline)  exit status {status}")
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
