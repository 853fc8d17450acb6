"""PlanningService through nameko's worker_factory with the real unit of work,
a migrated SQLite file, a fixed clock and signed identities."""

from datetime import timedelta

import pytest

from itpm_common.errors import Refusal
from itpm_common.events import event_type

SUBMITTED_AT = "2026-09-15T10:00:00+08:00"


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


@pytest.fixture
def submit(as_, application):
    """``submit(who="UNIT", key=None, **changes)``: file a valid application with changes."""

    def go(who="UNIT", key=None, **changes):
        return as_(who).submit_plan_application(application(**changes), idempotency_key=key)

    return go


@pytest.fixture
def om_changes():
    # O&M has no build kind and concerns a system that already exists (§6.1 items 3, 4).
    return {"category": "OM", "build_kind": None, "system": {"existing_system_id": "SYS-0042"},
            "name": "警务大数据平台运维", "om_status": {
                "sharing_completeness": "FULL", "sharing_timeliness": "FULL", "protection_level": 3,
                "last_security_test_on": "2026-05-20", "crypto_assessment": "2026 年密评通过"}}


# ------------------------------------------------------- T01 submission


def test_r_7_6_unit_submits_its_plan_application(submit, as_, db, users):
    out = submit(key="k-1")

    police = users["UNIT"]
    assert out["state"] == "PLAN_APPLIED"
    assert (out["unit_id"], out["unit_name"]) == (police.unit_id, police.unit_name)
    assert (out["name"], out["category"], out["build_kind"], out["origin"], out["plan_year"]) == (
        "智慧警务大数据平台", "BUILD", "NEW", "PLAN", 2027)
    assert (out["estimate_fen"], out["classified"], out["version"]) == (100_000_000, False, 1)
    assert out["created_at"] == out["updated_at"] == SUBMITTED_AT
    assert as_("UNIT").get_project(out["id"])["state"] == "PLAN_APPLIED"

    [event] = db.events()
    assert event["type"] == event_type("planning", "PlanApplicationSubmitted")
    assert event["subject"] == out["id"]
    assert event["data"] == {"project_id": out["id"], "name": "智慧警务大数据平台", "category": "BUILD",
                             "plan_year": 2027, "unit_id": "police", "unit_name": "市公安局",
                             "state": "PLAN_APPLIED", "rank": 1, "estimate_fen": 100_000_000,
                             "version_no": 1, "classified": False, "origin": "PLAN",
                             "superior_funding_fen": 0}
    assert (event["unitid"], event["actorid"], event["actorrole"], event["article"]) == (
        "police", police.user_id, "UNIT", "第七条")
    assert event["visibility"] == "internal" and event["time"] == SUBMITTED_AT

    [entry] = db.audit()
    assert (entry["action"], entry["outcome"], entry["article"], entry["code"]) == (
        "submit_plan_application", "ACCEPTED", "第七条", None)
    assert (entry["project_id"], entry["actor_id"], entry["actor_role"]) == (out["id"], police.user_id, "UNIT")
    assert entry["details"] == {"version_no": 1, "origin": "PLAN"}
    assert (db.count("projects"), db.count("plan_applications")) == (1, 1)


def test_r_0_1_same_key_twice_returns_the_first_result_and_emits_once(submit, db):
    first = submit(key="k-1")
    again = submit(key="k-1")

    assert again == first
    assert len(db.events("PlanApplicationSubmitted")) == 1
    assert db.count("projects") == 1
    assert [e["outcome"] for e in db.audit()] == ["ACCEPTED"]


def test_r_0_1_same_key_with_another_payload_conflicts(submit, db):
    first = submit(key="k-1")

    refusal = refused(submit, key="k-1", name="另一个项目")

    assert (refusal.code, refusal.rule) == ("IDEMPOTENCY-CONFLICT", "R-0-1")
    assert refusal.details == {"idempotency_key": "k-1"}
    assert db.count("projects") == 1 and len(db.events()) == 1
    assert [(e["outcome"], e["code"]) for e in db.audit()] == [
        ("ACCEPTED", None), ("REFUSED", "IDEMPOTENCY-CONFLICT")]
    # the key still answers its original request
    assert submit(key="k-1") == first


@pytest.mark.parametrize("second_key", ["k-2", None], ids=["another-key", "no-key"])
def test_r_0_1_second_application_of_the_same_project_is_a_duplicate(submit, db, second_key):
    first = submit(key="k-1")

    refusal = refused(submit, key=second_key, rank=2)

    assert (refusal.code, refusal.rule, refusal.article) == ("DUPLICATE", "R-0-1", "第二十条")
    assert refusal.details == {"existing_project_id": first["id"]}
    assert db.count("projects") == 1 and len(db.events()) == 1
    assert db.audit()[-1]["code"] == "DUPLICATE"


