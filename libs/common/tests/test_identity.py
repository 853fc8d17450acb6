"""Signed caller identity: only the gateway's private key can mint a caller."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
import time
import types

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from itpm_common.errors import Refusal
from itpm_common.identity import (
    ALL_ROLES,
    CONTEXT_KEY,
    DEFAULT_TTL_SECONDS,
    ISSUER,
    READ_ALL_ROLES,
    Caller,
    Identity,
    TokenSigner,
    TokenVerifier,
    _CallerAccessor,
    generate_keypair,
    signer_from_config,
    verifier_from_config,
)

# 2024-10-10T15:00:00+08:00, a receipt time a conformance run may pin.
PINNED_EPOCH = 1728543600.0


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_json(obj) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def assert_token_refused(verifier: TokenVerifier, token, reason_part: str | None = None) -> Refusal:
    with pytest.raises(Refusal) as caught:
        verifier.verify(token)
    refusal = caught.value
    assert refusal.code == "AUTH-TOKEN-INVALID"
    assert refusal.http_status == 401
    if reason_part:
        assert reason_part in refusal.reason_zh
    return refusal


@pytest.fixture
def signer(keypair) -> TokenSigner:
    return TokenSigner(keypair[0])


@pytest.fixture
def verifier(keypair) -> TokenVerifier:
    return TokenVerifier(keypair[1])


# ------------------------------------------------------------ round trip


def test_sign_verify_round_trip(signer, verifier, unit_user):
    assert verifier.verify(signer.sign(unit_user)) == unit_user


def test_token_claims(signer, keypair, unit_user):
    token = signer.sign(unit_user)
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    claims = jwt.decode(token, keypair[1], algorithms=["EdDSA"], issuer=ISSUER)
    assert claims["sub"] == "u-unit-1"
    assert claims["role"] == "UNIT"
    assert claims["unit"] == "unit-001"
    assert claims["unit_name"] == "市大数据管理局"
    assert claims["name"] == "张三"
    assert claims["exp"] - claims["iat"] == DEFAULT_TTL_SECONDS
    assert claims["jti"] != jwt.decode(signer.sign(unit_user), keypair[1], algorithms=["EdDSA"],
                                       issuer=ISSUER)["jti"]


def test_claims_round_trip():
    ident = Identity(user_id="u", name="王五", role="CZ", unit_id="cz", unit_name="市财政局")
    assert Identity.from_claims(ident.to_claims()) == ident


# ------------------------------------------------------------ refusals


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token(verifier, token):
    assert_token_refused(verifier, token, "缺少身份凭证")


def test_expired_token_by_the_injected_clock(keypair, signer, unit_user):
    token = signer.sign(unit_user)
    issued = jwt.decode(token, options={"verify_signature": False})["iat"]
    leeway = 5
    on_time = TokenVerifier(keypair[1], leeway_seconds=leeway,
                            now=lambda: issued + DEFAULT_TTL_SECONDS + leeway)
    assert on_time.verify(token) == unit_user
    late = TokenVerifier(keypair[1], leeway_seconds=leeway,
                         now=lambda: issued + DEFAULT_TTL_SECONDS + leeway + 1)
    assert_token_refused(late, token, "过期")


def test_token_expired_by_the_wall_clock(keypair, verifier, unit_user):
    old = TokenSigner(keypair[0], now=lambda: time.time() - DEFAULT_TTL_SECONDS - 60)
    assert_token_refused(verifier, old.sign(unit_user), "过期")


def test_signer_and_verifier_on_one_pinned_clock_agree(keypair, unit_user):
    # The `now` injection exists so a run pinned to a fixed instant sees tokens
    # as users would; a token issued and checked at that instant is valid.
    signer = TokenSigner(keypair[0], now=lambda: PINNED_EPOCH)
    verifier = TokenVerifier(keypair[1], now=lambda: PINNED_EPOCH + 10)
    assert verifier.verify(signer.sign(unit_user)) == unit_user


def test_tampered_payload(signer, verifier, unit_user):
    header, payload, signature = signer.sign(unit_user).split(".")
    claims = json.loads(unb64url(payload))
    claims["role"] = "FG"  # a unit user promoting itself to the approval authority
    forged = ".".join([header, b64url_json(claims), signature])
    assert_token_refused(verifier, forged, "无效")


def test_tampered_signature(signer, verifier, unit_user):
    header, payload, signature = signer.sign(unit_user).split(".")
    raw = bytearray(unb64url(signature))
    raw[0] ^= 0x01
    assert_token_refused(verifier, ".".join([header, payload, b64url(bytes(raw))]))


def test_token_signed_with_another_key(tmp_path, verifier, unit_user):
    other_private, other_public = tmp_path / "other.pem", tmp_path / "other.pub.pem"
    generate_keypair(other_private, other_public)
    assert_token_refused(verifier, TokenSigner(other_private.read_bytes()).sign(unit_user), "无效")


def test_unknown_role(signer, verifier):
    ident = Identity(user_id="u", name="x", role="ADMIN", unit_id="", unit_name="")
    assert_token_refused(verifier, signer.sign(ident), "角色")


def test_alg_none_token(verifier, unit_user):
    now = int(time.time())
    claims = {**unit_user.to_claims(), "iss": ISSUER, "iat": now, "exp": now + 60}
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert unsigned.endswith(".")
    assert_token_refused(verifier, unsigned)
    # The same with the header written by hand, as an attacker would.
    handmade = f"{b64url_json({'alg': 'none', 'typ': 'JWT'})}.{b64url_json(claims)}."
    assert_token_refused(verifier, handmade)


def test_hs256_token_keyed_with_the_public_key(keypair, verifier, unit_user):
    # Algorithm confusion: HMAC keyed with the (public) verification key.
    now = int(time.time())
    claims = {**unit_user.to_claims(), "iss": ISSUER, "iat": now, "exp": now + 60}
    signing_input = f"{b64url_json({'alg': 'HS256', 'typ': 'JWT'})}.{b64url_json(claims)}"
    mac = hmac.new(keypair[1], signing_input.encode(), hashlib.sha256).digest()
    assert_token_refused(verifier, f"{signing_input}.{b64url(mac)}")


def test_wrong_issuer(keypair, verifier, unit_user):
    key = serialization.load_pem_private_key(keypair[0], password=None)
    now = int(time.time())
    token = jwt.encode({**unit_user.to_claims(), "iss": "someone-else", "iat": now, "exp": now + 60},
                       key, algorithm="EdDSA")
    assert_token_refused(verifier, token)


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "role", "iss"])
def test_required_claims(keypair, verifier, unit_user, claim):
    key = serialization.load_pem_private_key(keypair[0], password=None)
    now = int(time.time())
    claims = {**unit_user.to_claims(), "iss": ISSUER, "iat": now, "exp": now + 60}
    del claims[claim]
    assert_token_refused(verifier, jwt.encode(claims, key, algorithm="EdDSA"))


@pytest.mark.parametrize("garbage", ["not-a-token", "a.b.c", "...", "eyJhbGciOiJFZERTQSJ9.e30."])
def test_garbage(verifier, garbage):
    assert_token_refused(verifier, garbage)


# ------------------------------------------------------------ roles


def test_require_role_allows_listed_roles(fg_officer):
    fg_officer.require_role("FG", "ZWB", action_zh="审批可行性研究报告")


def test_require_role_refusal_cites_article_4(unit_user):
    with pytest.raises(Refusal) as caught:
        unit_user.require_role("FG", action_zh="审批可行性研究报告")
    refusal = caught.value
    assert refusal.code == "AUTH-FORBIDDEN"
    assert refusal.http_status == 403
    assert refusal.article == "第四条"
    assert refusal.rule == "R-4-1"
    assert "审批可行性研究报告" in refusal.reason_zh
    assert refusal.details == {"role": "UNIT", "allowed_roles": ["FG"]}


def test_require_role_with_a_named_article(unit_user):
    with pytest.raises(Refusal) as caught:
        unit_user.require_role("CZ", action_zh="确认资金来源", article="第九条", rule="R-9-8")
    assert (caught.value.article, caught.value.rule) == ("第九条", "R-9-8")


def test_reads_all():
    for role in ALL_ROLES:
        ident = Identity(user_id="u", name="", role=role, unit_id="", unit_name="")
        assert ident.reads_all == (role in READ_ALL_ROLES)
    assert "UNIT" not in READ_ALL_ROLES and "BM" not in READ_ALL_ROLES


# ------------------------------------------------------------ lazy caller


class CountingVerifier:
    def __init__(self, inner: TokenVerifier):
        self.inner, self.calls = inner, 0

    def verify(self, token):
        self.calls += 1
        return self.inner.verify(token)


def test_caller_verifies_lazily(verifier):
    counting = CountingVerifier(verifier)
    accessor = _CallerAccessor(counting, "garbage")  # an entrypoint needing no identity never fails
    assert counting.calls == 0
    assert accessor.present is True
    with pytest.raises(Refusal) as caught:
        accessor.identity()
    assert caught.value.code == "AUTH-TOKEN-INVALID"


def test_caller_verifies_once(signer, verifier, unit_user):
    counting = CountingVerifier(verifier)
    accessor = _CallerAccessor(counting, signer.sign(unit_user))
    assert accessor.identity() == unit_user
    assert accessor.identity() == unit_user
    assert counting.calls == 1


def test_caller_without_token(verifier):
    accessor = _CallerAccessor(verifier, None)
    assert accessor.present is False
    with pytest.raises(Refusal) as caught:
        accessor.require("UNIT", action_zh="提交年度计划申报")
    assert caught.value.code == "AUTH-TOKEN-INVALID"


def test_caller_require(signer, verifier, unit_user):
    accessor = _CallerAccessor(verifier, signer.sign(unit_user))
    assert accessor.require("UNIT", action_zh="提交年度计划申报") == unit_user
    with pytest.raises(Refusal) as caught:
        accessor.require("FG", action_zh="审批", article="第十条", rule="R-10-1")
    assert (caught.value.code, caught.value.article, caught.value.rule) == ("AUTH-FORBIDDEN", "第十条",
                                                                          "R-10-1")


class FakeContainer:
    """The part of a nameko ServiceContainer an extension reads (weakref-able)."""

    def __init__(self, config):
        self.config = config


def test_caller_dependency_reads_the_token_from_the_worker_context(key_files, signer, unit_user):
    container = FakeContainer({"IDENTITY_PUBLIC_KEY_FILE": str(key_files[1])})
    caller = Caller().bind(container, "caller")
    caller.setup()
    worker_ctx = types.SimpleNamespace(data={CONTEXT_KEY: signer.sign(unit_user)})
    assert caller.get_dependency(worker_ctx).identity() == unit_user
    anonymous = caller.get_dependency(types.SimpleNamespace(data={}))
    assert anonymous.present is False


# ------------------------------------------------------------ keys and config


def test_generate_keypair_private_file_is_0600(tmp_path):
    private, public = tmp_path / "deep" / "dir" / "k.pem", tmp_path / "deep" / "dir" / "k.pub.pem"
    generate_keypair(private, public)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    pub = serialization.load_pem_public_key(public.read_bytes())
    assert isinstance(key, Ed25519PrivateKey)
    assert isinstance(pub, Ed25519PublicKey)
    assert b"PRIVATE" not in public.read_bytes()
    pub.verify(key.sign(b"x"), b"x")  # the two files are one pair


def test_generate_keypair_makes_a_new_pair_each_time(tmp_path):
    generate_keypair(tmp_path / "a.pem", tmp_path / "a.pub")
    generate_keypair(tmp_path / "b.pem", tmp_path / "b.pub")
    assert (tmp_path / "a.pub").read_bytes() != (tmp_path / "b.pub").read_bytes()


def test_config_from_files_and_inline_pem(key_files, keypair, unit_user):
    private, public = key_files
    signer = signer_from_config({"IDENTITY_PRIVATE_KEY_FILE": str(private),
                                 "IDENTITY_TOKEN_TTL_SECONDS": "30"})
    token = signer.sign(unit_user)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 30
    assert verifier_from_config({"IDENTITY_PUBLIC_KEY_FILE": str(public)}).verify(token) == unit_user
    inline = verifier_from_config({"IDENTITY_PUBLIC_KEY": keypair[1].decode()})
    assert inline.verify(token) == unit_user


def test_config_without_keys():
    with pytest.raises(RuntimeError, match="IDENTITY_PUBLIC_KEY"):
        verifier_from_config({})
    with pytest.raises(RuntimeError, match="IDENTITY_PRIVATE_KEY"):
        signer_from_config({})
