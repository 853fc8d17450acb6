"""Start and stop real service processes the way the run command does."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy

REPO = Path(__file__).resolve().parents[1]
NAMEKO = str(Path(sys.executable).with_name("nameko"))

def _programs() -> dict[str, tuple[str, str]]:
    """The run command's own table of processes, so tests start exactly what it starts."""
    spec = importlib.util.spec_from_file_location("itpm_localrun", REPO / "deploy" / "localrun.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PROGRAMS


SERVICES = _programs()


class ServiceProcess:
    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.name, self.env, self.log_dir = name, env, log_dir
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServiceProcess:
        config, target = SERVICES[self.name]
        log = open(self.log_dir / f"{self.name}.log", "ab")
        self.proc = subprocess.Popen(
            [NAMEKO, "run", "--config", str(REPO / config), target],
            env={**os.environ, "PYTHONWARNINGS": "ignore", **self.env}, cwd=REPO,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_healthy(self, amqp_uri: str, timeout: float = 30.0) -> dict:
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
            try:
                with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=2) as rpc:
                    return getattr(rpc, self.name).health()
            except Exception as exc:  # not up yet
                last = exc
                time.sleep(0.3)
        raise TimeoutError(f"{self.name} not healthy: {last}\n{self.log_tail()}")

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def log_tail(self, n: int = 40) -> str:
        path = self.log_dir / f"{self.name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:]) if path.exists() else ""