@pytest.mark.parametrize(("who", "changes"), [
    ("UNIT2", {}),
    ("UNIT", {"plan_year": 2028}),
    ("UNIT", {"name": "智慧警务视频平台", "rank": 2}),
], ids=["another-unit", "another-year", "another-name"])
def test_r_0_1_same_name_elsewhere_is_not_a_duplicate(submit, db, who, changes):
    submit()
    submit(who=who, **changes)
    assert db.count("projects") == 2 and len(db.events("PlanApplicationSubmitted")) == 2


def test_r_0_1_the_same_name_in_the_other_category_is_not_a_duplicate(submit, db, om_changes):
    submit()
    submit(**{**om_changes, "name": "智慧警务大数据平台"})
    assert db.count("projects") == 2


def test_r_7_3_rank_is_unique_within_unit_year_and_category(submit, db):
    submit()

    refusal = refused(submit, name="智慧警务视频平台", rank=1)

    assert (refusal.code, refusal.rule, refusal.article) == ("E07-RANK-DUPLICATE", "R-7-3", "第七条")
    assert refusal.details == {"rank": 1, "category": "BUILD", "taken": [1]}
    assert db.count("projects") == 1 and len(db.events()) == 1
    assert db.audit()[-1]["code"] == "E07-RANK-DUPLICATE"
    assert submit(name="智慧警务视频平台", rank=2)["state"] == "PLAN_APPLIED"


def test_r_7_3_the_same_rank_may_appear_once_in_each_category(submit, db, om_changes):
    submit()
    om = submit(**om_changes)
    assert (om["category"], om["build_kind"], om["state"]) == ("OM", None, "PLAN_APPLIED")
    assert [e["data"]["rank"] for e in db.events("PlanApplicationSubmitted")] == [1, 1]
    another_system = {**om_changes, "name": "警务云运维", "system": {"existing_system_id": "SYS-0043"}}
    assert refused(submit, **another_system).code == "E07-RANK-DUPLICATE"


def test_r_7_3_ranks_of_another_unit_or_year_do_not_count(submit, db):
    submit()
    submit(who="UNIT2")
    submit(name="智慧警务视频平台", plan_year=2028)
    assert db.count("projects") == 3


@pytest.mark.parametrize("who", ["WX", "ZWB", "SJ"])
def test_r_7_6_only_a_unit_submits(submit, db, users, who):
    refusal = refused(submit, who=who)

    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-7-6", "第七条")
    assert refusal.details == {"role": who, "allowed_roles": ["UNIT"]}
    assert "第七条" in refusal.reason_zh
    assert db.count("projects") == 0 and db.events() == []
    [entry] = db.audit()
    assert (entry["outcome"], entry["code"], entry["actor_id"], entry["actor_role"]) == (
        "REFUSED", "AUTH-FORBIDDEN", users[who].user_id, who)


def test_no_token_is_refused(as_, application, db):
    refusal = refused(as_().submit_plan_application, application())

    assert refusal.code == "AUTH-TOKEN-INVALID" and refusal.http_status == 401
    assert db.count("projects") == 0 and db.events() == []
    [entry] = db.audit()
    assert (entry["outcome"], entry["code"], entry["actor_id"]) == ("REFUSED", "AUTH-TOKEN-INVALID", "anonymous")


def test_a_rule_refusal_writes_no_project_and_no_event_but_is_audited(submit, db, users):
    refusal = refused(submit, key="k-1", need=" ", rank=None)

    assert (refusal.code, refusal.rule, refusal.article) == ("E06-NEED-MISSING", "R-6-1", "第六条")
    assert [v["code"] for v in refusal.details["violations"]] == ["E06-NEED-MISSING", "E07-RANK-MISSING"]
    assert (db.count("projects"), db.count("plan_applications"), db.count("outbox")) == (0, 0, 0)
    assert db.count("idempotency") == 0
    [entry] = db.audit()
    assert (entry["action"], entry["outcome"], entry["code"], entry["rule"], entry["article"]) == (
        "submit_plan_application", "REFUSED", "E06-NEED-MISSING", "R-6-1", "第六条")
    assert entry["actor_id"] == users["UNIT"].user_id and entry["project_id"] is None
    assert entry["details"] == refusal.details


