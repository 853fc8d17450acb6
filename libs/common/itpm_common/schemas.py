"""marshmallow helpers: one base schema whose errors speak Chinese, and
``load_or_refuse`` that turns validation errors into a VALIDATION refusal
(HTTP 400 with a message per field)."""

from __future__ import annotations

import re

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError

from .errors import validation

_TRANSLATIONS = [
    (re.compile(r"^Missing data for required field\.$"), "必填项缺失"),
    (re.compile(r"^Field may not be null\.$"), "不能为空值"),
    (re.compile(r"^Unknown field\.$"), "未知字段"),
    (re.compile(r"^Not a valid string\.$"), "应为文本"),
    (re.compile(r"^Not a valid integer\.$"), "应为整数"),
    (re.compile(r"^Not a valid number\.$"), "应为数字"),
    (re.compile(r"^Not a valid boolean\.$"), "应为布尔值（true/false）"),
    (re.compile(r"^Not a valid date\.$"), "应为日期（YYYY-MM-DD）"),
    (re.compile(r"^Not a valid datetime\.$"), "应为日期时间（ISO 8601）"),
    (re.compile(r"^Not a valid UUID\.$"), "应为 UUID"),
    (re.compile(r"^Not a valid list\.$"), "应为列表"),
    (re.compile(r"^Not a valid mapping type\.$"), "应为对象"),
    (re.compile(r"^Invalid input type\.$"), "数据类型不正确"),
    (re.compile(r"^Invalid input\.$"), "数据格式不正确"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), r"长度不得少于 \1"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), r"长度不得超过 \1"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), r"长度应在 \1 至 \2 之间"),
    (re.compile(r"^Must be greater than or equal to (.+) and less than or equal to (.+)\.$"),
     r"应在 \1 至 \2 之间"),
    (re.compile(r"^Must be greater than or equal to (.+)\.$"), r"不得小于 \1"),
    (re.compile(r"^Must be less than or equal to (.+)\.$"), r"不得大于 \1"),
    (re.compile(r"^Must be greater than (.+)\.$"), r"必须大于 \1"),
    (re.compile(r"^Must be less than (.+)\.$"), r"必须小于 \1"),
    (re.compile(r"^Must be one of: (.+)\.$"), r"取值必须是以下之一：\1"),
    (re.compile(r"^String does not match expected pattern\.$"), "格式不正确"),
    (re.compile(r"^Not a valid email address\.$"), "电子邮箱格式不正确"),
]


def translate(message: str) -> str:
    for pattern, zh in _TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(zh, message)
    return message


def translate_errors(errors):
    if isinstance(errors, dict):
        return {str(k): translate_errors(v) for k, v in errors.items()}
    if isinstance(errors, list):
        return [translate_errors(e) for e in errors]
    if isinstance(errors, str):
        return translate(errors)
    return errors


class StrictSchema(Schema):
    """Unknown fields are errors: a typo must not be silently dropped."""

    class Meta:
        unknown = RAISE


class LenientSchema(Schema):
    class Meta:
        unknown = EXCLUDE


def load_or_refuse(schema: Schema, payload):
    if not isinstance(payload, dict):
        raise validation({"_schema": ["请求体应为 JSON 对象"]})
    try:
        return schema.load(payload)
    except ValidationError as err:
        raise validation(translate_errors(err.messages)) from None
