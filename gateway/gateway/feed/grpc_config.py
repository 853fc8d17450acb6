"""The settings of the feed's gRPC process (``python -m gateway.feed.grpc_server``), read from the environment.

Kept apart from the server so that deployment checks can read the list without importing grpc.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Every variable the process reads, with its default.
ENVIRONMENT = {
    # The gateway's database: the feed log is read from it, never written.
    "DATABASE_URL": "sqlite:///data/gateway.sqlite3",
    "FEED_GRPC_ADDRESS": "127.0.0.1:50051",
    "FEED_GRPC_TLS_CERT_FILE": "",
    "FEED_GRPC_TLS_KEY_FILE": "",
    # JSON object: sha256 hex of a subscriber's token -> the subscriber's name.
    "FEED_GRPC_TOKENS_FILE": "",
    # "on" lets the process listen without TLS: only for a run on loopback.
    "FEED_GRPC_ALLOW_PLAINTEXT": "off",
    # How often a live subscription looks for new rows.
    "FEED_GRPC_POLL_SECONDS": "0.5",
    # Each open subscription holds one thread.
    "FEED_GRPC_WORKERS": "32",
}


@dataclass(frozen=True)
class GrpcSettings:
    database_url: str
    address: str
    cert_file: Path | None
    key_file: Path | None
    tokens_file: Path
    allow_plaintext: bool
    poll_seconds: float
    workers: int

    @property
    def tls(self) -> bool:
        return self.cert_file is not None

    @classmethod
    def from_environ(cls, environ=os.environ) -> GrpcSettings:
        value = {key: environ.get(key, default) for key, default in ENVIRONMENT.items()}
        cert, key = value["FEED_GRPC_TLS_CERT_FILE"], value["FEED_GRPC_TLS_KEY_FILE"]
        if bool(cert) != bool(key):
            raise SystemExit("FEED_GRPC_TLS_CERT_FILE and FEED_GRPC_TLS_KEY_FILE go together")
        allow_plaintext = value["FEED_GRPC_ALLOW_PLAINTEXT"].lower() in ("on", "true", "1", "yes")
        if not cert and not allow_plaintext:
            raise SystemExit("the feed's gRPC port needs TLS (FEED_GRPC_TLS_CERT_FILE, FEED_GRPC_TLS_KEY_FILE); "
                             "FEED_GRPC_ALLOW_PLAINTEXT=on only for a local run")
        if not value["FEED_GRPC_TOKENS_FILE"]:
            raise SystemExit("FEED_GRPC_TOKENS_FILE is required: every subscriber presents a token")
        return cls(database_url=value["DATABASE_URL"], address=value["FEED_GRPC_ADDRESS"],
                   cert_file=Path(cert) if cert else None, key_file=Path(key) if key else None,
                   tokens_file=Path(value["FEED_GRPC_TOKENS_FILE"]), allow_plaintext=allow_plaintext,
                   poll_seconds=float(value["FEED_GRPC_POLL_SECONDS"]), workers=int(value["FEED_GRPC_WORKERS"]))
