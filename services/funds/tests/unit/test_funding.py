"""Art 9 funding confirmation through worker_factory with the real unit of
work, a migrated SQLite file and signed identities (rules.md T10, T11,
R-9-2, R-9-3, R-9-7, R-9-8, R-0-1, R-0-2)."""

import pytest

from funds import funding
from itpm_common.errors import Refusal

TOTAL = 800_000_000
SUBMITTED_AT = "2025-06-02T10:00:00+08:00"


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


# ------------------------------------------------------------- the request (T10)


def test_adhoc_submission_asks_cz_to_confirm(as_, db, ev, users):
    as_().on_event(ev.adhoc("p-1"))

    [event] = db.events("FundingConfirmationRequested")
    assert event["data"] == {"project_id": "p-1", "unit_id": "unit-a", "unit_name": "市民政局",
                             "name": "社会救助信息系统升级", "plan_year": 2025, "category": "BUILD",
                             "classified": False, "path": "ADHOC", "version_no": 1, "total_investment_fen": TOTAL}
    assert (event["subject"], event["article"], event["unitid"]) == ("p-1", "第九条", "unit-a")
    assert (event["actorid"], event["actorrole"]) == ("system", "SYSTEM")

    funding_ = as_("CZ").get_funding("p-1")
    assert (funding_["status"], funding_["path"], funding_["version_no"]) == ("AWAITING", "ADHOC", 1)
    assert funding_["total_investment_fen"] == TOTAL and funding_["requested_at"] == SUBMITTED_AT
    assert funding_["current_confirmation"] is None and funding_["confirmations"] == []

    [entry] = db.audit()
    assert (entry["action"], entry["outcome"], entry["article"], entry["rule"]) == (
        "request_funding_confirmation", "ACCEPTED", "第九条", "R-9-2")
    assert entry["details"]["submitted_by"] == users["UNIT"].user_id


def test_the_project_projection_still_learns_from_the_submission(as_, ev):
    as_().on_event(ev.adhoc("p-1"))
    row = as_("CZ").get_projection("p-1")
    assert (row["unit_id"], row["name"], row["plan_year"]) == ("unit-a", "社会救助信息系统升级", 2025)


def test_superior_funded_plan_application_asks_too_but_a_plain_one_does_not(as_, db, ev):
    """R-9-8: the Art 8 review counts as the 联审, yet 财政 still confirms."""
    as_().on_event(ev.plan("p-9"))
    as_().on_event(ev.plan("p-10", origin="PLAN"))

    [event] = db.events("FundingConfirmationRequested")
    assert (event["subject"], event["data"]["path"]) == ("p-9", "PLAN")
    assert refused(as_("CZ").get_funding, "p-10").code == "NOT-FOUND"
    assert as_("CZ").get_projection("p-10")["state"] == "PLAN_APPLIED"
    assert db.audit()[0]["rule"] == "R-9-8"


def test_redelivered_or_repeated_submission_asks_once(as_, db, ev):
    event = ev.adhoc("p-1")
    as_().on_event(event)
    as_().on_event(event)
    as_().on_event(ev.adhoc("p-1"))  # the same version under another event id

    assert len(db.events("FundingConfirmationRequested")) == 1
    assert as_("CZ").list_funding_requests()["total"] == 1


# ------------------------------------------------------------- who may confirm (R-9-3)


@pytest.mark.parametrize("who", ["UNIT", "ZWB", "FG", "WX", "SJ"])
def test_only_cz_records_a_confirmation(as_, db, ev, confirm_payload, who):
    as_().on_event(ev.adhoc("p-1"))
    before = db.events()

    refusal = refused(as_(who).record_funding_confirmation, "p-1", confirm_payload())

    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-9-3", "第九条")
    assert "第四条" in refusal.reason_zh and refusal.details["allowed_roles"] == ["CZ"]
    assert db.events() == before
    last = db.audit()[-1]
    assert (last["action"], last["outcome"], last["code"], last["actor_role"]) == (
        "record_funding_confirmation", "REFUSED", "AUTH-FORBIDDEN", who)
    assert as_("CZ").get_funding("p-1")["status"] == "AWAITING"


