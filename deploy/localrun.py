"""Steps of the local run (scripts/run.sh) that are easier to say in Python.

    python deploy/localrun.py keys      generate the identity key pair under $ITPM_DATA_DIR/keys if missing
    python deploy/localrun.py migrate   bring every service's database to head
    python deploy/localrun.py seed      seed the gateway's demo users (python -m gateway.seed)
    python deploy/localrun.py render    write $ITPM_DATA_DIR/supervisord.conf from deploy/supervisord.conf.tmpl
    python deploy/localrun.py env NAME  print NAME's environment (KEY=value lines), e.g. to run it alone

Settings come from the environment, as scripts/run.sh exports them: ITPM_DATA_DIR (absolute),
ITPM_GATEWAY_HOST, ITPM_GATEWAY_PORT, ITPM_FEED_GRPC_PORT (50051), AMQP_URI and ITPM_DATABASE_URL_TEMPLATE (default
``sqlite:///{data_dir}/{service}.sqlite3``; e.g. ``postgresql://postgres@127.0.0.1:5432/itpm_{service}``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from string import Template

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "deploy" / "supervisord.conf.tmpl"

# name -> (config file, nameko target). Same table as docs/conventions.md. A program without a config file is a
# plain Python module (``python -m target``): the feed's gRPC server, which must not run under nameko's eventlet.
PROGRAMS = {
    "planning": ("services/planning/config.yaml", "planning.service:PlanningService"),
    "review": ("services/review/config.yaml", "review.service:ReviewService"),
    "approval": ("services/approval/config.yaml", "approval.service:ApprovalService"),
    "funds": ("services/funds/config.yaml", "funds.service:FundsService"),
    "acceptance": ("services/acceptance/config.yaml", "acceptance.service:AcceptanceService"),
    "security": ("services/security/config.yaml", "security.service:SecurityService"),
    "gateway": ("gateway/config.yaml", "gateway.service:GatewayService"),
    "feed-grpc": (None, "gateway.feed.grpc_server"),
}
NAMEKO_PROGRAMS = [name for name, (config, _) in PROGRAMS.items() if config]


class Settings:
    def __init__(self, environ=os.environ):
        self.data_dir = Path(environ.get("ITPM_DATA_DIR", REPO / "data")).resolve()
        self.gateway_host = environ.get("ITPM_GATEWAY_HOST", "127.0.0.1")
        self.gateway_port = int(environ.get("ITPM_GATEWAY_PORT", "8080"))
        self.feed_grpc_port = int(environ.get("ITPM_FEED_GRPC_PORT", "50051"))
        self.amqp_uri = environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")
        self.db_template = environ.get("ITPM_DATABASE_URL_TEMPLATE", "sqlite:///{data_dir}/{service}.sqlite3")
        self.venv = Path(sys.executable).parent.parent

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def feed_grpc_dir(self) -> Path:
        """The gRPC port's self-signed certificate, its tokens file and the local subscriber's token."""
        return self.data_dir / "feed-grpc"

    def database_url(self, service: str) -> str:
        return self.db_template.format(data_dir=self.data_dir, service=service)

    def environment(self, name: str) -> dict[str, str]:
        if name == "feed-grpc":
            return {
                # reads the gateway's feed log
                "DATABASE_URL": self.database_url("gateway"),
                "FEED_GRPC_ADDRESS": f"{self.gateway_host}:{self.feed_grpc_port}",
                "FEED_GRPC_TLS_CERT_FILE": str(self.feed_grpc_dir / "server.crt"),
                "FEED_GRPC_TLS_KEY_FILE": str(self.feed_grpc_dir / "server.key"),
                "FEED_GRPC_TOKENS_FILE": str(self.feed_grpc_dir / "tokens.json"),
                "PYTHONWARNINGS": "ignore",
                "PYTHONUNBUFFERED": "1",
            }
        env = {
            "AMQP_URI": self.amqp_uri,
            "DATABASE_URL": self.database_url(name),
            "IDENTITY_PUBLIC_KEY_FILE": str(self.keys_dir / "identity_public.pem"),
            # eventlet's deprecation notice and pkg_resources' warnings would open every log
            "PYTHONWARNINGS": "ignore",
            "PYTHONUNBUFFERED": "1",
        }
        if name == "gateway":
            env.update({
                "IDENTITY_PRIVATE_KEY_FILE": str(self.keys_dir / "identity_private.pem"),
                "WEB_SERVER_ADDRESS": f"{self.gateway_host}:{self.gateway_port}",
                "DOCSTORE_ROOT": str(self.data_dir / "documents"),
            })
        return env

    def socket_path(self) -> Path:
        path = self.data_dir / "supervisor.sock"
        # A unix socket path has to fit in 108 bytes; deep data folders (pytest's tmp_path) may not.
        if len(str(path)) > 100:
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
            path = Path(tempfile.gettempdir()) / f"itpm-supervisor-{digest}.sock"
        return path


def _package(name: str) -> str:
    return PROGRAMS[name][1].split(".", 1)[0]


def _supervisor_value(value: str) -> str:
    # supervisord expands %(name)s in option values, and a quoted value may hold commas.
    if '"' in value:
        raise ValueError(f"a double quote cannot be passed through supervisord's environment: {value!r}")
    return '"' + value.replace("%", "%%") + '"'


def cmd_keys(settings: Settings) -> None:
    _feed_grpc_credentials(settings)
    private = settings.keys_dir / "identity_private.pem"
    public = settings.keys_dir / "identity_public.pem"
    if private.exists() and public.exists():
        return
    from itpm_common.identity import generate_keypair

    generate_keypair(private, public)
    print(f"generated the identity key pair in {settings.keys_dir}")


def _feed_grpc_credentials(settings: Settings) -> None:
    """A self-signed certificate for the feed's gRPC port and one local subscriber (token in local.token)."""
    from gateway.feed import grpc_tls

    folder = settings.feed_grpc_dir
    hosts = list(dict.fromkeys(["localhost", "127.0.0.1", settings.gateway_host]))
    grpc_tls.self_signed(folder, [h for h in hosts if h not in ("0.0.0.0", "::")])
    tokens, local = folder / "tokens.json", folder / "local.token"
    if not tokens.exists():
        local.touch(mode=0o600)
        local.write_text(grpc_tls.add_token(tokens, "local") + "\n", encoding="utf-8")
        print(f"the feed's gRPC port: certificate and a local subscriber token in {folder}")


