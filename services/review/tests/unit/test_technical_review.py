"""政务办's technical review before 发改 approves (第十条 "经市政务服务管理部门牵头组织审核"):
approval's submitted versions wait for 政务办 (R-10-2), the review is of one
exact version (its submission and digest, A-09), bureaus may give opinions,
政务办 concludes with its judgements on what the version raised (A-11, A-12,
R-20-2, R-20-3, R-13-1) or carries an earlier version's conclusion over (A-09)."""

import hashlib

import pytest

from itpm_common.errors import Refusal
from itpm_common.events import CloudEvent, event_type

BUREAUS = ("WX", "FG", "GX", "CZ")
FACTS = {"project_id": "p-1", "name": "社会救助信息系统升级", "unit_id": "unit-a", "unit_name": "市民政局",
         "plan_year": 2026, "category": "BUILD", "classified": False}
STAGE_EVENT = {"PROPOSAL": "ProposalSubmitted", "FSR": "FSRSubmitted", "PD": "PreliminaryDesignSubmitted",
               "URGENT_PACKAGE": "UrgentPackageSubmitted", "COMBINED_PACKAGE": "CombinedPackageSubmitted"}
FLAGS = [{"item": "身份证号", "provider_unit_id": "unit-gongan", "provider_project_id": "p-rk",
          "resource_code": "RK-001"},
         {"item": "婚姻状况", "provider_unit_id": "unit-minzheng", "provider_project_id": "p-hy",
          "resource_code": "HY-002"}]
SIMILAR = [{"name": "市低保审批系统", "owner": "市民政局", "reason_not_reused": "架构陈旧，无法扩展"}]
CONCLUDED_KEYS = {*FACTS, "review_id", "submission_id", "stage", "version_no", "digest", "outcome",
                  "consolidated_opinion", "conditions", "catalog_exemption", "accepted_duplicate_items",
                  "similar_systems_accepted", "universal_entries", "linkage_none_confirmed", "carried_over_from"}


def digest(submission_id: str) -> str:
    return hashlib.sha256(submission_id.encode()).hexdigest()


def approval_event(name: str, data: dict, project_id: str = "p-1", facts: dict | None = None,
                   event_id: str | None = None) -> CloudEvent:
    body = {**FACTS, "project_id": project_id, **(facts or {}), **data}
    extra = {"id": event_id} if event_id else {}
    return CloudEvent(type=event_type("approval", name), source="/itpm/approval", subject=project_id, data=body,
                      unitid=body["unit_id"], article="第十条", actorid="u-unit-a", actorrole="UNIT", **extra)


def submitted(stage: str = "FSR", version_no: int = 1, project_id: str = "p-1", submission_id: str | None = None,
              facts: dict | None = None, event_id: str | None = None, **data) -> CloudEvent:
    """approval's announcement of a stage version, with the contract's data."""
    sid = submission_id or f"{project_id}-{stage}-{version_no}"
    package = stage in ("PD", "URGENT_PACKAGE", "COMBINED_PACKAGE")
    body = {"submission_id": sid, "stage": stage, "version_no": version_no, "digest": digest(sid),
            "track": "STANDARD", "origin": "PLAN", "total_investment_fen": 350_000_000,
            "estimate_fen": 350_000_000 if package else None,
            "line_items": [{"code": "01", "name": "软件开发", "amount_fen": 350_000_000}] if package else [],
            "catalog_version": None, "estimate_review_required": package, "security_chapter": None,
            "important_domain": False, "new_civil_works": False, "high_energy": False,
            "cross_department": False, "cross_level": False, "duplicate_collection_flags": [],
            "similar_systems": [], "linkage_none": False, **data}
    return approval_event(STAGE_EVENT[stage], body, project_id, facts, event_id)


def decided(name: str, submission_id: str | None, project_id: str = "p-1", **data) -> CloudEvent:
    body = {**({"submission_id": submission_id} if submission_id else {}), **data}
    return approval_event(name, body, project_id)


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def passing(submission_id: str = "p-1-FSR-1", outcome: str = "PASS", **overrides) -> dict:
    body = {"submission_id": submission_id, "outcome": outcome,
            "consolidated_opinion": "技术方案可行，符合集约建设要求"}
    if outcome == "PASS_WITH_CONDITIONS":
        body["conditions"] = "须部署于市政务云"
    body.update(overrides)
    return body


def tech_opinion(submission_id: str = "p-1-FSR-1", verdict: str = "AGREE", **overrides) -> dict:
    body = {"submission_id": submission_id, "verdict": verdict, "opinion": "同意该技术方案"}
    if verdict == "AGREE_WITH_CONDITIONS":
        body["conditions"] = "须通过等保二级测评"
    body.update(overrides)
    return body


@pytest.fixture
def under_review(as_):
    """approval announced FSR version 1 (with the given data); 政务办 opened its review."""
    def open_(version_no: int = 1, stage: str = "FSR", **data) -> dict:
        as_().on_event(submitted(stage, version_no, **data))
        return as_("ZWB").open_technical_review("p-1", {"submission_id": f"p-1-{stage}-{version_no}"})

    return open_


# ----------------------------------------------------------- intake