def test_a_refused_key_can_be_used_again_once_the_application_is_complete(submit, db):
    refused(submit, key="k-1", need="")
    assert submit(key="k-1")["state"] == "PLAN_APPLIED"
    assert len(db.events()) == 1


@pytest.mark.parametrize(("changes", "fields"), [
    ({"estimate_fen": "100000000"}, {"estimate_fen": ["应为整数"]}),
    ({"budget_fen": 1}, {"budget_fen": ["未知字段"]}),
    ({"category": "INFRA"}, {"category": ["取值必须是以下之一：BUILD, OM"]}),
    ({"build_kind": None}, {"build_kind": ["建设类项目须注明新建、改建或扩建"]}),
    ({"system": {}}, {"system": ["须引用已有系统编号或声明新建系统名称"]}),
], ids=["estimate-as-string", "unknown-field", "unknown-category", "build-without-kind", "no-system"])
def test_malformed_input_is_a_validation_refusal_in_chinese(submit, db, changes, fields):
    refusal = refused(submit, **changes)

    assert refusal.code == "VALIDATION" and refusal.http_status == 400
    assert refusal.details == {"fields": fields}
    assert db.count("projects") == 0 and db.events() == []
    assert [(e["outcome"], e["code"]) for e in db.audit()] == [("REFUSED", "VALIDATION")]


def test_a_payload_that_is_not_an_object_is_a_validation_refusal(as_):
    refusal = refused(as_("UNIT").submit_plan_application, ["not", "an", "object"])
    assert refusal.code == "VALIDATION" and "_schema" in refusal.details["fields"]


# ------------------------------------------------------ reads (§7.2)


def test_own_unit_sees_its_project_with_the_application(submit, as_, loaded):
    project = submit()

    out = as_("UNIT").get_project(project["id"])

    assert {k: out[k] for k in project} == project
    assert out["application_version"] == 1
    # what was filed, defaults included (e.g. every flag declared false)
    assert out["application"] == loaded()
    assert out["application"]["flags"]["classified"] is False


@pytest.mark.parametrize("who", ["UNIT2", "JL"])
def test_a_project_the_caller_may_not_see_is_not_found(submit, as_, who):
    project = submit()

    hidden = refused(as_(who).get_project, project["id"])
    absent = refused(as_(who).get_project, "no-such-project")

    assert hidden.code == "NOT-FOUND" and hidden.http_status == 404
    # indistinguishable from a project that does not exist
    assert (hidden.reason_zh, hidden.rule, hidden.article) == (absent.reason_zh, absent.rule, absent.article)


@pytest.mark.parametrize("who", ["ZWB", "FG", "CZ", "WX", "GX"])
def test_bureaus_read_every_project(submit, as_, who):
    project = submit()
    assert as_(who).get_project(project["id"])["id"] == project["id"]


@pytest.fixture
def two_projects(submit):
    """One ordinary project and one classified (涉密) project of the same unit."""
    plain = submit()
    secret = submit(name="涉密指挥调度系统", rank=2, flags={"classified": True})
    return plain, secret


def test_a_classified_project_is_marked_as_such(two_projects, as_):
    _, secret = two_projects
    assert secret["classified"] is True
    assert as_("UNIT").get_project(secret["id"])["application"]["flags"]["classified"] is True


def test_audit_reads_only_projects_that_are_not_classified(two_projects, as_):
    plain, secret = two_projects
    assert as_("SJ").get_project(plain["id"])["id"] == plain["id"]
    assert refused(as_("SJ").get_project, secret["id"]).code == "NOT-FOUND"


def test_secrecy_administration_reads_only_classified_projects(two_projects, as_):
    plain, secret = two_projects
    assert as_("BM").get_project(secret["id"])["id"] == secret["id"]
    assert refused(as_("BM").get_project, plain["id"]).code == "NOT-FOUND"


def test_get_project_needs_a_token(submit, as_):
    project = submit()
    assert refused(as_().get_project, project["id"]).code == "AUTH-TOKEN-INVALID"


# --------------------------------------------------------------- listings


@pytest.fixture
def five_projects(submit, clock):
    """Five projects filed a minute apart, oldest first."""
    out = []
    for n in range(1, 6):
        out.append(submit(name=f"政务项目{n}", rank=n))
        clock.advance(timedelta(minutes=1))
    return out