def _run_module(name: str, module: str, *args: str) -> None:
    env = {**os.environ, **Settings().environment(name)}
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, env=env)
    if result.returncode != 0:
        raise SystemExit(f"python -m {module} failed (exit {result.returncode})")


def cmd_migrate(settings: Settings) -> None:
    for name in NAMEKO_PROGRAMS:
        _run_module(name, f"{_package(name)}.migrate")
        print(f"migrated {name}: {settings.database_url(name)}")


def cmd_seed(settings: Settings) -> None:
    _run_module("gateway", "gateway.seed")


def cmd_render(settings: Settings) -> Path:
    text = TEMPLATE.read_text(encoding="utf-8")
    head, _, block = text.partition("\n;; program\n")
    if not block:
        raise SystemExit(f"{TEMPLATE}: the ';; program' line that starts the per-program block is missing")
    common = {
        "repo": str(REPO), "venv": str(settings.venv), "data_dir": str(settings.data_dir),
        "log_dir": str(settings.log_dir), "socket": str(settings.socket_path()),
        "gateway_port": str(settings.gateway_port), "password": secrets.token_urlsafe(24),
        # supervisord warns when root runs it without saying so; the programs run as the caller
        "user_line": "user=root" if os.geteuid() == 0 else "",
    }
    parts = [Template(head).substitute(common)]
    for name, (config, target) in PROGRAMS.items():
        environment = ",".join(f"{k}={_supervisor_value(v)}" for k, v in settings.environment(name).items())
        if config:
            command = f"{settings.venv}/bin/nameko run --config {REPO / config} {target}"
        else:
            command = f"{settings.venv}/bin/python -m {target}"
        parts.append(Template(block).substitute(
            common, name=name, command=command, environment=environment,
            # the gateway (and the feed it logs) last, once the services it calls are starting
            priority="100" if name in NAMEKO_PROGRAMS and name != "gateway" else "200"))
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    out = settings.data_dir / "supervisord.conf"
    out.touch(mode=0o600)
    out.chmod(0o600)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def cmd_env(settings: Settings, name: str) -> None:
    for key, value in settings.environment(name).items():
        print(f"{key}={value}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("keys", "migrate", "seed", "render", "env"):
        print(__doc__, file=sys.stderr)
        return 2
    settings = Settings()
    command = argv[0]
    if command == "env":
        if len(argv) != 2 or argv[1] not in PROGRAMS:
            print(f"usage: localrun.py env {{{','.join(PROGRAMS)}}}", file=sys.stderr)
            return 2
        cmd_env(settings, argv[1])
    elif command == "render":
        print(cmd_render(settings))
    else:
        {"keys": cmd_keys, "migrate": cmd_migrate, "seed": cmd_seed}[command](settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