def test_a_submitted_version_waits_on_zwbs_work_list_with_what_it_must_judge(as_, db):
    as_().on_event(submitted("FSR", 1, catalog_version=3, duplicate_collection_flags=FLAGS,
                             similar_systems=SIMILAR, cross_level=True, linkage_none=True))

    [item] = as_("ZWB").list_technical_pending()["items"]
    assert (item["submission_id"], item["stage"], item["version_no"]) == ("p-1-FSR-1", "FSR", 1)
    assert (item["digest"], item["status"], item["review_id"]) == (digest("p-1-FSR-1"), "PENDING", None)
    assert item["catalog_version"] == 3 and item["flagged_items"] == ["身份证号", "婚姻状况"]
    assert item["duplicate_collection_flags"] == FLAGS and item["similar_systems"] == SIMILAR
    assert item["linkage_none"] is True and item["carry_over_candidate"] is None
    assert (item["project_name"], item["unit_name"], item["total_investment_fen"]) == \
        ("社会救助信息系统升级", "市民政局", 350_000_000)
    answer = as_("ZWB").get_technical_review("p-1")
    assert answer["submission"]["submission_id"] == "p-1-FSR-1" and answer["review"] is None
    assert db.events() == []
    [entry] = db.audit()
    assert (entry["action"], entry["rule"], entry["article"], entry["actor_role"]) == \
        ("record_technical_submission", "R-10-2", "第十条", "SYSTEM")


@pytest.mark.parametrize("stage", ["PROPOSAL", "FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"])
def test_each_of_the_five_submission_events_is_a_reviewable_version(as_, stage):
    as_().on_event(submitted(stage, 1))

    [item] = as_("ZWB").list_technical_pending()["items"]
    assert (item["stage"], item["version_no"], item["status"]) == (stage, 1, "PENDING")


def test_the_same_submission_announced_twice_is_recorded_once(as_, db):
    as_().on_event(submitted("FSR", 1))
    as_().on_event(submitted("FSR", 1))  # another event id, the same submission

    assert as_("ZWB").list_technical_pending()["total"] == 1
    assert [e["action"] for e in db.audit()] == ["record_technical_submission"]


# ----------------------------------------------------------- opening (R-10-2, 第七.1 ZWB)


def test_zwb_opens_the_review_of_that_exact_version(as_, db, users):
    as_().on_event(submitted("FSR", 1))

    answer = as_("ZWB").open_technical_review("p-1", {"submission_id": "p-1-FSR-1",
                                                      "digest": digest("p-1-FSR-1")}, idempotency_key="t-1")

    review = answer["review"]
    assert (review["status"], review["submission_id"], review["version_no"], review["digest"]) == \
        ("OPEN", "p-1-FSR-1", 1, digest("p-1-FSR-1"))
    assert (review["opened_by"], review["opened_at"]) == (users["ZWB"].user_id, "2025-03-10T09:30:00+08:00")
    assert answer["submission"]["status"] == "IN_REVIEW"
    assert answer == as_("ZWB").get_technical_review("p-1", "p-1-FSR-1")
    [event] = db.events("TechnicalReviewOpened")
    assert event["data"] == {**FACTS, "review_id": review["review_id"], "submission_id": "p-1-FSR-1",
                             "stage": "FSR", "version_no": 1, "digest": digest("p-1-FSR-1")}
    assert (event["article"], event["subject"], event["actorrole"]) == ("第十条", "p-1", "ZWB")
    assert as_("ZWB").open_technical_review("p-1", {"submission_id": "p-1-FSR-1", "digest": digest("p-1-FSR-1")},
                                            idempotency_key="t-1") == answer
    assert len(db.events("TechnicalReviewOpened")) == 1


@pytest.mark.parametrize("who", ["UNIT", "FG", "WX", "GX", "CZ", "SJ", "LG"])
def test_only_zwb_opens_a_technical_review(as_, db, who):
    as_().on_event(submitted("FSR", 1))

    refusal = refused(as_(who).open_technical_review, "p-1", {"submission_id": "p-1-FSR-1"})

    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第十条")
    assert db.events() == []
    assert (db.audit()[-1]["outcome"], db.audit()[-1]["code"]) == ("REFUSED", "AUTH-FORBIDDEN")


def test_a_submission_of_another_project_or_unknown_is_not_found(as_, db):
    as_().on_event(submitted("FSR", 1, project_id="p-2"))

    assert refused(as_("ZWB").open_technical_review, "p-1", {"submission_id": "p-2-FSR-1"}).code == "NOT-FOUND"
    assert refused(as_("ZWB").open_technical_review, "p-1", {"submission_id": "nope"}).code == "NOT-FOUND"
    assert db.events() == []


def test_a_digest_other_than_the_versions_is_refused(as_, db):
    """R-10-2: the official opens the review of the document they read."""
    as_().on_event(submitted("FSR", 1))

    refusal = refused(as_("ZWB").open_technical_review, "p-1", {"submission_id": "p-1-FSR-1", "digest": "0" * 64})

    assert (refusal.code, refusal.rule, refusal.article) == ("STATE-INVALID", "R-10-2", "第十条")
    assert refusal.details["digest"] == digest("p-1-FSR-1")
    assert db.events() == []


def test_a_review_opens_once(as_, under_review):
    under_review()

    refusal = refused(as_("ZWB2").open_technical_review, "p-1", {"submission_id": "p-1-FSR-1"})

    assert (refusal.code, refusal.details["current_state"]) == ("STATE-INVALID", "IN_REVIEW")


@pytest.mark.parametrize("payload", [{}, {"submission_id": ""}, {"submission_id": "p-1-FSR-1", "extra": 1}])
def test_an_opening_without_a_submission_is_validation(as_, payload):
    as_().on_event(submitted("FSR", 1))

    assert refused(as_("ZWB").open_technical_review, "p-1", payload).code == "VALIDATION"


