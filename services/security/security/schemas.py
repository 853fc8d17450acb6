"""marshmallow schemas of security's RPC inputs."""

from marshmallow import ValidationError, fields, validate, validates_schema

from itpm_common.schemas import StrictSchema

from .rules import CONCLUSIONS, FAIL, PASS_WITH_CONDITIONS, RATINGS, STAGES, STATUSES

TEXT_MAX = 5000
ALL = "ALL"


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("不能为空")


class AssessmentSchema(StrictSchema):
    """网信's assessment of one part of the security chapter."""

    rating = fields.String(required=True, validate=validate.OneOf(RATINGS))
    note = fields.String(required=True, validate=[validate.Length(max=TEXT_MAX), _not_blank])


class AssessmentsSchema(StrictSchema):
    """The four parts of R-14-2 and the crypto content of R-18-1, each assessed."""

    needs_analysis = fields.Nested(AssessmentSchema, required=True)
    tasks_and_content = fields.Nested(AssessmentSchema, required=True)
    protection_design = fields.Nested(AssessmentSchema, required=True)
    investment = fields.Nested(AssessmentSchema, required=True)
    crypto_content = fields.Nested(AssessmentSchema, required=True)


# What the opinion has to say when it is blank, per conclusion.
_OPINION_MUST_SAY = {PASS_WITH_CONDITIONS: "有条件通过时须在意见中写明条件",
                     FAIL: "不通过时须在意见中写明理由"}


class CybersecurityReviewSchema(StrictSchema):
    """网信's cybersecurity review of one submission's security chapter (第四条（二）, 第十四条)."""

    submission_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    conclusion = fields.String(required=True, validate=validate.OneOf(CONCLUSIONS))
    opinion = fields.String(required=True, validate=validate.Length(max=TEXT_MAX))
    assessments = fields.Nested(AssessmentsSchema, required=True)
    important_domain = fields.Boolean(required=True)
    expected_version = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _opinion_says_something(self, data, **kwargs):
        if "opinion" in data and not data["opinion"].strip():
            raise ValidationError(_OPINION_MUST_SAY.get(data.get("conclusion"), "审查意见不能为空"), "opinion")


class ReviewFilterSchema(StrictSchema):
    # 网信's work list by default: what still awaits its conclusion.
    status = fields.String(load_default="PENDING", validate=validate.OneOf((*STATUSES, ALL)))
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))
    plan_year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100))
    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=200))
