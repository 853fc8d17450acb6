"""Choosing and building the document store from ``DOCSTORE_*`` settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .local import LocalDocumentStore
from .s3 import S3DocumentStore
from .store import DocumentStore
from .streaming import DEFAULT_MAX_BYTES

DEFAULT_LOCAL_ROOT = "./data/documents"


def _config_value(config: Mapping[str, Any], key: str) -> Any:
    # Config usually comes from environment variables, where "unset" and
    # "set to an empty string" are easy to confuse; treat both as unset.
    value = config.get(key)
    if isinstance(value, str):
        value = value.strip()
    return value if value not in (None, "") else None


def _parse_max_bytes(value: Any) -> int:
    if value is None:
        return DEFAULT_MAX_BYTES
    if isinstance(value, bool):
        raise TypeError(f"DOCSTORE_MAX_BYTES must be a positive integer, got {value!r}")
    try:
        parsed = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"DOCSTORE_MAX_BYTES must be a positive integer, got {value!r}") from None
    if parsed <= 0:
        raise ValueError(f"DOCSTORE_MAX_BYTES must be a positive integer, got {value!r}")
    return parsed


def store_from_config(config: Mapping[str, Any]) -> DocumentStore:
    """Build the configured store from ``DOCSTORE_*`` settings (e.g. ``os.environ``)."""
    backend = (_config_value(config, "DOCSTORE_BACKEND") or "local").lower()
    max_bytes = _parse_max_bytes(_config_value(config, "DOCSTORE_MAX_BYTES"))
    if backend == "local":
        root = _config_value(config, "DOCSTORE_ROOT") or DEFAULT_LOCAL_ROOT
        return LocalDocumentStore(root, max_bytes=max_bytes)
    if backend == "s3":
        bucket = _config_value(config, "DOCSTORE_S3_BUCKET")
        if not bucket:
            raise ValueError("DOCSTORE_S3_BUCKET is required when DOCSTORE_BACKEND=s3")
        return S3DocumentStore(
            bucket=bucket,
            endpoint_url=_config_value(config, "DOCSTORE_S3_ENDPOINT"),
            access_key=_config_value(config, "DOCSTORE_S3_ACCESS_KEY"),
            secret_key=_config_value(config, "DOCSTORE_S3_SECRET_KEY"),
            region=_config_value(config, "DOCSTORE_S3_REGION"),
            prefix=_config_value(config, "DOCSTORE_S3_PREFIX") or "",
            max_bytes=max_bytes,
        )
    raise ValueError(f"unknown DOCSTORE_BACKEND {backend!r}; expected 'local' or 's3'")