# ----------------------------------------------------------- opinions (optional input)


def test_each_bureau_gives_its_own_opinion_once(as_, db, under_review):
    review_id = under_review()["review"]["review_id"]

    for bureau in BUREAUS:
        answer = as_(bureau).record_technical_opinion("p-1", tech_opinion(verdict="AGREE_WITH_CONDITIONS"))

    assert [o["bureau"] for o in answer["review"]["opinions"]] == list(BUREAUS)
    assert answer["review"]["opinions"][0]["conditions"] == "须通过等保二级测评"
    events = db.events("TechnicalReviewOpinionRecorded")
    assert [e["data"] for e in events] == [{**FACTS, "review_id": review_id, "bureau": b,
                                            "verdict": "AGREE_WITH_CONDITIONS"} for b in BUREAUS]
    again = refused(as_("FG").record_technical_opinion, "p-1", tech_opinion(verdict="DISAGREE"))
    assert (again.code, again.details["bureau"]) == ("DUPLICATE", "FG")
    assert len(db.events("TechnicalReviewOpinionRecorded")) == 4


@pytest.mark.parametrize("who", ["ZWB", "UNIT", "SJ"])
def test_only_the_four_bureaus_give_opinions(as_, db, under_review, who):
    under_review()

    refusal = refused(as_(who).record_technical_opinion, "p-1", tech_opinion())

    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第四条")
    assert db.events("TechnicalReviewOpinionRecorded") == []


def test_an_opinion_needs_the_review_open(as_, db):
    as_().on_event(submitted("FSR", 1))

    refusal = refused(as_("WX").record_technical_opinion, "p-1", tech_opinion())

    assert (refusal.code, refusal.details["current_state"]) == ("STATE-INVALID", "PENDING")


@pytest.mark.parametrize("overrides", [
    {"verdict": "AGREE_WITH_CONDITIONS", "conditions": None},
    {"verdict": "AGREE", "conditions": "须复用政务云"},
    {"opinion": "   "},
    {"verdict": "MAYBE"},
])
def test_a_malformed_opinion_is_validation(as_, under_review, overrides):
    under_review()

    assert refused(as_("WX").record_technical_opinion, "p-1", tech_opinion(**overrides)).code == "VALIDATION"


# ----------------------------------------------------------- conclusion (R-10-2)


def test_zwb_concludes_without_waiting_for_opinions(as_, db, under_review, users):
    """Bureau opinions inform 政务办's judgement; the conclusion is 政务办's alone (第十条 牵头组织审核)."""
    review_id = under_review()["review"]["review_id"]

    answer = as_("ZWB").conclude_technical_review("p-1", passing(), idempotency_key="c-1")

    conclusion = answer["review"]["conclusion"]
    assert (answer["review"]["status"], conclusion["outcome"], conclusion["carried_over_from"]) == \
        ("CONCLUDED", "PASS", None)
    assert answer["submission"]["status"] == "CONCLUDED"
    [event] = db.events("TechnicalReviewConcluded")
    assert set(event["data"]) == CONCLUDED_KEYS
    assert event["data"] == {**FACTS, "review_id": review_id, "submission_id": "p-1-FSR-1", "stage": "FSR",
                             "version_no": 1, "digest": digest("p-1-FSR-1"), "outcome": "PASS",
                             "consolidated_opinion": "技术方案可行，符合集约建设要求", "conditions": None,
                             "catalog_exemption": False, "accepted_duplicate_items": [],
                             "similar_systems_accepted": False, "universal_entries": [],
                             "linkage_none_confirmed": False, "carried_over_from": None}
    assert (event["article"], event["actorid"]) == ("第十条", users["ZWB"].user_id)
    entry = db.audit()[-1]
    assert (entry["action"], entry["rule"], entry["article"]) == ("conclude_technical_review", "R-10-2", "第十条")
    assert as_("ZWB").conclude_technical_review("p-1", passing(), idempotency_key="c-1") == answer
    assert as_("ZWB").list_technical_pending()["items"] == []


def test_pass_with_conditions_names_them(as_, db, under_review):
    under_review()

    as_("ZWB").conclude_technical_review("p-1", passing(outcome="PASS_WITH_CONDITIONS"))

    [event] = db.events("TechnicalReviewConcluded")
    assert (event["data"]["outcome"], event["data"]["conditions"]) == ("PASS_WITH_CONDITIONS", "须部署于市政务云")


def test_fail_states_its_reason(as_, db, under_review):
    under_review()
    assert refused(as_("ZWB").conclude_technical_review, "p-1",
                   passing(outcome="FAIL", consolidated_opinion=" ")).code == "VALIDATION"

    as_("ZWB").conclude_technical_review("p-1", passing(outcome="FAIL", consolidated_opinion="未复用市政务云，须修改"))

    [event] = db.events("TechnicalReviewConcluded")
    assert (event["data"]["outcome"], event["data"]["consolidated_opinion"]) == ("FAIL", "未复用市政务云，须修改")