def test_list_projects_pages_newest_first(five_projects, as_):
    ids = [p["id"] for p in reversed(five_projects)]
    unit = as_("UNIT")

    pages = [unit.list_projects({"page": n, "page_size": 2}) for n in (1, 2, 3, 4)]

    assert [[p["id"] for p in page["items"]] for page in pages] == [ids[0:2], ids[2:4], ids[4:5], []]
    assert {page["total"] for page in pages} == {5}
    assert [(page["page"], page["page_size"]) for page in pages] == [(n, 2) for n in (1, 2, 3, 4)]


def test_list_projects_defaults_to_the_first_page_of_twenty(five_projects, as_):
    out = as_("UNIT").list_projects()
    assert (out["page"], out["page_size"], out["total"], len(out["items"])) == (1, 20, 5, 5)
    assert out["items"][0]["name"] == "政务项目5"


@pytest.fixture
def mixed_projects(submit, as_, opened, om_changes):
    """police: BUILD 2027 (under review), OM 2027, BUILD 2028; edu: BUILD 2027."""
    build = submit()
    om = submit(**om_changes)
    later = submit(plan_year=2028)
    edu = submit(who="UNIT2")
    as_().on_event(opened(build["id"]))
    return {"build": build, "om": om, "later": later, "edu": edu}


@pytest.mark.parametrize(("filters", "expected"), [
    ({"category": "OM"}, {"om"}),
    ({"plan_year": 2028}, {"later"}),
    ({"state": "PLAN_UNDER_REVIEW"}, {"build"}),
    ({"plan_year": 2027, "category": "BUILD"}, {"build"}),
    ({"plan_year": 2027, "state": "PLAN_APPLIED"}, {"om"}),
    ({"plan_year": 2029}, set()),
], ids=["category", "year", "state", "year+category", "year+state", "nothing"])
def test_list_projects_filters(mixed_projects, as_, filters, expected):
    out = as_("UNIT").list_projects(filters)
    assert {p["id"] for p in out["items"]} == {mixed_projects[k]["id"] for k in expected}
    assert out["total"] == len(expected)


def test_a_bureau_lists_every_unit_and_may_filter_by_unit(mixed_projects, as_):
    zwb = as_("ZWB")
    assert zwb.list_projects()["total"] == 4
    edu = zwb.list_projects({"unit_id": "edu"})
    assert [p["id"] for p in edu["items"]] == [mixed_projects["edu"]["id"]] and edu["total"] == 1


def test_a_unit_cannot_list_another_unit_through_the_filter(mixed_projects, as_):
    out = as_("UNIT").list_projects({"unit_id": "edu"})
    assert mixed_projects["edu"]["id"] not in {p["id"] for p in out["items"]}
    assert {p["unit_id"] for p in out["items"]} == {"police"}


@pytest.mark.parametrize("who", ["UNIT2", "JL"])
def test_list_projects_shows_nothing_the_caller_may_not_see(submit, as_, who):
    submit()
    submit(name="智慧警务视频平台", rank=2)
    assert as_(who).list_projects() == {"items": [], "total": 0, "page": 1, "page_size": 20}


def test_listings_split_classified_projects_by_reader(two_projects, as_):
    plain, secret = two_projects
    for who, expected in (("SJ", [plain]), ("BM", [secret]), ("ZWB", [secret, plain]), ("UNIT", [secret, plain])):
        out = as_(who).list_projects()
        assert sorted(p["id"] for p in out["items"]) == sorted(p["id"] for p in expected), who
        assert out["total"] == len(expected), who


@pytest.mark.parametrize("filters", [{"page": 0}, {"page_size": 201}, {"category": "X"}, {"colour": "red"}])
def test_bad_list_filters_are_validation_refusals(as_, filters):
    assert refused(as_("UNIT").list_projects, filters).code == "VALIDATION"


# ------------------------------------------------- consumed review events


def test_r_8_review_opened_moves_the_project_under_review(submit, as_, db, opened, clock, users):
    project = submit()
    clock.advance(timedelta(hours=1))

    as_().on_event(opened(project["id"]))

    out = as_("UNIT").get_project(project["id"])
    assert out["state"] == "PLAN_UNDER_REVIEW"
    assert out["updated_at"] == "2026-09-15T11:00:00+08:00" and out["version"] == 2
    assert len(db.events()) == 1  # opening the review publishes nothing here
    entry = db.audit()[-1]
    assert (entry["action"], entry["outcome"], entry["article"], entry["project_id"]) == (
        "plan_review_opened", "ACCEPTED", "第八条", project["id"])
    assert (entry["actor_id"], entry["actor_role"]) == (users["ZWB"].user_id, "ZWB")
    assert entry["details"] == {"review_id": "r-1"}


