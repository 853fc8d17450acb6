"""marshmallow schemas of review's RPC inputs.

Types and formats are checked here (→ VALIDATION). Whether an opinion covers
what 第八条 requires is a rule, checked in rules.py with the article's own
code, so the aspect texts are optional here.
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from itpm_common.schemas import StrictSchema

from .rules import CRITERIA, JOINT_OUTCOMES, JUDGEMENTS, OUTCOMES, VERDICTS

TEXT_MAX = 5000
OPINION_MAX = 20000
STATUSES = ("OPEN", "CONCLUDED", "RETURNED", "CANCELLED")
KINDS = ("PLAN", "ADHOC")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("不能为空")


def _opinion_text():
    return fields.String(load_default=None, validate=validate.Length(max=TEXT_MAX))


class OpinionSchema(StrictSchema):
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    necessity = _opinion_text()
    feasibility = _opinion_text()
    security = _opinion_text()
    budget = _opinion_text()
    conditions = _opinion_text()


def _judgement():
    return fields.String(required=True, validate=validate.OneOf(JUDGEMENTS))


class CriteriaSchema(StrictSchema):
    policy_need = _judgement()
    intensive_sharing = _judgement()
    content_funding = _judgement()
    security_solution = _judgement()


class ConclusionSchema(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    consolidated_opinion = fields.String(
        required=True, validate=[validate.Length(max=OPINION_MAX), _not_blank])
    criteria = fields.Nested(CriteriaSchema, required=True)
    # R-6-5: a criterion judged NOT_MET is judged with its reason.
    criteria_reasons = fields.Dict(keys=fields.String(validate=validate.OneOf(tuple(CRITERIA))),
                                   values=fields.String(validate=validate.Length(max=TEXT_MAX)), load_default=dict)
    resolution_note = fields.String(load_default=None, validate=validate.Length(max=TEXT_MAX))
    expected_version = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _not_met_has_its_reason(self, data, **kwargs):
        missing = {key: ["判定为“不符合”的条件须说明理由（第六条、R-6-5）"]
                   for key, judgement in (data.get("criteria") or {}).items()
                   if judgement == "NOT_MET" and not (data.get("criteria_reasons") or {}).get(key, "").strip()}
        if missing:
            raise ValidationError(missing, field_name="criteria_reasons")


def _expected_version():
    return fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))


class OpenReviewSchema(StrictSchema):
    """T03 / T12. ``version_no`` is the application version the official
    looked at: a newer one submitted meanwhile makes the opening stale."""

    version_no = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))
    note = fields.String(load_default=None, validate=validate.Length(max=TEXT_MAX))


class ReturnSchema(StrictSchema):
    """T04: the reason is what the department corrects."""

    reason = fields.String(required=True, validate=[validate.Length(max=TEXT_MAX), _not_blank])
    expected_version = _expected_version()


class JointConclusionSchema(StrictSchema):
    """T13/T14: for FAIL the consolidated opinion is the reason."""

    outcome = fields.String(required=True, validate=validate.OneOf(JOINT_OUTCOMES))
    consolidated_opinion = fields.String(
        required=True, validate=[validate.Length(max=OPINION_MAX), _not_blank])
    resolution_note = fields.String(load_default=None, validate=validate.Length(max=TEXT_MAX))
    expected_version = _expected_version()


class ReviewFilterSchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    awaiting_me = fields.Boolean(load_default=False)


class OpeningFilterSchema(StrictSchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
