"""The refusal contract of rules.md §0.2 and its passage through nameko RPC."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from nameko.exceptions import RemoteError, deserialize, serialize

from itpm_common.clock import SHANGHAI
from itpm_common.errors import (
    GENERIC_STATUS,
    Refusal,
    forbidden,
    not_found,
    state_invalid,
    unauthenticated,
    validation,
)

SHAPE_KEYS = {"refused", "code", "rule", "article", "reason_zh", "details"}


def over_the_wire(exc: Exception) -> Exception:
    """What the calling service gets back: nameko serialises the exception
    into the JSON reply and deserialises it on the other side."""
    return deserialize(json.loads(json.dumps(serialize(exc))))


# ------------------------------------------------------------ nameko round trip


def test_refusal_crosses_rpc_as_a_refusal_with_identical_payload():
    original = Refusal(
        code="E26-APPLICATION-OVERDUE",
        rule="R-26-2",
        article="第二十六条",
        reason_zh="项目建成后半年内应申请竣工验收；建成日 2024-04-10，期限末日 2024-10-10，未获延期验收批准",
        details={
            "completion_date": "2024-04-10",
            "last_day": "2024-10-10",
            "deferral_granted": False,
            "rest_day_rolled": True,
            "deferral_id": None,
            "days_late": 3,
            "ratio": 0.5,
            "missing": ["竣工报告", "监理意见"],
            "nested": {"holds": [{"kind": "SUSPENDED", "active": True, "until": None}]},
        },
    )
    received = over_the_wire(original)
    assert type(received) is Refusal
    assert received.payload == original.payload
    # Booleans and None must stay JSON booleans/null, not the strings nameko
    # makes of non-text exception args.
    assert received.details["deferral_granted"] is False
    assert received.details["rest_day_rolled"] is True
    assert received.details["deferral_id"] is None
    assert received.details["days_late"] == 3
    assert received.details["nested"]["holds"][0]["active"] is True
    assert received.payload["refused"] is True
    assert received.reason_zh == original.reason_zh
    assert received.http_status == 422


@pytest.mark.parametrize("make", [
    lambda: forbidden("审批可行性研究报告", "UNIT", allowed=["FG"]),
    lambda: not_found("项目", "p-1"),
    lambda: state_invalid("项目已暂停", "SUSPENDED", holds=["SUSPENDED"], article="第三十二条"),
    lambda: validation({"name": ["必填项缺失"]}),
    lambda: unauthenticated(),
])
def test_every_helper_survives_rpc(make):
    original = make()
    received = over_the_wire(original)
    assert isinstance(received, Refusal)
    assert not isinstance(received, RemoteError)
    assert received.payload == original.payload
    assert received.http_status == original.http_status


def test_serialised_form_carries_the_payload_as_text():
    # nameko stringifies non-text args; the payload must already be JSON text.
    data = serialize(Refusal(code="DUPLICATE", reason_zh="重复申报", details={"ok": False}))
    assert data["exc_path"] == "itpm_common.errors.Refusal"
    (arg,) = data["exc_args"]
    assert isinstance(arg, str)
    assert json.loads(arg)["details"] == {"ok": False}
    assert "DUPLICATE" in data["value"]


def test_refusal_from_an_explicit_payload_dict():
    payload = {"refused": True, "code": "DUPLICATE", "rule": "R-0-1", "article": "第二十条",
               "reason_zh": "重复", "details": {"existing_project_id": "p-9"}}
    refusal = Refusal(payload)
    assert refusal.payload == payload
    assert over_the_wire(refusal).payload == payload


def test_details_that_are_not_json_become_text():
    when = datetime(2024, 10, 10, 15, 0, tzinfo=SHANGHAI)
    refusal = Refusal(code="STATE-INVALID", reason_zh="x", details={"at": when})
    assert refusal.details == {"at": str(when)}


def test_accessors_and_str():
    refusal = Refusal(code="E10-STAGE-MISSING", rule="R-10-1", article="第十条",
                      reason_zh="缺少初步设计批复")
    assert (refusal.code, refusal.rule, refusal.article) == ("E10-STAGE-MISSING", "R-10-1", "第十条")
    assert refusal.details == {}
    text = str(refusal)
    for part in ("E10-STAGE-MISSING", "R-10-1", "第十条", "缺少初步设计批复"):
        assert part in text


def test_payload_carries_every_field_of_the_section_0_2_shape():
    # rules.md §0.2: "Every refusal has this shape", which includes reason_en.
    payload = state_invalid("项目已暂停", "SUSPENDED").payload
    assert SHAPE_KEYS | {"reason_en"} <= set(payload)


# ------------------------------------------------------------ HTTP status


@pytest.mark.parametrize(("code", "status"), [
    ("AUTH-UNAUTHENTICATED", 401),
    ("AUTH-TOKEN-INVALID", 401),
    ("AUTH-FORBIDDEN", 403),
    ("AUTH-LOCKED", 429),
    ("NOT-FOUND", 404),
    ("STATE-INVALID", 409),
    ("IDEMPOTENCY-CONFLICT", 409),
    ("DUPLICATE", 409),
    ("PAYLOAD-TOO-LARGE", 413),
])
def test_generic_code_status(code, status):
    assert Refusal(code=code, reason_zh="x").http_status == status


def test_malformed_input_is_a_400_not_a_rule_violation():
    # Malformed fields are the client's error (400 with a message per field);
    # 422 is kept for refusals under an article (docs/architecture.md).
    assert validation({"name": ["必填项缺失"]}).http_status == 400


def test_every_generic_code_is_covered_by_the_tests_above():
    # A code added to the table must get a status test too.
    tested = {"AUTH-UNAUTHENTICATED", "AUTH-TOKEN-INVALID", "AUTH-FORBIDDEN", "AUTH-LOCKED", "NOT-FOUND",
              "STATE-INVALID", "IDEMPOTENCY-CONFLICT", "DUPLICATE", "PAYLOAD-TOO-LARGE", "VALIDATION"}
    assert set(GENERIC_STATUS) == tested


@pytest.mark.parametrize("code", ["E26-APPLICATION-OVERDUE", "E06-NOT-IN-SCOPE", "E25-OVER-15-PERCENT"])
def test_article_codes_are_rule_violations_422(code):
    assert Refusal(code=code, rule="R-x", article="第二十六条", reason_zh="x").http_status == 422


# ------------------------------------------------------------ helpers


def test_forbidden_shape_cites_article_4_by_default():
    refusal = forbidden("审批可行性研究报告", "UNIT", allowed=["FG"])
    payload = refusal.payload
    assert SHAPE_KEYS <= set(payload)
    assert payload["refused"] is True
    assert payload["code"] == "AUTH-FORBIDDEN"
    assert payload["rule"] == "R-4-1"
    assert payload["article"] == "第四条"
    assert "审批可行性研究报告" in payload["reason_zh"]
    assert "第四条" in payload["reason_zh"]
    assert payload["details"] == {"role": "UNIT", "allowed_roles": ["FG"]}
    assert refusal.http_status == 403


def test_forbidden_with_another_article():
    refusal = forbidden("确认资金", "ZWB", article="第九条", rule="R-9-8")
    assert (refusal.article, refusal.rule) == ("第九条", "R-9-8")
    assert refusal.details["allowed_roles"] == []


def test_not_found_is_the_same_for_absent_and_hidden():
    absent, hidden = not_found("项目"), not_found("项目")
    assert absent.payload == hidden.payload
    assert absent.code == "NOT-FOUND"
    assert absent.http_status == 404
    assert absent.rule is None and absent.article is None
    assert absent.details == {}
    assert absent.reason_zh == "项目不存在或无权查看"
    assert not_found("合同", "c-1").details == {"id": "c-1"}


def test_state_invalid_carries_current_state_and_holds():
    refusal = state_invalid("项目已暂停，不能付款", "CONSTRUCTION", holds=("SUSPENDED", "COMPLIANCE"),
                            article="第三十二条", rule="R-32-3", payment_id="pay-1")
    payload = refusal.payload
    assert SHAPE_KEYS <= set(payload)
    assert payload["code"] == "STATE-INVALID"
    assert payload["article"] == "第三十二条"
    assert payload["rule"] == "R-32-3"
    assert payload["details"] == {"current_state": "CONSTRUCTION",
                                  "holds": ["SUSPENDED", "COMPLIANCE"], "payment_id": "pay-1"}
    assert refusal.http_status == 409


def test_state_invalid_without_holds_has_an_empty_list():
    assert state_invalid("x", "DRAFT").details == {"current_state": "DRAFT", "holds": []}


def test_validation_lists_field_errors():
    refusal = validation({"plan_year": ["应为整数"]})
    payload = refusal.payload
    assert SHAPE_KEYS <= set(payload)
    assert payload["code"] == "VALIDATION"
    assert payload["rule"] is None and payload["article"] is None
    assert payload["reason_zh"] == "提交的数据不符合要求"
    assert payload["details"] == {"fields": {"plan_year": ["应为整数"]}}


def test_unauthenticated_is_token_invalid_401():
    refusal = unauthenticated()
    assert refusal.code == "AUTH-TOKEN-INVALID"
    assert refusal.http_status == 401
    assert "重新登录" in refusal.reason_zh
