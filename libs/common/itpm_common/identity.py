"""Signed caller identity (design.md "Identity").

The gateway signs a short-lived token per call with its Ed25519 private key;
services hold only the public key, so no service can mint a user's identity.
The token travels in the nameko context (``worker_ctx.data["identity"]``)
and every service verifies it itself before applying rules.md §7.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nameko.extensions import DependencyProvider

from .errors import Refusal, forbidden, unauthenticated

CONTEXT_KEY = "identity"
ISSUER = "itpm-gateway"
ALGORITHM = "EdDSA"
DEFAULT_TTL_SECONDS = 120

# Role codes of rules.md §1.
BUREAU_ROLES = ("ZWB", "WX", "FG", "GX", "CZ")
ALL_ROLES = ("LG", "LGO", "ZWB", "WX", "FG", "GX", "CZ", "SJ", "BM", "UNIT",
             "JL", "TP", "ZG", "ARCH", "SUB", "SYSTEM")
# Roles that read every non-classified project (rules.md §7.2).
READ_ALL_ROLES = ("ZWB", "FG", "CZ", "WX", "GX", "SJ")


@dataclass(frozen=True)
class Identity:
    user_id: str
    name: str
    role: str
    unit_id: str
    unit_name: str

    def to_claims(self) -> dict:
        return {"sub": self.user_id, "name": self.name, "role": self.role,
                "unit": self.unit_id, "unit_name": self.unit_name}

    @classmethod
    def from_claims(cls, claims: dict) -> Identity:
        return cls(user_id=claims["sub"], name=claims.get("name", ""), role=claims["role"],
                   unit_id=claims.get("unit", ""), unit_name=claims.get("unit_name", ""))

    @property
    def reads_all(self) -> bool:
        return self.role in READ_ALL_ROLES

    def require_role(self, *roles: str, action_zh: str, article: str = "第四条",
                     rule: str = "R-4-1") -> None:
        if self.role not in roles:
            raise forbidden(action_zh, self.role, article=article, rule=rule, allowed=list(roles))


def generate_keypair(private_path: Path, public_path: Path) -> None:
    """Write a new Ed25519 key pair (PEM); the private file is 0600."""
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    private_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    os.chmod(private_path, 0o600)
    public_path.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def _read_key(value: str | None, path: str | None, what: str) -> bytes:
    if value:
        return value.encode() if isinstance(value, str) else value
    if path:
        return Path(path).read_bytes()
    raise RuntimeError(f"no {what} configured")


class TokenSigner:
    def __init__(self, private_key_pem: bytes, ttl_seconds: int = DEFAULT_TTL_SECONDS,
                 now=time.time):
        self._key = serialization.load_pem_private_key(private_key_pem, password=None)
        self._ttl = ttl_seconds
        self._now = now

    def sign(self, identity: Identity) -> str:
        issued = int(self._now())
        claims = {**identity.to_claims(), "iss": ISSUER, "iat": issued,
                  "exp": issued + self._ttl, "jti": uuid.uuid4().hex}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)


class TokenVerifier:
    def __init__(self, public_key_pem: bytes, leeway_seconds: int = 5, now=time.time):
        self._key = serialization.load_pem_public_key(public_key_pem)
        self._leeway = leeway_seconds
        self._now = now

    def verify(self, token: str | None) -> Identity:
        if not token:
            raise unauthenticated("缺少身份凭证：请求必须经统一门户登录后发起")
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[ALGORITHM], issuer=ISSUER,
                # PyJWT would judge exp/iat by the wall clock; time is judged
                # below by the injected clock only.
                options={"require": ["exp", "iat", "sub", "role"],
                         "verify_exp": False, "verify_iat": False},
            )
        except jwt.InvalidTokenError:
            raise unauthenticated("身份凭证无效或被篡改") from None
        now = self._now()
        if not all(type(claims[c]) is int for c in ("exp", "iat")) or claims["iat"] > now + self._leeway:
            raise unauthenticated("身份凭证无效或被篡改")
        if claims["exp"] + self._leeway < now:
            raise unauthenticated("身份凭证已过期，请重新登录")
        if claims["role"] not in ALL_ROLES:
            raise unauthenticated("身份凭证中的角色未知")
        return Identity.from_claims(claims)


def verifier_from_config(config: dict) -> TokenVerifier:
    pem = _read_key(config.get("IDENTITY_PUBLIC_KEY"), config.get("IDENTITY_PUBLIC_KEY_FILE"),
                    "IDENTITY_PUBLIC_KEY(_FILE)")
    return TokenVerifier(pem)


def signer_from_config(config: dict) -> TokenSigner:
    pem = _read_key(config.get("IDENTITY_PRIVATE_KEY"), config.get("IDENTITY_PRIVATE_KEY_FILE"),
                    "IDENTITY_PRIVATE_KEY(_FILE)")
    return TokenSigner(pem, int(config.get("IDENTITY_TOKEN_TTL_SECONDS", DEFAULT_TTL_SECONDS)))


class _CallerAccessor:
    """What a worker sees as ``self.caller``: verification happens on first use,
    so entrypoints that need no identity (health, event handlers) never fail."""

    def __init__(self, verifier: TokenVerifier, token: str | None):
        self._verifier = verifier
        self._token = token
        self._identity: Identity | None = None

    @property
    def present(self) -> bool:
        return bool(self._token)

    def identity(self) -> Identity:
        if self._identity is None:
            self._identity = self._verifier.verify(self._token)
        return self._identity

    def require(self, *roles: str, action_zh: str, article: str = "第四条",
                rule: str = "R-4-1") -> Identity:
        ident = self.identity()
        ident.require_role(*roles, action_zh=action_zh, article=article, rule=rule)
        return ident


class Caller(DependencyProvider):
    """nameko dependency: ``self.caller.identity()`` verifies the signed token."""

    def setup(self):
        self.verifier = verifier_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return _CallerAccessor(self.verifier, worker_ctx.data.get(CONTEXT_KEY))


__all__ = ["Identity", "TokenSigner", "TokenVerifier", "Caller", "Refusal", "generate_keypair",
           "signer_from_config", "verifier_from_config", "CONTEXT_KEY"]
