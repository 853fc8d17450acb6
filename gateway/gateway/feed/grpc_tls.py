"""Credentials of the feed's gRPC port: a self-signed server certificate for local runs and tests, and the
subscribers' tokens (only their SHA-256 is kept, so the tokens file lets no one subscribe).

    python -m gateway.feed.grpc_tls cert DIR [--host NAME ...]   write DIR/server.crt and DIR/server.key if missing
    python -m gateway.feed.grpc_tls token TOKENS_FILE NAME       add a subscriber, print its new token once
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import ipaddress
import json
import os
import secrets
import sys
from pathlib import Path


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def read_tokens(path: Path) -> dict[str, str]:
    """sha256 hex -> subscriber name."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of token sha256 -> subscriber name")
    return {str(k).lower(): str(v) for k, v in data.items()}


def add_token(path: Path, name: str, token: str | None = None) -> str:
    # Hex: a token never starts with "-", which a command line would take for an option.
    token = token or secrets.token_hex(32)
    tokens = read_tokens(path)
    tokens[token_hash(token)] = name
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(tokens, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
    return token


def self_signed(folder: Path, hosts: list[str], days: int = 825) -> tuple[Path, Path]:
    """server.crt and server.key in ``folder`` (kept if both exist), valid for ``hosts`` (names or addresses)."""
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])])
    alt_names = []
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    key_path.touch(mode=0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.feed.grpc_tls", description="外部事件流 gRPC 的证书与令牌")
    sub = parser.add_subparsers(dest="command", required=True)
    cert = sub.add_parser("cert", help="生成自签名服务器证书（本地运行与测试用）")
    cert.add_argument("folder", type=Path)
    cert.add_argument("--host", action="append", default=None, help="证书适用的主机名或地址，可重复")
    token = sub.add_parser("token", help="新增一个订阅方令牌，只打印一次")
    token.add_argument("tokens_file", type=Path)
    token.add_argument("name")
    args = parser.parse_args(argv)
    if args.command == "cert":
        for path in self_signed(args.folder, args.host or ["localhost", "127.0.0.1"]):
            print(path)
    else:
        print(add_token(args.tokens_file, args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