@pytest.mark.parametrize("who", ["UNIT_B", "LG", "JL", "BM"])
def test_a_caller_who_may_not_see_the_project_is_told_it_is_not_there(as_, ev, confirm_payload, who):
    as_().on_event(ev.adhoc("p-1"))
    assert refused(as_(who).record_funding_confirmation, "p-1", confirm_payload()).code == "NOT-FOUND"


def test_a_project_without_a_request_is_not_found(as_, db, ev, confirm_payload):
    as_().on_event(ev.plan("p-10", origin="PLAN"))
    for project_id in ("p-10", "p-unknown"):
        refusal = refused(as_("CZ").record_funding_confirmation, project_id, confirm_payload())
        assert refusal.code == "NOT-FOUND"
    assert db.events() == []
    assert [a["outcome"] for a in db.audit()] == ["REFUSED", "REFUSED"]


# ------------------------------------------------------------- the confirmation (T11, R-9-2)


@pytest.mark.parametrize("amount, event_name, status, shortfall", [
    (TOTAL - 1, "FundingNotSecured", "NOT_SECURED", 1),
    (TOTAL, "FundingConfirmed", "CONFIRMED", 0),
    (TOTAL + 1, "FundingConfirmed", "CONFIRMED", 0),
])
def test_secured_must_cover_the_total_investment(as_, db, ev, confirm_payload, users, amount, event_name,
                                                 status, shortfall):
    as_().on_event(ev.adhoc("p-1"))

    payload = confirm_payload(amount=amount, basis_document="连财预〔2025〕12号")
    out = as_("CZ").record_funding_confirmation("p-1", payload)

    assert out["status"] == status
    current = out["current_confirmation"]
    assert (current["result"], current["confirmed_amount_fen"], current["shortfall_fen"]) == (
        "SECURED", amount, shortfall)
    assert current["satisfies_article_9"] is (event_name == "FundingConfirmed")
    assert (current["recorded_by"], current["recorded_by_name"]) == (users["CZ"].user_id, users["CZ"].name)
    assert current["basis_document"] == "连财预〔2025〕12号" and current["recorded_at"] == SUBMITTED_AT
    [event] = db.events(event_name)
    assert event["data"] == {"project_id": "p-1", "unit_id": "unit-a", "unit_name": "市民政局",
                             "name": "社会救助信息系统升级", "plan_year": 2025, "category": "BUILD",
                             "classified": False, "confirmation_id": current["confirmation_id"], "path": "ADHOC",
                             "version_no": 1, "result": "SECURED", "confirmed_amount_fen": amount,
                             "total_investment_fen": TOTAL, "shortfall_fen": shortfall,
                             "note": "已列入2025年市级财政预算安排", "basis_document": "连财预〔2025〕12号"}
    assert (event["article"], event["actorrole"], event["actorid"]) == ("第九条", "CZ", users["CZ"].user_id)
    other = "FundingConfirmed" if event_name == "FundingNotSecured" else "FundingNotSecured"
    assert db.events(other) == []
    entry = db.audit()[-1]
    assert (entry["action"], entry["outcome"], entry["rule"]) == ("record_funding_confirmation", "ACCEPTED", "R-9-2")


@pytest.mark.parametrize("result", ["PARTIAL", "NOT_SECURED"])
def test_partial_or_not_secured_is_never_a_confirmation_even_with_the_full_amount(as_, db, ev, confirm_payload,
                                                                                  result):
    as_().on_event(ev.adhoc("p-1"))
    out = as_("CZ").record_funding_confirmation("p-1", confirm_payload(result, amount=TOTAL))
    assert out["status"] == "NOT_SECURED"
    [event] = db.events("FundingNotSecured")
    assert (event["data"]["result"], event["data"]["shortfall_fen"]) == (result, 0)
    assert db.events("FundingConfirmed") == []


