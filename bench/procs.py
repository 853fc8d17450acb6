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
    """A subprocess that prints a line starting with ``READY`` once it serves.

    With ``interactive=True`` it also reads commands from stdin and answers
    each with a line starting with ``RESULT`` (the publishing workers).
    """

    def __init__(self, name: str, argv: list[str], env: dict[str, str] | None = None, interactive: bool = False):
        self.name, self.argv, self.env, self.interactive = name, argv, env or bench_env(), interactive
        self.proc: subprocess.Popen | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.tail: list[str] = []

    def start(self, ready_timeout: float = 60.0, ready_check=None) -> str:
        """Start (unless launched) and wait until ready; returns the rest of the READY line
        ('' with ready_check)."""
        if self.proc is None:
            self.launch()
        if ready_check is None:
            return self.expect("READY", ready_timeout)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            self._check_alive()
            self._drain()
            if ready_check():
                return ""
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {ready_timeout:.0f}s:\n{self.output()}")

    def launch(self) -> None:
        """Start without waiting, so that several processes can import in parallel."""
        self.proc = subprocess.Popen(
            self.argv, cwd=REPO_ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE if self.interactive else subprocess.DEVNULL, text=True,
            start_new_session=True, preexec_fn=_die_with_parent)
        threading.Thread(target=self._pump, daemon=True).start()

    def expect(self, prefix: str, timeout: float) -> str:
        """The next output line starting with ``prefix``; other lines are only kept for error reports."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.1)
            except queue.Empty:
                self._check_alive()
                continue
            if line is None:
                self._check_alive(wait=True)
            elif line.startswith(prefix):
                return line[len(prefix):].strip()
        raise RuntimeError(f"{self.name}: no {prefix} line after {timeout:.0f}s:\n{self.output()}")

    def request(self, command: str, timeout: float) -> str:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.expect("RESULT", timeout)

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process so far (Linux /proc)."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def output(self) -> str:
        return "\n".join(self.tail[-30:])

    def _check_alive(self, wait: bool = False) -> None:
        assert self.proc is not None
        if wait:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.output()}")

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
        if self.interactive and proc.stdin is not None:
            # End of input asks the worker to close its connections and exit.
            with contextlib.suppress(OSError):
                proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(grace)
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
