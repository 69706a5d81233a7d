"""The first minutes from a fresh clone: the README's quick start to a listening server, install times and venv
sizes, for this checkout and a baseline commit, in one run.

    .venv/bin/python bench/quickstart.py [--baseline REF] [--ref HEAD]

For each commit: `git clone` into a temporary folder, then the commands of that commit's README, as a new user
types them (no pip cache: PIP_NO_CACHE_DIR=1): the quick start's install part, timed; its `finbot serve`, timed
until GET /healthz answers; the venv's size. Then the test install in a fresh venv (for the baseline, whose
quick start installed the test tools already, the same venv). Prints one table and the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bash_blocks(readme: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", readme, flags=re.DOTALL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _size_mb(folder: Path) -> float:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 1e6


def _run(command: str, cwd: Path) -> float:
    env = {**os.environ, "PIP_NO_CACHE_DIR": "1"}
    started = time.perf_counter()
    subprocess.run(["bash", "-c", command], cwd=cwd, env=env, check=True,  # noqa: S603, S607 - the README's own
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _serve_until_listening(command: str, cwd: Path, timeout_s: float = 300) -> float:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "PIP_NO_CACHE_DIR": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, start_new_session=True,  # noqa: S603, S607
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < timeout_s:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:  # noqa: S310
                    if answer.status == 200:
                        return time.perf_counter() - started
            if process.poll() is not None:
                raise RuntimeError(f"`{command}` exited with {process.returncode}")
            time.sleep(0.2)
        raise TimeoutError(command)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def measure(ref: str, workdir: Path) -> dict[str, float]:
    clone = workdir / ref.replace("/", "_")
    subprocess.run(["git", "clone", "--quiet", "--no-local", str(ROOT), str(clone)], check=True)  # noqa: S603, S607
    subprocess.run(["git", "checkout", "--quiet", ref], cwd=clone, check=True)  # noqa: S603, S607
    quick_start, test_command = _bash_blocks((clone / "README.md").read_text(encoding="utf-8"))[:2]
    install, _, serve = quick_start.strip().rpartition(" && ")
    result = {"install_s": _run(install, clone)}
    result["serve_s"] = _serve_until_listening(serve, clone)
    result["quick_start_s"] = result["install_s"] + result["serve_s"]
    result["venv_mb"] = _size_mb(clone / ".venv")
    test_install = test_command.strip().rpartition(" && ")[0]
    if test_install:  # a fresh venv with what the test command installs
        fresh = test_install.replace(".venv/", ".venv-test/")
        editable = ".venv-test/bin/pip install --no-deps --no-build-isolation -e ."
        result["test_install_s"] = _run(f"python3 -m venv .venv-test && {fresh} && {editable}", clone)
        result["test_venv_mb"] = _size_mb(clone / ".venv-test")
    else:  # the quick start installed the test tools too
        result["test_install_s"], result["test_venv_mb"] = result["install_s"], result["venv_mb"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ref", default="HEAD", help="the commit to measure (default HEAD: commit first)")
    parser.add_argument("--baseline", default="main", help="the commit to compare with")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="finbot-quickstart-"))
    try:
        rows = {"baseline " + args.baseline: measure(args.baseline, workdir), "finbot " + args.ref: measure(
            args.ref, workdir)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    keys = ("quick_start_s", "install_s", "serve_s", "venv_mb", "test_install_s", "test_venv_mb")
    print(f"{'':24}" + "".join(f"{k:>16}" for k in keys))
    for name, row in rows.items():
        print(f"{name:24}" + "".join(f"{row[k]:16.1f}" for k in keys))
    base, new = rows.values()
    print(f"{'ratio (finbot/baseline)':24}" + "".join(f"{new[k] / base[k]:16.2f}" for k in keys))


if __name__ == "__main__":
    main()