@pytest.mark.parametrize("overrides", [
    {"outcome": "PASS_WITH_CONDITIONS", "conditions": None},
    {"outcome": "PASS", "conditions": "须部署于市政务云"},
    {"outcome": "FAIL", "conditions": "须部署于市政务云"},
    {"outcome": "APPROVED"},
    {"consolidated_opinion": None},
    {"accepted_duplicate_items": [{"item": "身份证号"}]},
    {"accepted_duplicate_items": [{"item": "身份证号", "note": " "}]},
    {"universal_entries": [""]},
])
def test_a_malformed_conclusion_is_validation(as_, db, under_review, overrides):
    under_review(duplicate_collection_flags=FLAGS, catalog_version=1)

    refusal = refused(as_("ZWB").conclude_technical_review, "p-1", passing(**overrides))

    assert refusal.code == "VALIDATION"
    assert db.events("TechnicalReviewConcluded") == []


@pytest.mark.parametrize("who", ["UNIT", "FG", "WX", "GX", "CZ", "SJ"])
def test_only_zwb_concludes(as_, db, under_review, who):
    under_review()

    refusal = refused(as_(who).conclude_technical_review, "p-1", passing())

    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第十条")
    assert db.events("TechnicalReviewConcluded") == []


def test_a_review_concludes_once(as_, db, under_review):
    under_review()
    as_("ZWB").conclude_technical_review("p-1", passing())

    refusal = refused(as_("ZWB2").conclude_technical_review, "p-1", passing(outcome="FAIL"))

    assert (refusal.code, refusal.details["current_state"]) == ("STATE-INVALID", "CONCLUDED")
    assert refused(as_("WX").record_technical_opinion, "p-1", tech_opinion()).code == "STATE-INVALID"
    assert len(db.events("TechnicalReviewConcluded")) == 1


def test_a_conclusion_drawn_before_a_later_opinion_is_stale(as_, db, under_review):
    """R-0-2: the official concluded on version 1 of the review; 网信's opinion arrived meanwhile."""
    version = under_review()["review"]["version"]
    as_("WX").record_technical_opinion("p-1", tech_opinion(verdict="DISAGREE"))

    refusal = refused(as_("ZWB").conclude_technical_review, "p-1", passing(expected_version=version))

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert refusal.details == {"current_state": "OPEN", "holds": [], "expected_version": version,
                               "current_version": version + 1}
    assert db.events("TechnicalReviewConcluded") == []


def test_a_conclusion_before_the_opening_is_refused(as_):
    as_().on_event(submitted("FSR", 1))

    refusal = refused(as_("ZWB").conclude_technical_review, "p-1", passing())

    assert (refusal.code, refusal.details["current_state"]) == ("STATE-INVALID", "PENDING")


# ------------------------------------------- judgements only where the version raised them


def test_catalog_exemption_a_11_only_without_a_catalog(as_, db, under_review):
    under_review(catalog_version=2)
    refusal = refused(as_("ZWB").conclude_technical_review, "p-1", passing(catalog_exemption=True))
    assert refusal.code == "VALIDATION" and "catalog_exemption" in refusal.details["fields"]

    as_().on_event(submitted("FSR", 1, project_id="p-2", submission_id="p-2-FSR-1", facts={"project_id": "p-2"}))
    as_("ZWB").open_technical_review("p-2", {"submission_id": "p-2-FSR-1"})
    as_("ZWB").conclude_technical_review("p-2", passing("p-2-FSR-1", catalog_exemption=True))

    [event] = db.events("TechnicalReviewConcluded")
    assert (event["data"]["project_id"], event["data"]["catalog_exemption"]) == ("p-2", True)


def test_universal_entries_a_12_only_with_a_catalog(as_, db, under_review):
    under_review(catalog_version=None)
    refusal = refused(as_("ZWB").conclude_technical_review, "p-1", passing(universal_entries=["RK-001"]))
    assert refusal.code == "VALIDATION" and "universal_entries" in refusal.details["fields"]


def test_universal_entries_are_recorded_once_each(as_, db, under_review):
    under_review(catalog_version=4)
    assert refused(as_("ZWB").conclude_technical_review, "p-1",
                   passing(universal_entries=["E-1", "E-1"])).code == "VALIDATION"

    as_("ZWB").conclude_technical_review("p-1", passing(universal_entries=["E-1", "E-2"]))

    [event] = db.events("TechnicalReviewConcluded")
    assert event["data"]["universal_entries"] == ["E-1", "E-2"]


def test_accepted_duplicate_items_r_20_2_are_a_subset_of_the_flagged_ones(as_, db, under_review):
    under_review(duplicate_collection_flags=FLAGS)
    outside = refused(as_("ZWB").conclude_technical_review, "p-1", passing(accepted_duplicate_items=[
        {"item": "身份证号", "note": "需现场核验"}, {"item": "手机号", "note": "自行采集"}]))
    assert outside.code == "VALIDATION"
    assert "手机号" in outside.details["fields"]["accepted_duplicate_items"][0]
    twice = refused(as_("ZWB").conclude_technical_review, "p-1", passing(accepted_duplicate_items=[
        {"item": "身份证号", "note": "a"}, {"item": "身份证号", "note": "b"}]))
    assert twice.code == "VALIDATION"

    answer = as_("ZWB").conclude_technical_review("p-1", passing(accepted_duplicate_items=[
        {"item": "身份证号", "note": "业务办理须现场核验原件"}]))

    [event] = db.events("TechnicalReviewConcluded")
    assert event["data"]["accepted_duplicate_items"] == ["身份证号"]
    assert answer["review"]["conclusion"]["accepted_duplicate_notes"] == [
        {"item": "身份证号", "note": "业务办理须现场核验原件"}]


