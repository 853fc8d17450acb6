"""The gateway's own configuration keys, read once per container.

Values arrive from nameko's YAML after environment substitution, so a number
may be an int or a string and a switch may be a bool or "on"/"off".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nameko.extensions import DependencyProvider

from .feed.webhooks import DeliveryConfig

MIB = 1024 * 1024
DEFAULT_PORTAL_DIST = Path(__file__).resolve().parent.parent / "portal" / "dist"


def _int(config, key: str, default: int) -> int:
    value = config.get(key)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        raise ValueError(f"{key} must be an integer, got {value!r}")
    parsed = int(str(value).strip())
    if parsed <= 0:
        raise ValueError(f"{key} must be positive, got {value!r}")
    return parsed


def _float(config, key: str, default: float) -> float:
    value = config.get(key)
    if value in (None, ""):
        return default
    parsed = float(str(value).strip())
    if parsed <= 0:
        raise ValueError(f"{key} must be positive, got {value!r}")
    return parsed


def _flag(config, key: str, default: bool) -> bool:
    value = config.get(key)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "on", "true", "yes")


@dataclass(frozen=True)
class Settings:
    session_ttl_seconds: int = 28800
    session_cookie_secure: bool = False
    max_body_bytes: int = MIB
    rpc_timeout_seconds: float = 30.0
    health_timeout_seconds: float = 3.0
    amqp_uri: str = "amqp://guest:guest@localhost:5672/"
    portal_dist: Path = DEFAULT_PORTAL_DIST
    webhooks: DeliveryConfig = DeliveryConfig()

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(
            session_ttl_seconds=_int(config, "SESSION_TTL_SECONDS", 28800),
            session_cookie_secure=_flag(config, "SESSION_COOKIE_SECURE", False),
            max_body_bytes=_int(config, "MAX_BODY_BYTES", MIB),
            rpc_timeout_seconds=_float(config, "RPC_TIMEOUT_SECONDS", 30.0),
            health_timeout_seconds=_float(config, "HEALTH_TIMEOUT_SECONDS", 3.0),
            amqp_uri=config.get("AMQP_URI") or cls.amqp_uri,
            portal_dist=Path(config.get("PORTAL_DIST") or DEFAULT_PORTAL_DIST),
            webhooks=DeliveryConfig(
                backoff_base_seconds=_float(config, "WEBHOOK_BACKOFF_BASE_SECONDS", 2.0),
                backoff_cap_seconds=_float(config, "WEBHOOK_BACKOFF_CAP_SECONDS", 600.0),
                max_attempts=_int(config, "WEBHOOK_MAX_ATTEMPTS", 8),
                timeout_seconds=_float(config, "WEBHOOK_TIMEOUT_SECONDS", 5.0),
                batch=_int(config, "WEBHOOK_BATCH", 50),
                secret_grace_seconds=_int(config, "WEBHOOK_SECRET_GRACE_SECONDS", 86400),
            ),
        )


class SettingsProvider(DependencyProvider):
    def setup(self):
        # Parsed at start so a bad value stops the container, not a request.
        self.settings = Settings.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings
