"""marshmallow schemas of the technical review's RPC inputs (→ VALIDATION).

Whether a judgement fits the submission it is about is checked against
the stored submission in ``rules.judgement_problems`` (also VALIDATION)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from itpm_common.schemas import StrictSchema

from ..rules import VERDICTS
from .rules import IN_REVIEW, OUTCOMES, PENDING, STAGES

TEXT_MAX = 5000
OPINION_MAX = 20000


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("不能为空")


def _text(required: bool = False, limit: int = TEXT_MAX):
    checks = [validate.Length(max=limit), _not_blank]
    if required:
        return fields.String(required=True, validate=checks)
    return fields.String(load_default=None, allow_none=True, validate=checks)


def _submission_id():
    return fields.String(required=True, validate=[validate.Length(min=1, max=36), _not_blank])


def _digest():
    # The digest the official looked at: the review is of that exact version.
    return fields.String(load_default=None, validate=validate.Length(min=1, max=64))


def _expected_version():
    return fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))


class OpenTechnicalSchema(StrictSchema):
    submission_id = _submission_id()
    digest = _digest()
    note = _text()


class TechnicalOpinionSchema(StrictSchema):
    submission_id = _submission_id()
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    opinion = _text(required=True)
    conditions = _text()

    @validates_schema
    def _conditions_go_with_a_conditional_verdict(self, data, **kwargs):
        conditional = data.get("verdict") == "AGREE_WITH_CONDITIONS"
        if conditional and not data.get("conditions"):
            raise ValidationError("附条件同意须写明所附条件", field_name="conditions")
        if not conditional and data.get("conditions"):
            raise ValidationError("只有附条件同意的意见才附条件", field_name="conditions")


class AcceptedItemSchema(StrictSchema):
    item = _text(required=True, limit=200)
    note = _text(required=True)


class TechnicalConclusionSchema(StrictSchema):
    """For FAIL the consolidated opinion is the reason; PASS_WITH_CONDITIONS
    names its conditions, which the department acknowledges in approval."""

    submission_id = _submission_id()
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    consolidated_opinion = _text(required=True, limit=OPINION_MAX)
    conditions = _text()
    catalog_exemption = fields.Boolean(load_default=False)
    accepted_duplicate_items = fields.List(fields.Nested(AcceptedItemSchema), load_default=list)
    similar_systems_accepted = fields.Boolean(load_default=False)
    universal_entries = fields.List(fields.String(validate=[validate.Length(max=64), _not_blank]),
                                    load_default=list)
    linkage_none_confirmed = fields.Boolean(load_default=False)
    digest = _digest()
    expected_version = _expected_version()

    @validates_schema
    def _conditions_go_with_their_outcome(self, data, **kwargs):
        conditional = data.get("outcome") == "PASS_WITH_CONDITIONS"
        if conditional and not data.get("conditions"):
            raise ValidationError("附条件通过须写明条件（第十条、R-10-2）", field_name="conditions")
        if not conditional and data.get("conditions"):
            raise ValidationError("只有附条件通过的结论才附条件", field_name="conditions")


class CarryOverSchema(StrictSchema):
    """A-09: ``check_note`` says what 政务办 compared between the versions;
    without ``consolidated_opinion`` the earlier one is carried over."""

    submission_id = _submission_id()
    from_review_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    check_note = _text(required=True)
    consolidated_opinion = _text(limit=OPINION_MAX)
    digest = _digest()


class TechnicalFilterSchema(StrictSchema):
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))
    status = fields.String(load_default=None, validate=validate.OneOf((PENDING, IN_REVIEW)))
    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    awaiting_me = fields.Boolean(load_default=False)
