"""marshmallow schemas of funds' RPC inputs."""

from marshmallow import ValidationError, fields, validate

from itpm_common.schemas import StrictSchema

from .rules import PATHS, RESULTS, STATUSES

NOTE_MAX = 5000


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("不能为空")


class ConfirmationSchema(StrictSchema):
    """财政's funding confirmation (资金落实确认, 第九条)."""

    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    confirmed_amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    note = fields.String(required=True, validate=[validate.Length(max=NOTE_MAX), _not_blank])
    basis_document = fields.String(load_default=None, validate=validate.Length(max=200))
    expected_version = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))


class FundingFilterSchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    path = fields.String(load_default=None, validate=validate.OneOf(PATHS))
    plan_year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100))
    awaiting_me = fields.Boolean(load_default=False)