def test_no_duplicate_item_is_accepted_when_none_was_flagged(as_, under_review):
    under_review(duplicate_collection_flags=[])

    refusal = refused(as_("ZWB").conclude_technical_review, "p-1",
                      passing(accepted_duplicate_items=[{"item": "身份证号", "note": "需核验"}]))

    assert refusal.code == "VALIDATION"


def test_similar_systems_r_20_3_accepted_only_when_declared(as_, db, under_review):
    under_review(similar_systems=[])
    assert refused(as_("ZWB").conclude_technical_review, "p-1",
                   passing(similar_systems_accepted=True)).code == "VALIDATION"


def test_similar_systems_accepted_when_declared(as_, db, under_review):
    under_review(similar_systems=SIMILAR)

    as_("ZWB").conclude_technical_review("p-1", passing(similar_systems_accepted=True))

    assert db.events("TechnicalReviewConcluded")[0]["data"]["similar_systems_accepted"] is True


def test_linkage_none_r_13_1_confirmed_only_when_declared(as_, db, under_review):
    under_review(cross_level=True, linkage_none=False)
    assert refused(as_("ZWB").conclude_technical_review, "p-1",
                   passing(linkage_none_confirmed=True)).code == "VALIDATION"


def test_linkage_none_confirmed_when_declared(as_, db, under_review):
    under_review(cross_level=True, linkage_none=True)

    as_("ZWB").conclude_technical_review("p-1", passing(linkage_none_confirmed=True))

    assert db.events("TechnicalReviewConcluded")[0]["data"]["linkage_none_confirmed"] is True


# ----------------------------------------------------------- version binding


def test_a_conclusion_on_version_1_is_about_version_1_only(as_, db, under_review):
    v1_review = under_review()["review"]["review_id"]
    as_("ZWB").conclude_technical_review("p-1", passing())
    as_().on_event(decided("ApprovalReturned", "p-1-FSR-1", stage="FSR", version_no=1, reason="补充投资明细",
                           return_code=None))
    as_().on_event(submitted("FSR", 2))

    latest = as_("ZWB").get_technical_review("p-1")
    assert (latest["submission"]["submission_id"], latest["submission"]["status"]) == ("p-1-FSR-2", "PENDING")
    assert latest["review"] is None
    assert latest["carry_over_candidate"] == {"review_id": v1_review, "submission_id": "p-1-FSR-1",
                                              "version_no": 1, "digest": digest("p-1-FSR-1"), "outcome": "PASS"}
    v1 = as_("ZWB").get_technical_review("p-1", "p-1-FSR-1")
    assert (v1["review"]["conclusion"]["outcome"], v1["review"]["digest"]) == ("PASS", digest("p-1-FSR-1"))
    assert v1["submission"]["approval_outcome"] == "RETURNED"
    refusal = refused(as_("ZWB").conclude_technical_review, "p-1", passing("p-1-FSR-2"))
    assert (refusal.code, refusal.details["current_state"]) == ("STATE-INVALID", "PENDING")
    [item] = as_("ZWB").list_technical_pending()["items"]
    assert item["submission_id"] == "p-1-FSR-2" and item["carry_over_candidate"]["review_id"] == v1_review

    v2 = as_("ZWB").open_technical_review("p-1", {"submission_id": "p-1-FSR-2"})
    as_("ZWB").conclude_technical_review("p-1", passing("p-1-FSR-2", outcome="FAIL", consolidated_opinion="不可行"))

    first, second = db.events("TechnicalReviewConcluded")
    assert (first["data"]["version_no"], first["data"]["digest"], first["data"]["outcome"]) == \
        (1, digest("p-1-FSR-1"), "PASS")
    assert (second["data"]["review_id"], second["data"]["version_no"], second["data"]["digest"]) == \
        (v2["review"]["review_id"], 2, digest("p-1-FSR-2"))


def test_a_newer_version_supersedes_an_older_one_still_waiting(as_, db):
    as_().on_event(submitted("FSR", 1))
    as_().on_event(submitted("FSR", 2))

    [item] = as_("ZWB").list_technical_pending()["items"]
    assert item["version_no"] == 2
    v1 = as_("ZWB").get_technical_review("p-1", "p-1-FSR-1")["submission"]
    assert (v1["status"], v1["closed_reason"]) == ("SUPERSEDED", "已由第 2 版取代")
    refusal = refused(as_("ZWB").open_technical_review, "p-1", {"submission_id": "p-1-FSR-1"})
    assert (refusal.code, refusal.rule, refusal.details["current_state"]) == ("STATE-INVALID", "R-10-2",
                                                                              "SUPERSEDED")


def test_a_newer_version_closes_the_older_versions_open_review(as_, db, under_review):
    under_review()
    as_("WX").record_technical_opinion("p-1", tech_opinion())
    as_().on_event(submitted("FSR", 2))

    v1 = as_("ZWB").get_technical_review("p-1", "p-1-FSR-1")
    assert (v1["review"]["status"], v1["review"]["closed_reason"]) == ("CLOSED", "已由第 2 版取代")
    refusal = refused(as_("ZWB").conclude_technical_review, "p-1", passing())
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-10-2")
    assert refused(as_("FG").record_technical_opinion, "p-1", tech_opinion()).code == "STATE-INVALID"
    v2 = as_("ZWB").open_technical_review("p-1", {"submission_id": "p-1-FSR-2"})
    assert v2["review"]["opinions"] == []  # opinions were on version 1's documents
    assert db.events("TechnicalReviewConcluded") == []