def test_r_8_a_draft_conclusion_puts_the_item_in_the_draft_plan(submit, as_, db, opened, concluded, users):
    project = submit()
    as_().on_event(opened(project["id"]))

    as_().on_event(concluded(project["id"], "DRAFT"))

    assert as_("UNIT").get_project(project["id"])["state"] == "PLAN_DRAFTED"
    assert db.events("PlanItemNotIncluded") == []
    [event] = db.events("PlanItemDrafted")
    assert event["subject"] == project["id"]
    assert event["data"] == {"project_id": project["id"], "name": "智慧警务大数据平台", "category": "BUILD",
                             "plan_year": 2027, "unit_id": "police", "unit_name": "市公安局",
                             "state": "PLAN_DRAFTED", "review_id": "r-1", "origin": "PLAN",
                             "classified": False, "decided_by": "ZWB",
                             "opinion": "经联审，同意列入年度建设计划草案"}
    assert (event["article"], event["unitid"], event["actorid"], event["actorrole"]) == (
        "第八条", "police", users["ZWB"].user_id, "ZWB")
    entry = db.audit()[-1]
    assert (entry["action"], entry["article"], entry["details"]) == (
        "PlanItemDrafted", "第八条", {"review_id": "r-1", "outcome": "DRAFT"})


def test_r_8_a_not_included_conclusion_leaves_the_item_out(submit, as_, db, opened, concluded):
    project = submit()
    as_().on_event(opened(project["id"]))

    as_().on_event(concluded(project["id"], "NOT_INCLUDED"))

    assert as_("UNIT").get_project(project["id"])["state"] == "NOT_INCLUDED"
    assert db.events("PlanItemDrafted") == []
    [event] = db.events("PlanItemNotIncluded")
    assert event["data"]["state"] == "NOT_INCLUDED" and event["subject"] == project["id"]
    assert db.audit()[-1]["details"] == {"review_id": "r-1", "outcome": "NOT_INCLUDED"}


def test_a_conclusion_overtaking_the_opening_applies_and_the_late_opening_is_absorbed(
        submit, as_, db, opened, concluded):
    project = submit()

    as_().on_event(concluded(project["id"], "DRAFT"))
    assert as_("UNIT").get_project(project["id"])["state"] == "PLAN_DRAFTED"
    events, audit = len(db.events()), len(db.audit())

    as_().on_event(opened(project["id"]))

    assert as_("UNIT").get_project(project["id"])["state"] == "PLAN_DRAFTED"
    assert (len(db.events()), len(db.audit())) == (events, audit)
    assert len(db.inbox()) == 2


def test_a_redelivered_event_changes_nothing_the_second_time(submit, as_, db, opened, concluded, clock):
    project = submit()
    as_().on_event(opened(project["id"]))
    event = concluded(project["id"], "DRAFT")
    as_().on_event(event)
    before = as_("ZWB").get_project(project["id"])
    events, audit = len(db.events()), len(db.audit())
    clock.advance(timedelta(minutes=5))

    # a second conclusion for a drafted project would be refused as
    # STATE-INVALID; the inbox must recognise the redelivery first
    as_().on_event(event)

    assert as_("ZWB").get_project(project["id"]) == before
    assert (len(db.events()), len(db.audit())) == (events, audit)
    assert [row["event_id"] for row in db.inbox()].count(event.id) == 1


def test_another_conclusion_for_a_concluded_project_is_a_state_error(submit, as_, opened, concluded):
    project = submit()
    as_().on_event(opened(project["id"]))
    as_().on_event(concluded(project["id"], "DRAFT"))

    refusal = refused(as_().on_event, concluded(project["id"], "NOT_INCLUDED"))

    assert refusal.code == "STATE-INVALID" and refusal.details["current_state"] == "PLAN_DRAFTED"
    assert as_("UNIT").get_project(project["id"])["state"] == "PLAN_DRAFTED"


def test_an_event_for_an_unknown_project_raises_so_it_is_retried(as_, db, opened):
    event = opened("no-such-project")

    with pytest.raises(LookupError):
        as_().on_event(event)
    # nothing is remembered, so the retry is processed again rather than skipped
    assert db.inbox() == [] and db.audit() == []
    with pytest.raises(LookupError):
        as_().on_event(event)


def test_events_planning_does_not_handle_are_ignored(as_, db, review_event_of):
    as_().on_event(review_event_of("PlanReviewOpinionRecorded", "no-such-project"))
    assert db.inbox() == [] and db.events() == [] and db.audit() == []
