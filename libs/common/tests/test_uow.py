"""One transaction per decision: state, outbox, audit and idempotency record
commit together or not at all (R-0-1, R-0-2, rules.md §0.3)."""

from __future__ import annotations

import json

import eventlet
import pytest
from sqlalchemy import Integer, String, func, insert, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.errors import Refusal, not_found
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.uow import SYSTEM_ACTOR, request_hash

# Long enough for any honest transaction on a local file, short enough that
# a held lock fails the test instead of hanging the run.
LOCK_TIMEOUT_S = 2


class Base(DeclarativeBase):
    pass


class Thing(Base):
    """A versioned domain row, as services map their projects (R-0-2)."""

    __tablename__ = "things"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


@pytest.fixture
def db(migrated_engine):
    Base.metadata.create_all(migrated_engine)
    return migrated_engine


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def head_seq(engine, infra) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(infra.audit_head.c.seq)).scalar()


def things(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, state FROM things")).all())


def submit(factory, actor, key, payload, *, project_id="p-1"):
    """A command written the way conventions.md prescribes."""
    with factory.command(actor, "submit_plan_application", idempotency_key=key, request=payload) as tx:
        if tx.replayed:
            return tx.result
        tx.session.add(Thing(id=project_id, state="PLAN_APPLIED"))
        tx.emit("PlanApplicationSubmitted", project_id, {"name": payload["name"]}, article="第七条",
                unit_id=actor.unit_id)
        tx.audit("submit_plan_application", project_id=project_id, article="第七条")
        tx.result = {"project_id": project_id, "state": "PLAN_APPLIED"}
    return tx.result


def competing_update(engine, thing_id: str, state: str) -> None:
    """Another worker (another process) commits a decision on the same row."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE things SET state = :s, version = version + 1 WHERE id = :i"),
                     {"s": state, "i": thing_id})


def assert_lock_free(factory) -> None:
    with eventlet.Timeout(LOCK_TIMEOUT_S), factory.read() as session:
        session.execute(text("SELECT 1"))


def make_event(**overrides) -> CloudEvent:
    fields = dict(type=event_type("review", "PlanReviewOpened"), source="/itpm/review", subject="p-1",
                  data={"review_id": "r-1"}, id="7d1c0c52-0000-4000-8000-000000000001",
                  time="2024-10-10T15:00:00+08:00", unitid="unit-001", article="第八条",
                  actorid="u-zwb-1", actorrole="ZWB")
    fields.update(overrides)
    return CloudEvent(**fields)


# ------------------------------------------------------------ commit together


def test_command_commits_state_outbox_audit_and_idempotency(db, factory, infra, unit_user):
    result = submit(factory, unit_user, "key-1", {"name": "一网通办", "year": 2025})
    assert result == {"project_id": "p-1", "state": "PLAN_APPLIED"}
    assert things(db) == {"p-1": "PLAN_APPLIED"}
    assert count(db, infra.outbox) == 1
    assert count(db, infra.audit_log) == 1
    with db.connect() as conn:
        idem = conn.execute(select(infra.idempotency)).mappings().one()
    assert (idem["actor_id"], idem["key"], idem["command"]) == ("u-unit-1", "key-1", "submit_plan_application")
    assert idem["request_hash"] == request_hash("submit_plan_application", {"name": "一网通办", "year": 2025})
    assert json.loads(idem["response"]) == result
    assert_lock_free(factory)


def test_command_without_key_stores_no_idempotency_record(db, factory, infra, unit_user):
    submit(factory, unit_user, None, {"name": "x"})
    assert count(db, infra.idempotency) == 0
    assert count(db, infra.outbox) == 1


# ------------------------------------------------------------ R-0-1 idempotency


def test_same_key_same_payload_replays_and_emits_nothing(db, factory, infra, unit_user):
    first = submit(factory, unit_user, "key-1", {"name": "一网通办", "year": 2025})
    # Key order does not make a payload different.
    with factory.command(unit_user, "submit_plan_application", idempotency_key="key-1",
                         request={"year": 2025, "name": "一网通办"}) as tx:
        assert tx.replayed is True
        assert tx.result == first
    assert submit(factory, unit_user, "key-1", {"name": "一网通办", "year": 2025}) == first
    assert count(db, infra.outbox) == 1
    assert count(db, infra.audit_log) == 1
    assert count(db, infra.idempotency) == 1


def test_same_key_different_payload_is_an_idempotency_conflict(db, factory, infra, unit_user):
    submit(factory, unit_user, "key-1", {"name": "一网通办"})
    with pytest.raises(Refusal) as caught:
        submit(factory, unit_user, "key-1", {"name": "另一个项目"}, project_id="p-2")
    refusal = caught.value
    assert refusal.code == "IDEMPOTENCY-CONFLICT"
    assert refusal.rule == "R-0-1"
    assert refusal.http_status == 409
    assert refusal.details == {"idempotency_key": "key-1"}
    assert things(db) == {"p-1": "PLAN_APPLIED"}
    assert count(db, infra.outbox) == 1


def test_same_key_for_another_command_is_a_conflict(db, factory, unit_user):
    submit(factory, unit_user, "key-1", {"name": "一网通办"})
    with pytest.raises(Refusal) as caught, factory.command(unit_user, "withdraw_plan_application",
                                                           idempotency_key="key-1",
                                                           request={"name": "一网通办"}):
        pass
    assert caught.value.code == "IDEMPOTENCY-CONFLICT"


def test_keys_are_per_actor(db, factory, infra, unit_user):
    other = Identity(user_id="u-unit-2", name="", role="UNIT", unit_id="unit-002", unit_name="")
    submit(factory, unit_user, "key-1", {"name": "a"})
    submit(factory, other, "key-1", {"name": "a"}, project_id="p-2")
    assert set(things(db)) == {"p-1", "p-2"}
    assert count(db, infra.outbox) == 2


def test_conflict_can_be_recorded_while_the_refusal_is_handled(db, factory, infra, unit_user):
    # service.command records every refusal inside its `except Refusal` block,
    # through this same factory; the conflict must have let go of the
    # transaction (and the SQLite lock) before reaching it.
    submit(factory, unit_user, "key-1", {"name": "一网通办"})
    try:
        submit(factory, unit_user, "key-1", {"name": "另一个项目"})
    except Refusal as refusal:
        with eventlet.Timeout(LOCK_TIMEOUT_S):
            factory.record_refusal(unit_user, "submit_plan_application", refusal)
    else:
        pytest.fail("expected IDEMPOTENCY-CONFLICT")
    with db.connect() as conn:
        last = conn.execute(select(infra.audit_log).order_by(infra.audit_log.c.seq.desc())).mappings().first()
    assert (last["outcome"], last["code"]) == ("REFUSED", "IDEMPOTENCY-CONFLICT")


def test_lost_idempotency_race_answers_with_the_winners_result(db, factory, infra, unit_user):
    # Two requests with one key: both looked the key up before either
    # committed. The winner commits first (here on another connection, as
    # another worker would); the loser must answer with the winner's result
    # and leave nothing of its own behind.
    payload = {"name": "一网通办"}
    winner_result = {"project_id": "p-1", "state": "PLAN_APPLIED", "by": "winner"}
    with factory.command(unit_user, "submit_plan_application", idempotency_key="key-1",
                         request=payload) as tx:
        assert not tx.replayed
        with db.begin() as conn:
            conn.execute(insert(infra.idempotency).values(
                actor_id=unit_user.user_id, key="key-1", command="submit_plan_application",
                request_hash=request_hash("submit_plan_application", payload),
                response=json.dumps(winner_result), created_at=factory.clock.now()))
        tx.emit("PlanApplicationSubmitted", "p-1", {}, article="第七条")
        tx.result = {"project_id": "p-1", "state": "PLAN_APPLIED", "by": "loser"}
    assert tx.replayed is True
    assert tx.result == winner_result
    assert count(db, infra.outbox) == 0
    assert_lock_free(factory)


# ------------------------------------------------------------ rollback


class Boom(Exception):
    pass


def test_exception_rolls_back_state_outbox_audit_and_key(db, factory, infra, unit_user):
    with pytest.raises(Boom) as caught, factory.command(unit_user, "submit_plan_application",
                                                        idempotency_key="key-1", request={"n": 1}) as tx:
        tx.session.add(Thing(id="p-1", state="PLAN_APPLIED"))
        tx.session.flush()
        tx.emit("PlanApplicationSubmitted", "p-1", {})
        tx.audit("submit_plan_application", project_id="p-1")
        raise Boom("after every write")
    assert str(caught.value) == "after every write"
    assert things(db) == {}
    for table in (infra.outbox, infra.audit_log, infra.idempotency):
        assert count(db, table) == 0
    assert head_seq(db, infra) in (None, 0)  # the chain head did not move
    assert_lock_free(factory)
    # The same key is free for the retry.
    assert submit(factory, unit_user, "key-1", {"n": 1, "name": "x"})["state"] == "PLAN_APPLIED"


def test_refusal_inside_the_block_propagates_unchanged_and_writes_nothing(db, factory, infra, unit_user):
    refusal = not_found("项目", "p-9")
    with pytest.raises(Refusal) as caught, factory.command(unit_user, "withdraw_plan_application",
                                                           idempotency_key="key-1", request={}) as tx:
        tx.emit("PlanApplicationWithdrawn", "p-9", {})
        raise refusal
    assert caught.value is refusal
    assert count(db, infra.outbox) == 0
    assert count(db, infra.idempotency) == 0


# ------------------------------------------------------------ R-0-2 optimistic concurrency


@pytest.fixture
def fsr(db):
    with db.begin() as conn:
        conn.execute(text("INSERT INTO things (id, state, version) VALUES ('p-1', 'FSR_SUBMITTED', 1)"))
    return "p-1"


def test_stale_decision_at_commit_is_state_invalid(db, factory, infra, fsr, fg_officer):
    with pytest.raises(Refusal) as caught, factory.command(fg_officer, "approve_fsr",
                                                           idempotency_key="k", request={}) as tx:
        thing = tx.session.get(Thing, fsr)
        competing_update(db, fsr, "FSR_APPROVED")
        thing.state = "FSR_RETURNED"
        tx.emit("ApprovalReturned", fsr, {}, article="第十条")
        tx.audit("return_fsr", project_id=fsr, article="第十条")
        tx.result = {"state": "FSR_RETURNED"}
    refusal = caught.value
    assert refusal.code == "STATE-INVALID"
    assert refusal.rule == "R-0-2"
    assert refusal.http_status == 409
    assert things(db) == {fsr: "FSR_APPROVED"}
    for table in (infra.outbox, infra.audit_log, infra.idempotency):
        assert count(db, table) == 0
    assert_lock_free(factory)


def test_stale_decision_at_flush_is_state_invalid(db, factory, infra, fsr, fg_officer):
    with pytest.raises(Refusal) as caught, factory.command(fg_officer, "approve_fsr") as tx:
        thing = tx.session.get(Thing, fsr)
        competing_update(db, fsr, "FSR_APPROVED")
        thing.state = "FSR_APPROVED"
        tx.session.flush()
        tx.emit("FSRApproved", fsr, {}, article="第十条")
    assert (caught.value.code, caught.value.rule) == ("STATE-INVALID", "R-0-2")
    assert count(db, infra.outbox) == 0
    assert_lock_free(factory)


def test_current_decision_commits_and_bumps_the_version(db, factory, fsr, fg_officer):
    with factory.command(fg_officer, "approve_fsr") as tx:
        tx.session.get(Thing, fsr).state = "FSR_APPROVED"
    with db.connect() as conn:
        assert conn.execute(text("SELECT state, version FROM things")).one() == ("FSR_APPROVED", 2)


# ------------------------------------------------------------ consumed events (inbox)


def handle(factory, ev, consumer):
    """A handler written the way conventions.md prescribes; True if it acted."""
    with factory.event(ev, consumer=consumer) as tx:
        if tx.replayed:
            return False
        tx.audit("plan_review_opened", project_id=ev.subject, article="第八条")
        return True


def test_event_is_processed_once_per_consumer(db, factory, infra):
    ev = make_event()
    assert handle(factory, ev, "planning") is True
    assert handle(factory, ev, "planning") is False
    assert handle(factory, ev, "funds") is True
    assert count(db, infra.audit_log) == 2
    with db.connect() as conn:
        inbox = conn.execute(select(infra.inbox.c.event_id, infra.inbox.c.consumer, infra.inbox.c.type)).all()
    assert sorted(inbox) == [(ev.id, "funds", ev.type), (ev.id, "planning", ev.type)]


def test_a_new_event_id_is_processed(db, factory):
    assert handle(factory, make_event(), "planning") is True
    assert handle(factory, make_event(id="7d1c0c52-0000-4000-8000-000000000002"), "planning") is True


def test_failed_handler_leaves_the_event_unprocessed(db, factory, infra):
    ev = make_event()
    with pytest.raises(Boom), factory.event(ev, consumer="planning") as tx:
        tx.audit("plan_review_opened", project_id="p-1")
        raise Boom("handler failed")
    assert count(db, infra.inbox) == 0
    assert count(db, infra.audit_log) == 0
    # The redelivery is processed, not mistaken for a duplicate.
    assert handle(factory, ev, "planning") is True


def test_event_actor_comes_from_the_event(db, factory, infra):
    handle(factory, make_event(), "planning")
    with db.connect() as conn:
        record = conn.execute(select(infra.audit_log)).mappings().one()
    assert (record["actor_id"], record["actor_role"], record["actor_unit"]) == ("u-zwb-1", "ZWB", "unit-001")


def test_event_without_actor_is_the_system(db, factory, infra):
    handle(factory, make_event(actorid=None, actorrole=None, unitid=None), "planning")
    with db.connect() as conn:
        record = conn.execute(select(infra.audit_log)).mappings().one()
    assert (record["actor_id"], record["actor_role"]) == ("system", "SYSTEM")


def test_event_on_the_consumers_own_account(db, factory, infra):
    with factory.event(make_event(), consumer="planning", actor=SYSTEM_ACTOR) as tx:
        tx.audit("deadline_missed", project_id="p-1")
    with db.connect() as conn:
        record = conn.execute(select(infra.audit_log)).mappings().one()
    assert (record["actor_id"], record["actor_role"]) == ("system", "SYSTEM")


# ------------------------------------------------------------ refusals as evidence


def test_record_refusal_appends_a_refused_record(db, factory, infra, unit_user, fixed_now):
    refusal = Refusal(code="E26-APPLICATION-OVERDUE", rule="R-26-2", article="第二十六条",
                      reason_zh="逾期", details={"last_day": "2024-10-10", "deferral": False})
    factory.record_refusal(unit_user, "apply_acceptance", refusal, project_id="p-1")
    with db.connect() as conn:
        record = conn.execute(select(infra.audit_log)).mappings().one()
    assert record["outcome"] == "REFUSED"
    assert (record["code"], record["rule"], record["article"]) == ("E26-APPLICATION-OVERDUE", "R-26-2",
                                                                   "第二十六条")
    assert (record["action"], record["project_id"]) == ("apply_acceptance", "p-1")
    assert (record["actor_id"], record["actor_role"], record["actor_unit"]) == ("u-unit-1", "UNIT", "unit-001")
    assert json.loads(record["details"]) == {"last_day": "2024-10-10", "deferral": False}
    assert record["recorded_at"] == fixed_now.isoformat()
    assert count(db, infra.outbox) == 0  # a refusal emits no domain event (§0.3)


def test_record_refusal_without_a_verified_caller(db, factory, infra):
    factory.record_refusal(None, "submit_plan_application", Refusal(code="AUTH-TOKEN-INVALID", reason_zh="x"))
    with db.connect() as conn:
        record = conn.execute(select(infra.audit_log)).mappings().one()
    assert (record["actor_id"], record["outcome"], record["code"]) == ("anonymous", "REFUSED",
                                                                       "AUTH-TOKEN-INVALID")


# ------------------------------------------------------------ emit


def test_emit_writes_a_cloud_event_with_actor_unit_and_clock_time(db, factory, infra, unit_user, fixed_now):
    with factory.command(unit_user, "submit_plan_application") as tx:
        ev = tx.emit("PlanApplicationSubmitted", "p-1", {"name": "一网通办", "estimate_fen": 100},
                     article="第七条", unit_id="unit-001")
        external = tx.emit("ConstructionStarted", "p-1", {}, external=True, version=2)
        assert tx.emitted == [ev, external]
    with db.connect() as conn:
        stored = conn.execute(select(infra.outbox).order_by(infra.outbox.c.seq)).mappings().all()
    assert [r["event_id"] for r in stored] == [ev.id, external.id]
    first = stored[0]
    assert first["type"] == "cn.gov.lyg.itpm.planning.plan_application_submitted.v1"
    assert first["subject"] == "p-1"
    assert first["published_at"] is None
    assert first["created_at"] == fixed_now
    body = CloudEvent.from_json(first["body"])
    assert body == ev
    assert body.time == fixed_now.isoformat()
    assert body.source == "/itpm/planning"
    assert (body.actorid, body.actorrole, body.unitid, body.article) == ("u-unit-1", "UNIT", "unit-001", "第七条")
    assert body.visibility == "internal"
    assert body.data == {"name": "一网通办", "estimate_fen": 100}
    second = CloudEvent.from_json(stored[1]["body"])
    assert second.visibility == "external"
    assert second.type == "cn.gov.lyg.itpm.planning.construction_started.v2"


def test_tx_now_and_audit_time_come_from_the_injected_clock(db, factory, infra, unit_user, fixed_now):
    with factory.command(unit_user, "x") as tx:
        assert tx.now == fixed_now
        tx.audit("x")
    with db.connect() as conn:
        assert conn.execute(select(infra.audit_log.c.recorded_at)).scalar_one() == fixed_now.isoformat()


# ------------------------------------------------------------ reads


def test_read_never_commits(db, factory):
    with factory.read() as session:
        session.add(Thing(id="p-1", state="DRAFT"))
        session.flush()
    assert things(db) == {}
    assert_lock_free(factory)
