"""marshmallow schemas of funds' RPC inputs."""

from marshmallow import ValidationError, fields, validate, validates_schema

from itpm_common.schemas import StrictSchema

from .estimate_rules import STAGES as ESTIMATE_STAGES
from .estimate_rules import STATUSES as ESTIMATE_STATUSES
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


OPINION_MAX = 10000
LINE_ITEMS_MAX = 500


class LineItemSchema(StrictSchema):
    """One 概算 line as 财政 reviewed it (the submission's shape: code, name, amount)."""

    code = fields.String(required=True, validate=[validate.Length(min=1, max=40), _not_blank])
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), _not_blank])
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class EstimateConclusionSchema(StrictSchema):
    """财政's estimate review conclusion (概算审核, 第十条, R-10-3)."""

    submission_id = fields.String(required=True, validate=[validate.Length(min=1, max=36), _not_blank])
    reviewed_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    opinion = fields.String(required=True, validate=[validate.Length(max=OPINION_MAX), _not_blank])
    line_items = fields.List(fields.Nested(LineItemSchema), load_default=None,
                             validate=validate.Length(min=1, max=LINE_ITEMS_MAX))
    expected_version = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _items_sum_to_the_reviewed_total(self, data, **kwargs):
        items, total = data.get("line_items"), data.get("reviewed_fen")
        if items is None or total is None:
            return
        codes = [item["code"].strip() for item in items]
        if len(set(codes)) != len(codes):
            raise ValidationError("明细编码不得重复", field_name="line_items")
        items_total = sum(item["amount_fen"] for item in items)
        if items_total != total:
            raise ValidationError(f"审核后明细合计 {items_total} 分，与审核金额 {total} 分不符，须完全相等",
                                  field_name="line_items")


class EstimateFilterSchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(ESTIMATE_STATUSES))
    stage = fields.String(load_default=None, validate=validate.OneOf(ESTIMATE_STAGES))
    plan_year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100))
    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    awaiting_me = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=200))