def test_a_version_delivered_after_its_successor_never_waits(as_):
    as_().on_event(submitted("FSR", 2))
    as_().on_event(submitted("FSR", 1))

    [item] = as_("ZWB").list_technical_pending()["items"]
    assert item["version_no"] == 2
    assert as_("ZWB").get_technical_review("p-1", "p-1-FSR-1")["submission"]["status"] == "SUPERSEDED"


def test_another_stage_does_not_supersede(as_):
    as_().on_event(submitted("PROPOSAL", 1))
    as_().on_event(submitted("FSR", 1))

    assert [i["stage"] for i in as_("ZWB").list_technical_pending()["items"]] == ["PROPOSAL", "FSR"]


# ----------------------------------------------------------- carry-over


def test_zwb_carries_the_previous_versions_conclusion_over_to_the_new_version(as_, db, under_review, users):
    v1_review = under_review(duplicate_collection_flags=FLAGS, catalog_version=2)["review"]["review_id"]
    as_("ZWB").conclude_technical_review("p-1", passing(
        outcome="PASS_WITH_CONDITIONS", universal_entries=["E-9"],
        accepted_duplicate_items=[{"item": "婚姻状况", "note": "历史数据须补录"}]))
    as_().on_event(decided("ApprovalReturned", "p-1-FSR-1", stage="FSR", version_no=1, reason="补充",
                           return_code=None))
    as_().on_event(submitted("FSR", 2, duplicate_collection_flags=FLAGS, catalog_version=3))

    answer = as_("ZWB2").carry_over_technical_review("p-1", {
        "submission_id": "p-1-FSR-2", "from_review_id": v1_review, "digest": digest("p-1-FSR-2"),
        "check_note": "第2版仅补充投资明细，技术方案未变"}, idempotency_key="co-1")

    review = answer["review"]
    assert (review["submission_id"], review["version_no"], review["digest"]) == ("p-1-FSR-2", 2,
                                                                                  digest("p-1-FSR-2"))
    assert review["review_id"] != v1_review and review["status"] == "CONCLUDED"
    assert review["conclusion"]["carried_over_from"] == v1_review
    assert review["conclusion"]["carry_over_note"] == "第2版仅补充投资明细，技术方案未变"
    assert answer["submission"]["status"] == "CONCLUDED"
    [opened] = db.events("TechnicalReviewOpened")[1:]
    assert opened["data"]["submission_id"] == "p-1-FSR-2" and opened["data"]["review_id"] == review["review_id"]
    old, new = db.events("TechnicalReviewConcluded")
    assert new["data"] == {**old["data"], "review_id": review["review_id"], "submission_id": "p-1-FSR-2",
                           "version_no": 2, "digest": digest("p-1-FSR-2"), "carried_over_from": v1_review}
    assert (new["data"]["outcome"], new["data"]["conditions"]) == ("PASS_WITH_CONDITIONS", "须部署于市政务云")
    assert new["data"]["accepted_duplicate_items"] == ["婚姻状况"] and new["data"]["universal_entries"] == ["E-9"]
    assert new["actorid"] == users["ZWB2"].user_id
    entry = db.audit()[-1]
    assert (entry["action"], entry["rule"], entry["details"]["from_digest"]) == \
        ("carry_over_technical_review", "R-10-2", digest("p-1-FSR-1"))
    assert as_("ZWB2").carry_over_technical_review("p-1", {
        "submission_id": "p-1-FSR-2", "from_review_id": v1_review, "digest": digest("p-1-FSR-2"),
        "check_note": "第2版仅补充投资明细，技术方案未变"}, idempotency_key="co-1") == answer
    assert len(db.events("TechnicalReviewConcluded")) == 2


def test_carrying_over_into_an_open_review_of_the_new_version(as_, db, under_review):
    under_review()
    as_("ZWB").conclude_technical_review("p-1", passing())
    as_().on_event(submitted("FSR", 2))
    opened = as_("ZWB").open_technical_review("p-1", {"submission_id": "p-1-FSR-2"})["review"]

    answer = as_("ZWB").carry_over_technical_review("p-1", {
        "submission_id": "p-1-FSR-2", "check_note": "已核对", "consolidated_opinion": "沿用第1版结论：通过"})

    assert answer["review"]["review_id"] == opened["review_id"]
    assert answer["review"]["conclusion"]["consolidated_opinion"] == "沿用第1版结论：通过"
    assert len(db.events("TechnicalReviewOpened")) == 2
    assert db.events("TechnicalReviewConcluded")[-1]["data"]["carried_over_from"] is not None


def test_nothing_to_carry_over_without_an_earlier_conclusion_of_the_same_stage(as_, db, under_review):
    under_review(stage="PROPOSAL")
    as_("ZWB").conclude_technical_review("p-1", passing("p-1-PROPOSAL-1"))
    as_().on_event(submitted("FSR", 1))

    refusal = refused(as_("ZWB").carry_over_technical_review, "p-1", {"submission_id": "p-1-FSR-1",
                                                                      "check_note": "已核对"})

    assert (refusal.code, refusal.rule, refusal.article) == ("STATE-INVALID", "R-10-2", "第十条")
    assert len(db.events("TechnicalReviewConcluded")) == 1


def test_an_earlier_fail_is_not_carried_over(as_, db, under_review):
    under_review()
    as_("ZWB").conclude_technical_review("p-1", passing(outcome="FAIL", consolidated_opinion="不可行"))
    as_().on_event(submitted("FSR", 2))

    refusal = refused(as_("ZWB").carry_over_technical_review, "p-1", {"submission_id": "p-1-FSR-2",
                                                                      "check_note": "已核对"})

    assert (refusal.code, refusal.rule, refusal.details["outcome"]) == ("STATE-INVALID", "R-10-2", "FAIL")


