"""Append-only, hash-chained audit log (design.md "Nothing lost").

Each record's hash covers its content and the previous record's hash
(SM3, the national standard hash, through OpenSSL; SHA-256 only where the
platform lacks SM3, and the record says which). ``audit_head`` holds the
latest seq and hash, updated in the same transaction, so deleting the
newest records is detected too. ``python -m itpm_common.audit verify``
walks the chain.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, MetaData, insert, select, update
from sqlalchemy.orm import Session

from .db import make_engine
from .tables import add_infrastructure_tables

GENESIS = "0" * 64
HEAD_ID = 1


def _hash_alg() -> str:
    try:
        hashlib.new("sm3")
        return "sm3"
    except ValueError:
        return "sha256"


ALG = _hash_alg()


def canonical(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(alg: str, prev_hash: str, record: dict) -> str:
    h = hashlib.new(alg)
    h.update(prev_hash.encode())
    h.update(canonical(record))
    return h.hexdigest()


def _content(row) -> dict:
    return {k: row[k] for k in ("seq", "recorded_at", "actor_id", "actor_role", "actor_unit",
                                "action", "project_id", "outcome", "code", "rule", "article",
                                "details")}


@dataclass
class AuditEntry:
    action: str
    outcome: str  # ACCEPTED | REFUSED | RECORDED
    recorded_at: datetime
    actor_id: str | None = None
    actor_role: str | None = None
    actor_unit: str | None = None
    project_id: str | None = None
    code: str | None = None
    rule: str | None = None
    article: str | None = None
    details: dict | None = None


def append(session: Session, tables, entry: AuditEntry) -> int:
    head_t = tables.audit_head
    # Locking the head row serialises writers, so the chain has no forks.
    head = session.execute(
        select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == HEAD_ID).with_for_update()
    ).first()
    prev_seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS)
    seq = prev_seq + 1
    row = {
        "seq": seq,
        "recorded_at": entry.recorded_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "actor_unit": entry.actor_unit,
        "action": entry.action,
        "project_id": entry.project_id,
        "outcome": entry.outcome,
        "code": entry.code,
        "rule": entry.rule,
        "article": entry.article,
        "details": json.dumps(entry.details or {}, ensure_ascii=False, sort_keys=True),
    }
    digest = chain_hash(ALG, prev_hash, row)
    session.execute(insert(tables.audit_log).values(**row, alg=ALG, prev_hash=prev_hash,
                                                    hash=digest))
    if head:
        session.execute(update(head_t).where(head_t.c.id == HEAD_ID).values(seq=seq, hash=digest))
    else:
        session.execute(insert(head_t).values(id=HEAD_ID, seq=seq, hash=digest))
    return seq


@dataclass
class VerifyResult:
    ok: bool
    records: int
    problems: list[str]


def verify(engine: Engine) -> VerifyResult:
    tables = add_infrastructure_tables(MetaData())
    problems: list[str] = []
    expected_seq, prev_hash, count = 1, GENESIS, 0
    with engine.connect() as conn:
        rows = conn.execute(select(tables.audit_log).order_by(tables.audit_log.c.seq)).mappings()
        for row in rows:
            count += 1
            if row["seq"] != expected_seq:
                problems.append(f"seq {expected_seq}..{row['seq'] - 1} missing (deleted records)")
            if row["prev_hash"] != prev_hash:
                problems.append(f"seq {row['seq']}: prev_hash does not link to the previous record")
            if row["alg"] not in ("sm3", "sha256"):
                problems.append(f"seq {row['seq']}: unknown hash algorithm {row['alg']!r} (edited)")
            elif chain_hash(row["alg"], row["prev_hash"], _content(row)) != row["hash"]:
                problems.append(f"seq {row['seq']}: content does not match its hash (edited)")
            expected_seq, prev_hash = row["seq"] + 1, row["hash"]
        head = conn.execute(select(tables.audit_head).where(tables.audit_head.c.id == HEAD_ID)).first()
    if head is None and count:
        problems.append("audit_head missing")
    elif head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(f"head points at seq {head.seq} but the chain ends at {expected_seq - 1}"
                        " (newest records deleted or head edited)")
    return VerifyResult(ok=not problems, records=count, problems=problems)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m itpm_common.audit",
                                     description="审计日志链校验 / verify a service's audit chain")
    sub = parser.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    result = verify(make_engine(args.database_url))
    if result.ok:
        print(f"OK: {result.records} records, chain intact")
        return 0
    print(f"TAMPERED: {result.records} records")
    for p in result.problems:
        print(f"  - {p}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
