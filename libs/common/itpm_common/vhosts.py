"""Throw-away RabbitMQ vhosts (through the management API) so that tests and
benchmarks never share queues with a running suite."""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote, urlparse

import requests

AMQP_URI = os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")
RABBIT_API = os.environ.get("ITPM_RABBIT_API", "http://guest:guest@localhost:15672/api")


def create_vhost(prefix: str = "itpm_test", amqp_uri: str = AMQP_URI,
                 api: str = RABBIT_API) -> tuple[str, str]:
    """Create a vhost the URI's user may use; returns (name, amqp uri of the vhost)."""
    vhost = f"{prefix}_{uuid.uuid4().hex[:12]}"
    parsed = urlparse(amqp_uri)
    user = parsed.username or "guest"
    requests.put(f"{api}/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/permissions/{quote(vhost, safe='')}/{user}",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    return vhost, parsed._replace(path=f"/{quote(vhost, safe='')}").geturl()


def delete_vhost(vhost: str, api: str = RABBIT_API) -> None:
    requests.delete(f"{api}/vhosts/{quote(vhost, safe='')}", timeout=10)
