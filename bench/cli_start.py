"""How long `finbot chat` takes to show its prompt, and to give its first answer, against bare Python.

    .venv/bin/python bench/cli_start.py [-n 3]

Runs `python -m bot.cli chat` in a fresh data directory (offline answers, the sample knowledge base), reads its
output until the `you> ` prompt appears, asks one question at once and waits for the answer. Baselines measured
in the same run: `python -c pass` (interpreter start) and `python -c "import bot.cli"` (the command's own
imports). Prints the medians and the ratios. The first run of a data directory also indexes the sample
knowledge base; every run here uses a new one, so "first answer" includes that.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROMPT = b"you> "
QUESTION = b"How much does a domestic wire cost?\n"


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # noqa: S603 - our own interpreter
    return time.perf_counter() - started


def _read_until(process: subprocess.Popen[bytes], marker: bytes, seen: bytearray, count: int) -> None:
    assert process.stdout is not None
    while seen.count(marker) < count:
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            raise RuntimeError(f"finbot chat ended early: {bytes(seen)[-400:]!r}")
        seen.extend(chunk)


def chat_timings() -> tuple[float, float]:
    """(seconds to the prompt, seconds to the first answer) of one `finbot chat`."""
    env = {**os.environ, "FINBOT_DATA_DIR": tempfile.mkdtemp(prefix="finbot-cli-bench-")}
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot.cli", "chat"], cwd=ROOT, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None
    seen = bytearray()
    try:
        _read_until(process, PROMPT, seen, 1)
        prompt = time.perf_counter() - started
        process.stdin.write(QUESTION)
        process.stdin.flush()
        _read_until(process, PROMPT, seen, 2)  # the answer, then the next prompt
        answer = time.perf_counter() - started
        process.stdin.write(b"exit\n")
        process.stdin.flush()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    if b"$25" not in seen:
        raise RuntimeError(f"unexpected answer: {bytes(seen)[-400:]!r}")
    return prompt, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="runs of each (the median is shown)")
    args = parser.parse_args()
    bare = statistics.median(_seconds([sys.executable, "-c", "pass"]) for _ in range(args.n))
    imports = statistics.median(_seconds([sys.executable, "-c", "import bot.cli"]) for _ in range(args.n))
    runs = [chat_timings() for _ in range(args.n)]
    prompt = statistics.median(r[0] for r in runs)
    answer = statistics.median(r[1] for r in runs)
    print(f"python -c pass              {bare:6.2f} s")
    print(f"python -c 'import bot.cli'  {imports:6.2f} s")
    print(f"finbot chat: prompt         {prompt:6.2f} s   ({prompt / bare:5.1f}x bare python, "
          f"{prompt / imports:4.1f}x the command's imports; target < 3 s)")
    print(f"finbot chat: first answer   {answer:6.2f} s   (assistant loaded in the background, sample KB indexed)")


if __name__ == "__main__":
    main()
