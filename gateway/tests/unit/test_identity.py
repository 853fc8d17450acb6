import time

import pytest
from nameko.containers import WorkerContext
from nameko.messaging import HeaderEncoder

from gateway.rpc import ActAs, BoundedRpcProxy
from itpm_common.errors import Refusal
from itpm_common.identity import CONTEXT_KEY, Identity, TokenVerifier, generate_keypair

POLICE = Identity(user_id="police", name="郑海涛", role="UNIT", unit_id="police", unit_name="市公安局")


class _Entrypoint:
    method_name = "submit_plan_application"


def test_act_as_puts_a_verifiable_token_in_the_worker_context(bind_provider, verifier, worker_ctx):
    acting = bind_provider(ActAs(), "identity").get_dependency(worker_ctx)
    token = acting.act_as(POLICE)
    assert worker_ctx.data[CONTEXT_KEY] == token
    assert verifier.verify(worker_ctx.data[CONTEXT_KEY]) == POLICE


def test_the_token_is_short_lived_and_only_the_gateways_key_makes_one(bind_provider, worker_ctx, keys, tmp_path):
    token = bind_provider(ActAs(), "identity").get_dependency(worker_ctx).act_as(POLICE)
    an_hour_later = TokenVerifier(keys.public.read_bytes(), now=lambda: time.time() + 3600)
    with pytest.raises(Refusal) as expired:
        an_hour_later.verify(token)
    assert expired.value.code == "AUTH-TOKEN-INVALID"
    generate_keypair(tmp_path / "other" / "private.pem", tmp_path / "other" / "public.pem")
    with pytest.raises(Refusal):
        TokenVerifier((tmp_path / "other" / "public.pem").read_bytes()).verify(token)


def test_the_token_travels_in_the_rpc_message_headers(bind_provider, container, verifier):
    # A real nameko WorkerContext: RpcProxy builds its message headers from it.
    worker_ctx = WorkerContext(container, service=None, entrypoint=_Entrypoint())
    token = bind_provider(ActAs(), "identity").get_dependency(worker_ctx).act_as(POLICE)
    headers = HeaderEncoder().get_message_headers(worker_ctx)
    assert headers["nameko.identity"] == token
    assert verifier.verify(headers["nameko.identity"]) == POLICE


def test_acting_again_replaces_the_identity(bind_provider, verifier, worker_ctx):
    acting = bind_provider(ActAs(), "identity").get_dependency(worker_ctx)
    acting.act_as(POLICE)
    zwb = Identity(user_id="zwb", name="王政务", role="ZWB", unit_id="zwb", unit_name="市政务服务管理办公室")
    acting.act_as(zwb)
    assert verifier.verify(worker_ctx.data[CONTEXT_KEY]) == zwb


def test_rpc_requests_expire_when_the_gateway_stops_waiting(bind_provider, container, config):
    proxy = bind_provider(BoundedRpcProxy("planning"), "planning")
    worker_ctx = WorkerContext(container, service=None, entrypoint=_Entrypoint())
    method = proxy.get_dependency(worker_ctx).submit_plan_application
    assert method.publisher.expiration == config["RPC_TIMEOUT_SECONDS"]
