"""The append-only, hash-chained audit log and the migration that protects it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from itpm_common import audit
from itpm_common.audit import GENESIS, AuditEntry, chain_hash, verify
from itpm_common.clock import SHANGHAI
from itpm_common.migrations import forbid_update_and_delete

T0 = datetime(2024, 10, 10, 15, 2, 11, tzinfo=SHANGHAI)


def entry(i: int, **overrides) -> AuditEntry:
    fields = dict(
        action="submit_plan_application", outcome="ACCEPTED", recorded_at=T0 + timedelta(seconds=i),
        actor_id=f"u-{i}", actor_role="UNIT", actor_unit="unit-001", project_id=f"p-{i}",
        article="第七条", details={"n": i, "说明": "年度计划申报", "ok": True},
    )
    fields.update(overrides)
    return AuditEntry(**fields)


@pytest.fixture
def chain(migrated_engine, infra):
    """Five audit records appended in separate transactions, as five decisions would."""
    for i in range(1, 6):
        with Session(migrated_engine) as session:
            audit.append(session, infra, entry(i))
            session.commit()
    return migrated_engine


def drop_triggers(engine) -> None:
    # Someone with DBA rights can remove the database's protection; the chain must still tell.
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def rows(engine, infra):
    with engine.connect() as conn:
        return conn.execute(select(infra.audit_log).order_by(infra.audit_log.c.seq)).mappings().all()


def run_cli(db_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "itpm_common.audit", "verify", "--database-url", db_url],
                          capture_output=True, text=True, timeout=120)


# ------------------------------------------------------------ the migration


def test_migration_creates_the_infrastructure_tables(migrated_engine):
    names = set(inspect(migrated_engine).get_table_names())
    assert {"outbox", "inbox", "idempotency", "audit_log", "audit_head"} <= names


def test_migration_seeds_the_head_at_genesis(migrated_engine, infra):
    # A seeded head row gives the first concurrent writers a row to lock.
    with migrated_engine.connect() as conn:
        head = conn.execute(select(infra.audit_head)).all()
    assert [(h.id, h.seq, h.hash) for h in head] == [(audit.HEAD_ID, 0, GENESIS)]
    assert verify(migrated_engine).ok


def test_migration_triggers_forbid_update_and_delete(chain):
    with chain.connect() as conn:
        triggers = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    assert {"audit_log_no_update", "audit_log_no_delete"} <= triggers
    for statement in ("UPDATE audit_log SET details = '{}' WHERE seq = 2",
                      "UPDATE audit_log SET outcome = 'REFUSED'",
                      "DELETE FROM audit_log WHERE seq = 5",
                      "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), chain.begin() as conn:
            conn.execute(text(statement))
    assert verify(chain).ok
    assert verify(chain).records == 5


def test_triggers_leave_inserts_and_the_head_alone(migrated_engine, infra):
    # Appending must keep working under the triggers, and audit_head is updated in place.
    with Session(migrated_engine) as session:
        assert audit.append(session, infra, entry(1)) == 1
        assert audit.append(session, infra, entry(2)) == 2
        session.commit()
    with migrated_engine.connect() as conn:
        assert conn.execute(select(infra.audit_head.c.seq)).scalar_one() == 2


def test_forbid_update_and_delete_is_silent_on_other_dialects():
    class FakeOp:
        def __init__(self):
            self.executed: list[str] = []

        def get_bind(self):
            return type("Bind", (), {"dialect": type("D", (), {"name": "mysql"})()})()

        def execute(self, sql):
            self.executed.append(sql)

    op = FakeOp()
    forbid_update_and_delete(op, "audit_log")
    assert op.executed == []


def test_postgresql_trigger_sql():
    class FakeOp:
        def __init__(self):
            self.executed: list[str] = []

        def get_bind(self):
            return type("Bind", (), {"dialect": type("D", (), {"name": "postgresql"})()})()

        def execute(self, sql):
            self.executed.append(sql)

    op = FakeOp()
    forbid_update_and_delete(op, "audit_log")
    joined = " ".join(op.executed)
    assert "BEFORE UPDATE OR DELETE ON audit_log" in joined
    assert "FOR EACH ROW" in joined
    assert "RAISE EXCEPTION" in joined


# ------------------------------------------------------------ appending


def test_append_links_each_record_to_the_previous(chain, infra):
    records = rows(chain, infra)
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["prev_hash"] == GENESIS
    for earlier, later in zip(records, records[1:], strict=False):
        assert later["prev_hash"] == earlier["hash"]
    assert len({r["hash"] for r in records}) == 5
    with chain.connect() as conn:
        head = conn.execute(select(infra.audit_head)).one()
    assert (head.seq, head.hash) == (5, records[-1]["hash"])


def test_append_uses_sm3_where_available_and_records_it(chain, infra):
    try:
        hashlib.new("sm3")
        expected = "sm3"
    except ValueError:
        expected = "sha256"
    assert {r["alg"] for r in rows(chain, infra)} == {expected}


def test_record_content(chain, infra):
    first = rows(chain, infra)[0]
    assert first["recorded_at"] == "2024-10-10T15:02:12+08:00"
    assert first["actor_id"] == "u-1"
    assert first["outcome"] == "ACCEPTED"
    assert json.loads(first["details"]) == {"n": 1, "说明": "年度计划申报", "ok": True}


def test_hash_is_reproducible_from_the_stored_content(chain, infra):
    # An auditor can recompute every hash from the row alone (no hidden state).
    for r in rows(chain, infra):
        content = {k: r[k] for k in ("seq", "recorded_at", "actor_id", "actor_role", "actor_unit", "action",
                                     "project_id", "outcome", "code", "rule", "article", "details")}
        assert chain_hash(r["alg"], r["prev_hash"], content) == r["hash"]


def test_append_without_details_stores_an_empty_object(migrated_engine, infra):
    with Session(migrated_engine) as session:
        audit.append(session, infra, AuditEntry(action="x", outcome="RECORDED", recorded_at=T0))
        session.commit()
    assert rows(migrated_engine, infra)[0]["details"] == "{}"


def test_rolled_back_append_leaves_no_trace(chain, infra):
    with Session(chain) as session:
        audit.append(session, infra, entry(6))
        session.rollback()
    result = verify(chain)
    assert (result.ok, result.records) == (True, 5)


# ------------------------------------------------------------ verification


def test_verify_empty_database(migrated_engine):
    result = verify(migrated_engine)
    assert (result.ok, result.records, result.problems) == (True, 0, [])


def test_verify_intact_chain(chain):
    result = verify(chain)
    assert (result.ok, result.records, result.problems) == (True, 5, [])


@pytest.mark.parametrize(("column", "value"), [
    ("details", json.dumps({"n": 3, "说明": "已改", "ok": True}, ensure_ascii=False, sort_keys=True)),
    ("outcome", "REFUSED"),
    ("actor_id", "u-someone-else"),
    ("actor_role", "FG"),
    ("actor_unit", "unit-999"),
    ("action", "approve_fsr"),
    ("project_id", "p-999"),
    ("recorded_at", "2024-10-09T15:02:14+08:00"),
    ("code", "E26-APPLICATION-OVERDUE"),
    ("rule", "R-26-2"),
    ("article", "第二十六条"),
])
def test_verify_detects_an_edited_record(chain, column, value):
    drop_triggers(chain)
    with chain.begin() as conn:
        conn.execute(text(f"UPDATE audit_log SET {column} = :v WHERE seq = 3"), {"v": value})
    result = verify(chain)
    assert not result.ok
    assert any("seq 3" in p and "edited" in p for p in result.problems)


def test_verify_detects_a_relinked_hash(chain, infra):
    # Rewriting a record's hash to match its new content breaks the next link.
    drop_triggers(chain)
    third = rows(chain, infra)[2]
    forged = dict(third)
    forged["outcome"] = "REFUSED"
    content = {k: forged[k] for k in ("seq", "recorded_at", "actor_id", "actor_role", "actor_unit", "action",
                                      "project_id", "outcome", "code", "rule", "article", "details")}
    new_hash = chain_hash(third["alg"], third["prev_hash"], content)
    with chain.begin() as conn:
        conn.execute(update(infra.audit_log).where(infra.audit_log.c.seq == 3)
                     .values(outcome="REFUSED", hash=new_hash))
    result = verify(chain)
    assert not result.ok
    assert any("seq 4" in p and "prev_hash" in p for p in result.problems)


def test_verify_detects_a_deleted_middle_record(chain, infra):
    drop_triggers(chain)
    with chain.begin() as conn:
        conn.execute(delete(infra.audit_log).where(infra.audit_log.c.seq == 3))
    result = verify(chain)
    assert not result.ok
    assert result.records == 4
    assert any("missing" in p for p in result.problems)
    assert any("seq 4" in p and "prev_hash" in p for p in result.problems)


def test_verify_detects_a_deleted_first_record(chain, infra):
    drop_triggers(chain)
    with chain.begin() as conn:
        conn.execute(delete(infra.audit_log).where(infra.audit_log.c.seq == 1))
    result = verify(chain)
    assert not result.ok
    assert any("missing" in p for p in result.problems)


def test_verify_detects_a_deleted_newest_record_through_the_head(chain, infra):
    drop_triggers(chain)
    with chain.begin() as conn:
        conn.execute(delete(infra.audit_log).where(infra.audit_log.c.seq == 5))
    result = verify(chain)
    assert not result.ok
    assert result.records == 4
    assert len(result.problems) == 1
    assert "head" in result.problems[0] and "seq 5" in result.problems[0]


def test_verify_detects_an_edited_head(chain, infra):
    with chain.begin() as conn:
        conn.execute(update(infra.audit_head).values(hash="f" * 64))
    result = verify(chain)
    assert not result.ok
    assert any("head" in p for p in result.problems)


def test_verify_detects_a_rewound_head(chain, infra):
    # The head no longer agrees with the newest record still in the log.
    with chain.begin() as conn:
        conn.execute(update(infra.audit_head).values(seq=4))
    assert not verify(chain).ok


def test_verify_detects_a_missing_head(chain, infra):
    with chain.begin() as conn:
        conn.execute(delete(infra.audit_head))
    result = verify(chain)
    assert not result.ok
    assert any("audit_head missing" in p for p in result.problems)


def test_verify_detects_an_inserted_record(chain, infra):
    # A forged record appended without going through the head.
    last = rows(chain, infra)[-1]
    forged = {**dict(last), "seq": 6, "prev_hash": last["hash"], "action": "forged"}
    with chain.begin() as conn:
        conn.execute(insert(infra.audit_log).values(**forged))
    assert not verify(chain).ok


# ------------------------------------------------------------ command line


def test_cli_exit_code_0_then_1_after_tampering(chain, db_url, infra):
    ok = run_cli(db_url)
    assert ok.returncode == 0, ok.stderr
    assert "OK: 5 records" in ok.stdout

    drop_triggers(chain)
    with chain.begin() as conn:
        conn.execute(update(infra.audit_log).where(infra.audit_log.c.seq == 2).values(details="{}"))
    tampered = run_cli(db_url)
    assert tampered.returncode == 1, tampered.stderr
    assert "TAMPERED: 5 records" in tampered.stdout
    assert "seq 2" in tampered.stdout


def test_cli_requires_a_database_url():
    done = subprocess.run([sys.executable, "-m", "itpm_common.audit", "verify"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    assert "--database-url" in done.stderr

