"""Subprocesses the benchmark starts, and the guarantee that they all end.

Servers run in their own session (process group) so that the whole tree a
server may spawn is killed with one ``killpg``, and they ask the kernel to
kill them if the benchmark itself dies (``PR_SET_PDEATHSIG``), which covers
``kill -9`` of the parent where no ``finally`` can run.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1

try:
    # Loaded once here: between fork and exec only the prctl call may run.
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:  # not glibc: the finally blocks still clean up
    _LIBC = None


def _die_with_parent() -> None:
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class ServerProcess:
    """A server subprocess that prints a line starting with ``READY`` once it serves."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str] | None = None):
        self.name, self.argv, self.env = name, argv, env or bench_env()
        self.proc: subprocess.Popen | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.tail: list[str] = []

    def start(self, ready_timeout: float = 60.0, ready_check=None) -> str:
        """Start and wait until ready; returns the READY line (or '' with ready_check)."""
        self.proc = subprocess.Popen(
            self.argv, cwd=REPO_ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, start_new_session=True, preexec_fn=_die_with_parent)
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._drain()
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n" + "\n".join(self.tail[-30:]))
            if ready_check is not None:
                self._drain()
                if ready_check():
                    return ""
                time.sleep(0.1)
                continue
            try:
                line = self._lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is not None and line.startswith("READY"):
                return line
        raise RuntimeError(f"{self.name} not ready after {ready_timeout:.0f}s:\n" + "\n".join(self.tail[-30:]))

    def _pump(self):
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.tail.append(line)
            del self.tail[:-200]
            self._lines.put(line)
        self._lines.put(None)

    def _drain(self):
        with contextlib.suppress(queue.Empty):
            while True:
                self._lines.get_nowait()

    def stop(self, grace: float = 5.0) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        # SIGTERM first: nameko stops its container and closes its connections.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(grace)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run_json_worker(module: str, args: list[str], timeout: float, env: dict[str, str] | None = None) -> str:
    """Run ``python -m module args`` in its own process group; return its stdout.

    Used for cases that must own their process (eventlet monkey patching).
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args], cwd=REPO_ROOT, env=env or bench_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        start_new_session=True, preexec_fn=_die_with_parent)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed ({proc.returncode}):\n{err[-4000:]}")
    return out
