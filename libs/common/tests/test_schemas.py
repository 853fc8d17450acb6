"""Validation errors in Chinese, and load_or_refuse as a VALIDATION refusal."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields, validate

from itpm_common.errors import Refusal
from itpm_common.schemas import LenientSchema, StrictSchema, load_or_refuse, translate, translate_errors

# Every message of the translation table, with the Chinese the user sees.
TABLE = [
    ("Missing data for required field.", "必填项缺失"),
    ("Field may not be null.", "不能为空值"),
    ("Unknown field.", "未知字段"),
    ("Not a valid string.", "应为文本"),
    ("Not a valid integer.", "应为整数"),
    ("Not a valid number.", "应为数字"),
    ("Not a valid boolean.", "应为布尔值（true/false）"),
    ("Not a valid date.", "应为日期（YYYY-MM-DD）"),
    ("Not a valid datetime.", "应为日期时间（ISO 8601）"),
    ("Not a valid UUID.", "应为 UUID"),
    ("Not a valid list.", "应为列表"),
    ("Not a valid mapping type.", "应为对象"),
    ("Invalid input type.", "数据类型不正确"),
    ("Invalid input.", "数据格式不正确"),
    ("Shorter than minimum length 2.", "长度不得少于 2"),
    ("Longer than maximum length 200.", "长度不得超过 200"),
    ("Length must be between 1 and 255.", "长度应在 1 至 255 之间"),
    ("Must be greater than or equal to 1.", "不得小于 1"),
    ("Must be less than or equal to 100.", "不得大于 100"),
    ("Must be greater than 0.", "必须大于 0"),
    ("Must be less than 10.", "必须小于 10"),
    ("Must be greater than or equal to 2020 and less than or equal to 2100.", "应在 2020 至 2100 之间"),
    ("Must be one of: A, B, C.", "取值必须是以下之一：A, B, C"),
    ("String does not match expected pattern.", "格式不正确"),
    ("Not a valid email address.", "电子邮箱格式不正确"),
]


@pytest.mark.parametrize(("english", "chinese"), TABLE)
def test_translate_table(english, chinese):
    assert translate(english) == chinese


def test_untranslated_message_passes_through():
    assert translate("Something new.") == "Something new."
    assert translate("已经是中文") == "已经是中文"


def test_translate_errors_walks_nested_structures():
    errors = {"items": {0: {"amount_fen": ["Not a valid integer."]}},
              "name": ["Missing data for required field.", "custom"], "n": 3}
    assert translate_errors(errors) == {"items": {"0": {"amount_fen": ["应为整数"]}},
                                        "name": ["必填项缺失", "custom"], "n": 3}


class PlanApplication(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    category = fields.String(required=True, validate=validate.OneOf(["A", "B"]))
    estimate_fen = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))
    classified = fields.Boolean(load_default=False)
    items = fields.List(fields.Integer(strict=True), load_default=list)


VALID = {"name": "一网通办平台", "plan_year": 2025, "category": "A"}


def refusal_for(schema: Schema, payload) -> Refusal:
    with pytest.raises(Refusal) as caught:
        load_or_refuse(schema, payload)
    refusal = caught.value
    assert refusal.code == "VALIDATION"
    assert refusal.rule is None and refusal.article is None
    return refusal


def test_valid_payload_is_loaded():
    assert load_or_refuse(PlanApplication(), VALID) == {**VALID, "estimate_fen": None, "classified": False,
                                                        "items": []}


def test_missing_fields():
    fields_ = refusal_for(PlanApplication(), {"name": "一网通办平台"}).details["fields"]
    assert fields_ == {"plan_year": ["必填项缺失"], "category": ["必填项缺失"]}


def test_unknown_field_is_refused_not_dropped():
    fields_ = refusal_for(PlanApplication(), {**VALID, "plan_yaer": 2025}).details["fields"]
    assert fields_ == {"plan_yaer": ["未知字段"]}


def test_mistyped_fields():
    payload = {**VALID, "plan_year": "2025", "estimate_fen": 1.5, "classified": "maybe", "items": "1,2"}
    fields_ = refusal_for(PlanApplication(), payload).details["fields"]
    assert fields_ == {"plan_year": ["应为整数"], "estimate_fen": ["应为整数"],
                       "classified": ["应为布尔值（true/false）"], "items": ["应为列表"]}


def test_null_for_a_non_nullable_field():
    assert refusal_for(PlanApplication(), {**VALID, "name": None}).details["fields"] == {"name": ["不能为空值"]}


def test_list_item_errors_keep_their_index_as_text():
    fields_ = refusal_for(PlanApplication(), {**VALID, "items": [1, "x"]}).details["fields"]
    assert fields_ == {"items": {"1": ["应为整数"]}}


def test_validator_messages():
    fields_ = refusal_for(PlanApplication(), {**VALID, "name": "一", "category": "Z",
                                              "estimate_fen": 0}).details["fields"]
    assert fields_ == {"name": ["长度应在 2 至 200 之间"], "category": ["取值必须是以下之一：A, B"],
                       "estimate_fen": ["不得小于 1"]}


def test_range_with_both_bounds_as_marshmallow_words_it():
    # plan_year uses Range(2020, 2100); the user must read one Chinese sentence.
    fields_ = refusal_for(PlanApplication(), {**VALID, "plan_year": 1999}).details["fields"]
    assert fields_ == {"plan_year": ["应在 2020 至 2100 之间"]}


@pytest.mark.parametrize("payload", [None, [], ["name"], "name=x", 42, True])
def test_non_object_payload(payload):
    refusal = refusal_for(PlanApplication(), payload)
    assert refusal.details == {"fields": {"_schema": ["请求体应为 JSON 对象"]}}
    assert refusal.reason_zh == "提交的数据不符合要求"


def test_refusal_survives_as_json_with_chinese():
    refusal = refusal_for(PlanApplication(), {})
    assert "必填项缺失" in refusal.args[0]  # readable text, not \u escapes


def test_lenient_schema_drops_unknown_fields():
    class Filter(LenientSchema):
        plan_year = fields.Integer(load_default=None)

    assert load_or_refuse(Filter(), {"plan_year": 2025, "utm_source": "x"}) == {"plan_year": 2025}


def test_strict_schema_subclasses_stay_strict():
    class Child(PlanApplication):
        extra = fields.String()

    assert refusal_for(Child(), {**VALID, "other": 1}).details["fields"] == {"other": ["未知字段"]}