def test_an_older_pass_behind_a_newer_fail_is_not_carried_over(as_, db, under_review):
    """Only the newest conclusion of the stage may be taken over."""
    first = under_review()["review"]["review_id"]
    as_("ZWB").conclude_technical_review("p-1", passing())
    as_().on_event(submitted("FSR", 2))
    as_("ZWB").open_technical_review("p-1", {"submission_id": "p-1-FSR-2"})
    as_("ZWB").conclude_technical_review("p-1", passing("p-1-FSR-2", outcome="FAIL", consolidated_opinion="不可行"))
    as_().on_event(submitted("FSR", 3))

    refusal = refused(as_("ZWB").carry_over_technical_review, "p-1", {
        "submission_id": "p-1-FSR-3", "from_review_id": first, "check_note": "已核对"})

    assert (refusal.code, refusal.details["from_version_no"]) == ("STATE-INVALID", 2)


def test_a_named_review_other_than_the_newest_conclusion_is_refused(as_, under_review):
    under_review()
    as_("ZWB").conclude_technical_review("p-1", passing())
    as_().on_event(submitted("FSR", 2))

    refusal = refused(as_("ZWB").carry_over_technical_review, "p-1", {
        "submission_id": "p-1-FSR-2", "from_review_id": "another", "check_note": "已核对"})

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-10-2")


def test_judgements_the_new_version_gives_no_ground_for_are_not_carried_over(as_, db, under_review):
    under_review(duplicate_collection_flags=FLAGS)
    as_("ZWB").conclude_technical_review("p-1", passing(accepted_duplicate_items=[{"item": "身份证号",
                                                                                   "note": "须核验"}]))
    as_().on_event(submitted("FSR", 2, duplicate_collection_flags=[]))

    refusal = refused(as_("ZWB").carry_over_technical_review, "p-1", {"submission_id": "p-1-FSR-2",
                                                                      "check_note": "已核对"})

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-10-2")
    assert "accepted_duplicate_items" in refusal.details["problems"]
    assert len(db.events("TechnicalReviewConcluded")) == 1


def test_a_concluded_version_takes_no_carry_over(as_, under_review):
    under_review()
    as_("ZWB").conclude_technical_review("p-1", passing())

    refusal = refused(as_("ZWB").carry_over_technical_review, "p-1", {"submission_id": "p-1-FSR-1",
                                                                      "check_note": "已核对"})

    assert (refusal.code, refusal.details["current_state"]) == ("STATE-INVALID", "CONCLUDED")


@pytest.mark.parametrize("who", ["UNIT", "FG", "WX"])
def test_only_zwb_carries_over(as_, under_review, who):
    under_review()
    as_("ZWB").conclude_technical_review("p-1", passing())
    as_().on_event(submitted("FSR", 2))

    refusal = refused(as_(who).carry_over_technical_review, "p-1", {"submission_id": "p-1-FSR-2",
                                                                    "check_note": "已核对"})

    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第十条")


def test_a_carry_over_says_what_zwb_checked(as_, under_review):
    under_review()
    as_("ZWB").conclude_technical_review("p-1", passing())
    as_().on_event(submitted("FSR", 2))

    assert refused(as_("ZWB").carry_over_technical_review, "p-1",
                   {"submission_id": "p-1-FSR-2"}).code == "VALIDATION"


# ----------------------------------------------------------- 发改's decisions close the work list


def test_a_returned_version_leaves_the_work_list(as_, db, under_review):
    under_review()
    as_().on_event(decided("ApprovalReturned", "p-1-FSR-1", stage="FSR", version_no=1, reason="补充材料",
                           return_code=None))

    assert as_("ZWB").list_technical_pending()["items"] == []
    answer = as_("ZWB").get_technical_review("p-1", "p-1-FSR-1")
    assert (answer["submission"]["status"], answer["submission"]["approval_outcome"]) == ("CLOSED", "RETURNED")
    assert answer["review"]["status"] == "CLOSED" and "补充材料" in answer["review"]["closed_reason"]
    assert refused(as_("ZWB").conclude_technical_review, "p-1", passing()).code == "STATE-INVALID"
    assert db.events("TechnicalReviewConcluded") == []


def test_a_refused_version_waiting_for_review_leaves_the_work_list(as_):
    as_().on_event(submitted("FSR", 1))
    as_().on_event(decided("ApprovalRefused", "p-1-FSR-1", stage="FSR", reason="不符合规划"))

    assert as_("ZWB").list_technical_pending()["items"] == []
    assert refused(as_("ZWB").open_technical_review, "p-1", {"submission_id": "p-1-FSR-1"}).code == "STATE-INVALID"


def test_a_proposal_approved_without_a_technical_review_leaves_the_work_list(as_):
    """The proposal's review is optional (TECH_REVIEW_REQUIRED_FOR_PROPOSAL off); 发改 approved it."""
    as_().on_event(submitted("PROPOSAL", 1))
    as_().on_event(submitted("FSR", 1, project_id="p-2", facts={"project_id": "p-2"}))
    as_().on_event(decided("ProposalApproved", None, doc_no="连发改审〔2025〕1号"))

    assert [i["project_id"] for i in as_("ZWB").list_technical_pending()["items"]] == ["p-2"]
    proposal = as_("ZWB").get_technical_review("p-1")["submission"]
    assert (proposal["status"], proposal["approval_outcome"]) == ("CLOSED", "APPROVED")