def test_not_secured_with_nothing_confirmed_shows_the_whole_total_short(as_, db, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1"))
    as_("CZ").record_funding_confirmation("p-1", confirm_payload("NOT_SECURED", amount=0, note="预算未安排"))
    [event] = db.events("FundingNotSecured")
    assert event["data"]["shortfall_fen"] == TOTAL


@pytest.mark.parametrize("payload, field", [
    ({"result": "SECURED", "confirmed_amount_fen": 0, "note": "已落实"}, "confirmed_amount_fen"),
    ({"result": "SECURED", "confirmed_amount_fen": -1, "note": "已落实"}, "confirmed_amount_fen"),
    ({"result": "SECURED", "confirmed_amount_fen": 1.5, "note": "已落实"}, "confirmed_amount_fen"),
    ({"result": "SECURED", "confirmed_amount_fen": "800", "note": "已落实"}, "confirmed_amount_fen"),
    ({"result": "MAYBE", "confirmed_amount_fen": 1, "note": "已落实"}, "result"),
    ({"result": "SECURED", "confirmed_amount_fen": TOTAL, "note": "  "}, "note"),
    ({"result": "SECURED", "confirmed_amount_fen": TOTAL}, "note"),
    ({"result": "SECURED", "confirmed_amount_fen": TOTAL, "note": "x", "amount": 1}, "amount"),
])
def test_malformed_confirmation_is_a_validation_refusal(as_, db, ev, payload, field):
    as_().on_event(ev.adhoc("p-1"))
    refusal = refused(as_("CZ").record_funding_confirmation, "p-1", payload)
    assert refusal.code == "VALIDATION" and field in refusal.details["fields"]
    assert db.events("FundingConfirmed") == db.events("FundingNotSecured") == []


def test_secured_with_one_fen_is_accepted_as_a_result(as_, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1", total=1))
    assert as_("CZ").record_funding_confirmation("p-1", confirm_payload(amount=1))["status"] == "CONFIRMED"


def test_a_later_confirmation_counts_and_the_history_keeps_both(as_, db, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1"))
    first = as_("CZ").record_funding_confirmation("p-1", confirm_payload("NOT_SECURED", amount=0, note="待追加"))
    second = as_("CZ2").record_funding_confirmation("p-1", confirm_payload(amount=TOTAL, note="已追加预算"))

    assert second["status"] == "CONFIRMED" and second["version"] == first["version"] + 1
    history = as_("ZWB").get_funding("p-1")["confirmations"]
    assert [(c["result"], c["current"], c["recorded_by"]) for c in history] == [
        ("SECURED", True, "u-cz-2"), ("NOT_SECURED", False, "u-cz-1")]
    assert [e["type"].split(".")[-2] for e in db.events()] == [
        "funding_confirmation_requested", "funding_not_secured", "funding_confirmed"]


def test_replayed_confirmation_returns_the_first_answer_and_emits_once(as_, db, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1"))
    first = as_("CZ").record_funding_confirmation("p-1", confirm_payload(), idempotency_key="k-1")
    again = as_("CZ").record_funding_confirmation("p-1", confirm_payload(), idempotency_key="k-1")

    assert again == first
    assert len(db.events("FundingConfirmed")) == 1
    refusal = refused(as_("CZ").record_funding_confirmation, "p-1", confirm_payload(amount=TOTAL - 1),
                      idempotency_key="k-1")
    assert (refusal.code, refusal.rule) == ("IDEMPOTENCY-CONFLICT", "R-0-1")
    assert len(as_("CZ").get_funding("p-1")["confirmations"]) == 1


def test_stale_expected_version_is_refused(as_, db, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1"))
    seen = as_("CZ").get_funding("p-1")["version"]
    as_("CZ2").record_funding_confirmation("p-1", confirm_payload("PARTIAL", amount=TOTAL // 2))

    refusal = refused(as_("CZ").record_funding_confirmation, "p-1", confirm_payload(expected_version=seen))

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert refusal.details["expected_version"] == seen and refusal.details["current_version"] == seen + 1
    assert db.events("FundingConfirmed") == []
    out = as_("CZ").record_funding_confirmation("p-1", confirm_payload(expected_version=seen + 1))
    assert out["status"] == "CONFIRMED"


def test_two_officials_recording_at_once_one_wins(as_, worker_on, other_instance, db, ev, confirm_payload,
                                                  monkeypatch):
    as_().on_event(ev.adhoc("p-1"))
    rival = worker_on(other_instance, "CZ2")
    original = funding.record_confirmation

    def rival_records_meanwhile(*args, **kwargs):
        # The first official has read the request; the second records and
        # commits before the first one writes.
        monkeypatch.setattr(funding, "record_confirmation", original)
        rival.record_funding_confirmation("p-1", confirm_payload("NOT_SECURED", amount=0, note="预算未安排"))
        return original(*args, **kwargs)

    monkeypatch.setattr(funding, "record_confirmation", rival_records_meanwhile)

    refusal = refused(as_("CZ").record_funding_confirmation, "p-1", confirm_payload())

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert db.events("FundingConfirmed") == []
    [event] = db.events("FundingNotSecured")
    assert event["actorid"] == "u-cz-2"
    history = as_("CZ").get_funding("p-1")["confirmations"]
    assert [c["recorded_by"] for c in history] == ["u-cz-2"]


# ------------------------------------------------------------- a later version (R-9-7)


def _confirmed(as_, ev, confirm_payload, amount=TOTAL):
    as_().on_event(ev.adhoc("p-1"))
    return as_("CZ").record_funding_confirmation("p-1", confirm_payload(amount=amount))


@pytest.mark.parametrize("new_total", [TOTAL, TOTAL - 1])
def test_a_version_with_no_higher_total_keeps_the_confirmation(as_, db, ev, confirm_payload, new_total):
    confirmed = _confirmed(as_, ev, confirm_payload)
    as_().on_event(ev.adhoc("p-1", version_no=2, total=new_total))

    out = as_("CZ").get_funding("p-1")
    assert (out["status"], out["version_no"], out["total_investment_fen"]) == ("CONFIRMED", 2, new_total)
    assert out["current_confirmation"]["confirmation_id"] == confirmed["current_confirmation"]["confirmation_id"]
    assert db.events("FundingConfirmationInvalidated") == []
    assert len(db.events("FundingConfirmationRequested")) == 1
    assert db.audit()[-1]["action"] == "carry_funding_confirmation"
    assert as_("CZ").list_funding_requests({"awaiting_me": True})["total"] == 0


def test_one_fen_more_invalidates_the_confirmation_and_reopens_the_request(as_, db, ev, confirm_payload):
    confirmed = _confirmed(as_, ev, confirm_payload)
    confirmation_id = confirmed["current_confirmation"]["confirmation_id"]
    as_().on_event(ev.adhoc("p-1", version_no=2, total=TOTAL + 1))

    [invalidated] = db.events("FundingConfirmationInvalidated")
    assert invalidated["data"] == {
        "project_id": "p-1", "unit_id": "unit-a", "unit_name": "市民政局", "name": "社会救助信息系统升级",
        "plan_year": 2025, "category": "BUILD", "classified": False, "confirmation_id": confirmation_id,
        "path": "ADHOC", "version_no": 2, "previous_total_fen": TOTAL, "new_total_fen": TOTAL + 1}
    assert invalidated["article"] == "第九条"
    requested = db.events("FundingConfirmationRequested")
    assert [(e["data"]["version_no"], e["data"]["total_investment_fen"]) for e in requested] == [
        (1, TOTAL), (2, TOTAL + 1)]
    out = as_("CZ").get_funding("p-1")
    assert (out["status"], out["current_confirmation"]) == ("AWAITING", None)
    [old] = out["confirmations"]
    assert old["invalidated"] == {"at": SUBMITTED_AT, "by_version_no": 2, "new_total_fen": TOTAL + 1}
    assert [r["project_id"] for r in as_("CZ").list_funding_requests({"awaiting_me": True})["items"]] == ["p-1"]
    assert "invalidate_funding_confirmation" in [a["action"] for a in db.audit()]

    again = as_("CZ").record_funding_confirmation("p-1", confirm_payload(amount=TOTAL + 1))
    assert again["status"] == "CONFIRMED" and again["current_confirmation"]["version_no"] == 2


def test_any_increase_invalidates_even_within_the_confirmed_amount(as_, db, ev, confirm_payload):
    """R-9-7 speaks of any increase of the total investment after a confirmation."""
    _confirmed(as_, ev, confirm_payload, amount=TOTAL + 100)
    as_().on_event(ev.adhoc("p-1", version_no=2, total=TOTAL + 1))
    assert len(db.events("FundingConfirmationInvalidated")) == 1


def test_a_new_version_after_not_secured_asks_again_without_invalidating(as_, db, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1"))
    as_("CZ").record_funding_confirmation("p-1", confirm_payload("PARTIAL", amount=TOTAL // 2))
    as_().on_event(ev.adhoc("p-1", version_no=2, total=TOTAL // 2))

    assert db.events("FundingConfirmationInvalidated") == []
    assert [e["data"]["version_no"] for e in db.events("FundingConfirmationRequested")] == [1, 2]
    out = as_("CZ").get_funding("p-1")
    assert (out["status"], out["current_confirmation"]) == ("AWAITING", None)


def test_an_older_version_arriving_late_changes_nothing(as_, db, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1", version_no=2, total=TOTAL))
    as_("CZ").record_funding_confirmation("p-1", confirm_payload())
    as_().on_event(ev.adhoc("p-1", version_no=1, total=TOTAL * 2))

    out = as_("CZ").get_funding("p-1")
    assert (out["status"], out["version_no"], out["total_investment_fen"]) == ("CONFIRMED", 2, TOTAL)
    assert db.events("FundingConfirmationInvalidated") == []


def test_a_plan_version_no_longer_superior_funded_closes_the_request(as_, db, ev, confirm_payload):
    as_().on_event(ev.plan("p-9"))
    as_().on_event(ev.plan("p-9", version_no=2, origin="PLAN"))

    out = as_("CZ").get_funding("p-9")
    assert (out["status"], out["version_no"]) == ("CLOSED", 2)
    assert as_("CZ").list_funding_requests({"awaiting_me": True})["total"] == 0
    refusal = refused(as_("CZ").record_funding_confirmation, "p-9", confirm_payload())
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-9-8")

    as_().on_event(ev.plan("p-9", version_no=3))
    assert as_("CZ").get_funding("p-9")["status"] == "AWAITING"
    assert len(db.events("FundingConfirmationRequested")) == 2


# ------------------------------------------------------------- ADHOC_FUNDING_MUST_COVER_TOTAL (§10)


@pytest.mark.parametrize("must_cover_total", [False])
def test_without_the_cover_rule_any_recorded_adhoc_result_confirms(as_, db, ev, confirm_payload):
    as_().on_event(ev.adhoc("p-1"))
    out = as_("CZ").record_funding_confirmation("p-1", confirm_payload("PARTIAL", amount=TOTAL - 1))

    assert out["status"] == "CONFIRMED"
    [event] = db.events("FundingConfirmed")
    assert (event["data"]["result"], event["data"]["shortfall_fen"]) == ("PARTIAL", 1)


@pytest.mark.parametrize("must_cover_total", [False])
def test_the_switch_leaves_superior_funded_plan_applications_alone(as_, db, ev, confirm_payload):
    as_().on_event(ev.plan("p-9"))
    as_("CZ").record_funding_confirmation("p-9", confirm_payload("PARTIAL", amount=TOTAL - 1))
    assert db.events("FundingConfirmed") == [] and len(db.events("FundingNotSecured")) == 1


# ------------------------------------------------------------- reads (§7.2)


@pytest.mark.parametrize("who", ["UNIT", "CZ", "ZWB", "FG", "WX", "SJ"])
def test_own_unit_and_reading_roles_see_the_funding(as_, ev, who):
    as_().on_event(ev.adhoc("p-1"))
    assert as_(who).get_funding("p-1")["project_id"] == "p-1"


@pytest.mark.parametrize("who", ["UNIT_B", "LG", "JL", "BM"])
def test_others_do_not_see_the_funding(as_, ev, who):
    as_().on_event(ev.adhoc("p-1"))
    assert refused(as_(who).get_funding, "p-1").code == "NOT-FOUND"


def test_classified_projects_are_hidden_from_audit_and_shown_to_secrecy(as_, ev):
    as_().on_event(ev.adhoc("p-s", classified=True))
    assert refused(as_("SJ").get_funding, "p-s").code == "NOT-FOUND"
    assert as_("BM").get_funding("p-s")["classified"] is True
    assert as_("CZ").get_funding("p-s")["classified"] is True


def test_a_caller_without_a_token_is_refused(as_, ev):
    as_().on_event(ev.adhoc("p-1"))
    assert refused(as_().get_funding, "p-1").code == "AUTH-TOKEN-INVALID"


@pytest.fixture
def four_requests(as_, ev, users, confirm_payload):
    as_().on_event(ev.adhoc("p-1"))
    as_().on_event(ev.adhoc("p-2", unit=users["UNIT_B"]))
    as_().on_event(ev.plan("p-3"))
    as_().on_event(ev.adhoc("p-4", plan_year=2026))
    as_("CZ").record_funding_confirmation("p-2", confirm_payload("NOT_SECURED", amount=0))
    as_("CZ").record_funding_confirmation("p-4", confirm_payload())


def _ids(page):
    return sorted(r["project_id"] for r in page["items"])


def test_awaiting_me_lists_requests_without_a_valid_confirmation_for_cz(as_, four_requests):
    assert _ids(as_("CZ").list_funding_requests({"awaiting_me": True})) == ["p-1", "p-2", "p-3"]
    for who in ("FG", "ZWB", "UNIT"):
        assert as_(who).list_funding_requests({"awaiting_me": True}) == {"items": [], "total": 0}


def test_listing_filters_and_hides_other_units(as_, four_requests):
    assert _ids(as_("FG").list_funding_requests()) == ["p-1", "p-2", "p-3", "p-4"]
    assert _ids(as_("UNIT").list_funding_requests()) == ["p-1", "p-3", "p-4"]
    assert _ids(as_("UNIT_B").list_funding_requests()) == ["p-2"]
    assert _ids(as_("LG").list_funding_requests()) == []
    assert _ids(as_("CZ").list_funding_requests({"path": "PLAN"})) == ["p-3"]
    assert _ids(as_("CZ").list_funding_requests({"status": "CONFIRMED"})) == ["p-4"]
    assert _ids(as_("CZ").list_funding_requests({"plan_year": 2026})) == ["p-4"]
    item = as_("CZ").list_funding_requests({"status": "NOT_SECURED"})["items"][0]
    assert (item["project_id"], item["unit_name"], item["path"]) == ("p-2", "市交通运输局", "ADHOC")


def test_listing_rejects_unknown_filters(as_):
    assert refused(as_("CZ").list_funding_requests, {"unit": "unit-a"}).code == "VALIDATION"
