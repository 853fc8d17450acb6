"""Calling the services: whose identity travels with the call, and how long
the gateway waits for an answer.

A service believes only a token signed with the gateway's Ed25519 key
(itpm_common.identity). ``self.identity.act_as(user)`` signs a short-lived
token for the logged-in user and puts it in the worker's context data; every
RpcProxy call the worker makes afterwards carries it in the message headers.

nameko 2.14's RpcProxy waits for a reply forever; a service that is down
while its durable queue still exists would hold the user's request open
until the browser gives up. Every call here is bounded, a miss becomes a
503 (never a hang or a 500), and the request message expires with it.
"""

from __future__ import annotations

import amqp.exceptions
import eventlet
import kombu.exceptions
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy

from itpm_common.identity import CONTEXT_KEY, Identity, TokenSigner, signer_from_config

from .settings import Settings


class ServiceUnavailable(Exception):
    def __init__(self, service: str, cause: str):
        super().__init__(service, cause)
        self.service = service
        self.cause = cause

    def __str__(self) -> str:
        return f"service {self.service} unavailable: {self.cause}"


_BROKER_ERRORS = (OSError, kombu.exceptions.OperationalError, amqp.exceptions.ConnectionError)


def call(proxy, method: str, *args, timeout: float, **kwargs):
    """``proxy.method(*args, **kwargs)`` with a deadline; Refusals pass through."""
    service = getattr(proxy, "service_name", "?")
    try:
        reply = getattr(proxy, method).call_async(*args, **kwargs)
        with eventlet.Timeout(timeout, ServiceUnavailable(service, f"no reply within {timeout:g}s")):
            return reply.result()
    except UnknownService:
        raise ServiceUnavailable(service, "not running (no consumer for its queue)") from None
    except _BROKER_ERRORS as exc:
        raise ServiceUnavailable(service, f"message broker unreachable: {exc}") from None


class BoundedRpcProxy(RpcProxy):
    """nameko's RpcProxy whose requests expire in the broker when the gateway
    stops waiting: a command the user was told had failed (503) must not be
    carried out later, when the stopped service comes back to a full queue."""

    def setup(self):
        self.options.setdefault("expiration", Settings.from_config(self.container.config).rpc_timeout_seconds)
        super().setup()


class Acting:
    """What a worker sees as ``self.identity``."""

    def __init__(self, signer: TokenSigner, worker_ctx):
        self._signer = signer
        self._worker_ctx = worker_ctx

    def act_as(self, identity: Identity) -> str:
        token = self._signer.sign(identity)
        self._worker_ctx.data[CONTEXT_KEY] = token
        return token


class ActAs(DependencyProvider):
    def setup(self):
        self.signer = signer_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return Acting(self.signer, worker_ctx)