def test_an_approval_after_the_conclusion_keeps_the_conclusion(as_, db, under_review):
    under_review(stage="PD")
    as_("ZWB").conclude_technical_review("p-1", passing("p-1-PD-1"))
    as_().on_event(decided("PreliminaryDesignApproved", "p-1-PD-1", stage="PD", version_no=1,
                           approved_estimate_fen=350_000_000, approved_on="2025-03-10", doc_no="X", decision_id="d"))

    answer = as_("ZWB").get_technical_review("p-1")
    assert (answer["submission"]["status"], answer["submission"]["approval_outcome"]) == ("CONCLUDED", "APPROVED")
    assert answer["review"]["conclusion"]["outcome"] == "PASS"


def test_a_decision_about_a_submission_not_yet_seen_is_retried(as_):
    with pytest.raises(LookupError):
        as_().on_event(decided("ApprovalReturned", "p-1-FSR-9", stage="FSR", version_no=9, reason="x"))


# ----------------------------------------------------------- work list and visibility (§7.2)


def test_a_bureaus_work_list_holds_the_open_reviews_without_its_opinion(as_, under_review):
    under_review()
    as_().on_event(submitted("FSR", 1, project_id="p-2", facts={"project_id": "p-2"}))

    assert as_("WX").list_technical_pending({"awaiting_me": True})["total"] == 1
    as_("WX").record_technical_opinion("p-1", tech_opinion())
    assert as_("WX").list_technical_pending({"awaiting_me": True})["items"] == []
    [mine] = as_("FG").list_technical_pending({"awaiting_me": True})["items"]
    assert (mine["project_id"], mine["review_status"], mine["opinions_from"]) == ("p-1", "OPEN", ["WX"])
    assert as_("ZWB").list_technical_pending({"awaiting_me": True})["total"] == 2
    assert as_("ZWB").list_technical_pending({"status": "PENDING"})["items"][0]["project_id"] == "p-2"
    assert as_("ZWB").list_technical_pending({"stage": "PD"})["items"] == []
    assert as_("UNIT").list_technical_pending({"awaiting_me": True})["items"] == []
    assert refused(as_("ZWB").list_technical_pending, {"status": "CONCLUDED"}).code == "VALIDATION"


def test_a_department_sees_its_own_projects_reviews_only(as_, users, under_review):
    under_review()
    other = {"project_id": "p-2", "unit_id": users["UNIT_B"].unit_id, "unit_name": users["UNIT_B"].unit_name}
    as_().on_event(submitted("FSR", 1, project_id="p-2", facts=other))

    assert as_("UNIT").get_technical_review("p-1")["review"]["status"] == "OPEN"
    assert [i["project_id"] for i in as_("UNIT").list_technical_pending()["items"]] == ["p-1"]
    assert refused(as_("UNIT").get_technical_review, "p-2").code == "NOT-FOUND"
    assert refused(as_("UNIT_B").get_technical_review, "p-1").code == "NOT-FOUND"
    assert refused(as_("UNIT_B").get_technical_review, "p-1", "p-1-FSR-1").code == "NOT-FOUND"
    assert refused(as_("LG").get_technical_review, "p-1").code == "NOT-FOUND"
    assert refused(as_("ZWB").get_technical_review, "p-9").code == "NOT-FOUND"
    assert as_("SJ").get_technical_review("p-1")["submission"]["project_id"] == "p-1"


def test_a_classified_projects_review_is_hidden_from_audit(as_):
    as_().on_event(submitted("FSR", 1, facts={"classified": True}))

    assert refused(as_("SJ").get_technical_review, "p-1").code == "NOT-FOUND"
    assert as_("SJ").list_technical_pending()["items"] == []
    assert as_("ZWB").get_technical_review("p-1")["submission"]["project_id"] == "p-1"


# ----------------------------------------------------------- the Art 8/9 reviews are untouched


def test_technical_reviews_stay_out_of_the_plan_and_joint_review_answers(as_, db, submission, under_review):
    """get_review / list_reviews / list_pending_openings answer for plan and ad-hoc reviews only, and a
    technical review emits no PlanReview*/JointReview* event (their consumers mean Art 8/9)."""
    under_review()
    assert refused(as_("ZWB").get_review, "p-1").code == "NOT-FOUND"
    assert as_("ZWB").list_reviews()["items"] == []
    assert as_("ZWB").list_pending_openings()["items"] == []

    as_().on_event(submission("p-1"))
    plan = as_("ZWB").open_plan_review("p-1")
    as_().on_event(submitted("FSR", 2))
    as_("ZWB").open_technical_review("p-1", {"submission_id": "p-1-FSR-2"})
    as_("WX").record_technical_opinion("p-1", tech_opinion("p-1-FSR-2"))
    as_("ZWB").conclude_technical_review("p-1", passing("p-1-FSR-2"))

    assert as_("ZWB").get_review("p-1")["review_id"] == plan["review_id"]
    assert as_("ZWB").get_review("p-1")["opinions"] == []
    assert [r["kind"] for r in as_("ZWB").list_reviews()["items"]] == ["PLAN"]
    types = {e["type"].split(".")[-2] for e in db.events()}
    assert types == {"plan_review_opened", "technical_review_opened", "technical_review_opinion_recorded",
                     "technical_review_concluded"}
