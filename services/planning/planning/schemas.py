"""marshmallow schemas of planning's RPC inputs and outputs.

Types and formats are checked here (→ VALIDATION, HTTP 400). Whether an
item the regulation requires is present is a rule, checked in rules.py with
the article's own code (rules.md §6: "Missing documents required by an
article never use VALIDATION").
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from itpm_common.schemas import StrictSchema

CATEGORIES = ("BUILD", "OM")
BUILD_KINDS = ("NEW", "UPGRADE", "EXPAND")
BASIS_LEVELS = ("党中央/国务院", "省委/省政府", "市委/市政府", "国家部委", "省级部门")
FUNDING_TYPES = ("MUNICIPAL", "SUPERIOR", "OTHER")
# Art 2's list is introduced by 主要包括: illustrative, so OTHER is allowed with a description.
SYSTEM_TYPES = ("EGOV_NETWORK", "BUSINESS_SYSTEM", "RESOURCE_DB", "SECURITY_INFRA", "EGOV_INFRA",
                "STANDARDS", "SUPPORT", "OTHER")
PLAN_ORIGINS = ("PLAN", "SUPERIOR_FUNDED")
ADHOC_ORIGINS = ("ADHOC", "SUPERIOR_FUNDED")
ADHOC_REASONS = ("SUPERIOR_REQUIREMENT", "WORK_NEED")
SHARING_LEVELS = ("FULL", "PARTIAL", "NONE")
DIGEST_RE = r"^sha256:[0-9a-f]{64}$"


class DocumentRefSchema(StrictSchema):
    digest = fields.String(required=True, validate=validate.Regexp(DIGEST_RE))
    size = fields.Integer(required=True, validate=validate.Range(min=1))
    media_type = fields.String(required=True)
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255))


class PolicyBasisSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    doc_number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    level = fields.String(required=True, validate=validate.OneOf(BASIS_LEVELS))


class FundingSourceSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(FUNDING_TYPES))
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class SystemRefSchema(StrictSchema):
    existing_system_id = fields.String(load_default=None, validate=validate.Length(max=64))
    new_system_name = fields.String(load_default=None, validate=validate.Length(max=200))


class InfrastructureSchema(StrictSchema):
    egov_network = fields.Boolean(required=True)
    gov_cloud = fields.Boolean(required=True)
    bigdata_center = fields.Boolean(required=True)
    lyg_app = fields.Boolean(required=True)
    notes = fields.String(load_default="")


class FlagsSchema(StrictSchema):
    classified = fields.Boolean(load_default=False)
    important_domain = fields.Boolean(load_default=False)
    cross_department = fields.Boolean(load_default=False)
    cross_level = fields.Boolean(load_default=False)
    new_civil_works = fields.Boolean(load_default=False)
    high_energy = fields.Boolean(load_default=False)
    new_data_center = fields.Boolean(load_default=False)
    cannot_share = fields.Boolean(load_default=False)


class InternalReviewSchema(StrictSchema):
    necessity = fields.Boolean(load_default=False)
    feasibility = fields.Boolean(load_default=False)
    completeness = fields.Boolean(load_default=False)
    conformity = fields.Boolean(load_default=False)
    signed_by = fields.String(load_default=None, validate=validate.Length(max=50))


class DocumentsSchema(StrictSchema):
    application_form = fields.Nested(DocumentRefSchema, load_default=None)
    project_plan = fields.Nested(DocumentRefSchema, load_default=None)


class ScopeSchema(StrictSchema):
    """R-2-1: a municipal budget unit's project paid from budget funds, of a 政务信息系统 type."""

    budget_unit = fields.Boolean(required=True)
    budget_funds = fields.Boolean(required=True)
    system_type = fields.String(required=True, validate=validate.OneOf(SYSTEM_TYPES))
    system_type_note = fields.String(load_default="", validate=validate.Length(max=500))


class OmStatusSchema(StrictSchema):
    """§6.1 item 21: an O&M application states how the running system shares and is secured."""

    sharing_completeness = fields.String(load_default=None, validate=validate.OneOf(SHARING_LEVELS))
    sharing_timeliness = fields.String(load_default=None, validate=validate.OneOf(SHARING_LEVELS))
    protection_level = fields.Integer(load_default=None, strict=True, validate=validate.Range(1, 5))
    last_security_test_on = fields.Date(load_default=None)
    crypto_assessment = fields.String(load_default="", validate=validate.Length(max=500))


class SuperiorFundingSchema(StrictSchema):
    amount_fen = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))
    document = fields.Nested(DocumentRefSchema, load_default=None)
    issuer = fields.String(load_default="", validate=validate.Length(max=200))


class ApplicationContentSchema(StrictSchema):
    """What a plan and an ad-hoc application share (§6.1 items 1–16, 18–21)."""

    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    build_kind = fields.String(load_default=None, validate=validate.OneOf(BUILD_KINDS))
    system = fields.Nested(SystemRefSchema, required=True)
    policy_basis = fields.List(fields.Nested(PolicyBasisSchema), load_default=list)
    need = fields.String(load_default="", validate=validate.Length(max=5000))
    objectives = fields.String(load_default="", validate=validate.Length(max=5000))
    intensive_sharing = fields.String(load_default="", validate=validate.Length(max=5000))
    infrastructure = fields.Nested(InfrastructureSchema, load_default=None)
    standards = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                            load_default=list)
    content = fields.String(load_default="", validate=validate.Length(max=10000))
    estimate_fen = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))
    funding_sources = fields.List(fields.Nested(FundingSourceSchema), load_default=list)
    security_solution = fields.String(load_default="", validate=validate.Length(max=5000))
    flags = fields.Nested(FlagsSchema, load_default=lambda: FlagsSchema().load({}))
    internal_review = fields.Nested(InternalReviewSchema, load_default=None)
    documents = fields.Nested(DocumentsSchema, load_default=lambda: {})
    truthfulness_declared_by = fields.String(load_default=None, validate=validate.Length(max=50))
    scope = fields.Nested(ScopeSchema, load_default=None)
    om_status = fields.Nested(OmStatusSchema, load_default=None)
    superior_funding = fields.Nested(SuperiorFundingSchema, load_default=None)


class PlanApplicationSchema(ApplicationContentSchema):
    """T01. ``project_id`` names the department's draft or returned application to submit as a new version."""

    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    origin = fields.String(load_default="PLAN", validate=validate.OneOf(PLAN_ORIGINS))
    rank = fields.Integer(load_default=None, strict=True)


class AdHocApplicationSchema(ApplicationContentSchema):
    """T10: outside the annual plan (Art 9); no rank and no call window (§6.2)."""

    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    origin = fields.String(load_default=None, validate=validate.OneOf(ADHOC_ORIGINS))
    adhoc_reason = fields.String(load_default=None, validate=validate.OneOf(ADHOC_REASONS))
    requirement_document = fields.Nested(DocumentRefSchema, load_default=None)


class DraftSchema(StrictSchema):
    """A draft keeps whatever the department has typed so far; only the name and year are needed."""

    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    kind = fields.String(load_default="PLAN", validate=validate.OneOf(("PLAN", "ADHOC")))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    content = fields.Dict(load_default=dict)


class CallSchema(StrictSchema):
    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    notice = fields.String(load_default="", validate=validate.Length(max=2000))


class CloseCallSchema(StrictSchema):
    expected_version = fields.Integer(load_default=None, strict=True)


class WithdrawSchema(StrictSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class RankingSchema(StrictSchema):
    """R-7-3: the department's whole order for one year and category, most urgent first."""

    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    order = fields.List(fields.String(validate=validate.Length(min=1, max=36)), required=True,
                        validate=validate.Length(min=1, max=500))


class SpecialReportSchema(StrictSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=100))
    reported_on = fields.Date(required=True)
    summary = fields.String(load_default="", validate=validate.Length(max=2000))


class CompilePlanSchema(StrictSchema):
    """政务办's draft: each section's order, most important first; omitted sections keep the default order."""

    title = fields.String(load_default=None, validate=validate.Length(min=2, max=200))
    build_order = fields.List(fields.String(validate=validate.Length(min=1, max=36)), load_default=None)
    om_order = fields.List(fields.String(validate=validate.Length(min=1, max=36)), load_default=None)


class SubmitPlanSchema(StrictSchema):
    expected_version = fields.Integer(load_default=None, strict=True)


class StrikeSchema(StrictSchema):
    project_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class PlanDecisionSchema(StrictSchema):
    """The leading group's decision on a submitted plan version (T07, T08, R-8-5)."""

    document_number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    struck = fields.List(fields.Nested(StrikeSchema), load_default=list)
    expected_version = fields.Integer(load_default=None, strict=True)


class ProjectSchema(StrictSchema):
    id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    name = fields.String()
    category = fields.String()
    build_kind = fields.String(allow_none=True)
    origin = fields.String()
    plan_year = fields.Integer()
    state = fields.String()
    estimate_fen = fields.Integer()
    classified = fields.Boolean()
    rank = fields.Integer(allow_none=True)
    current_version_no = fields.Integer()
    returned_reason = fields.String(allow_none=True)
    adhoc_reason = fields.String(allow_none=True)
    superior_funding_fen = fields.Integer()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


# The holds of rules.md §3.4. Planning records none yet (they are raised in
# later stages), so a listing filtered on one is empty until they exist.
HOLDS = ("RECTIFYING", "SUSPENDED", "INVESTMENT_DEFERRED", "SHARING_NONCOMPLIANT", "DUPLICATE_COLLECTION",
         "CRYPTO_NONCOMPLIANT", "CYBERSEC_NONCOMPLIANT", "GRADED_PROTECTION_UNMET", "MAJOR_SECURITY_HAZARD",
         "NON_SHARING_UNAPPROVED")
HOLD_FILTERS = ("ANY", "NONE", *HOLDS)
SORT_FIELDS = ("created_at", "updated_at", "name", "unit_name", "plan_year", "estimate_fen", "state")
SORT_ORDERS = ("asc", "desc")
# 1,000 亿元 in fen: far above any municipal project, below every database's integer limit.
MAX_AMOUNT_FEN = 10_000_000_000_000


class ProjectFilterSchema(StrictSchema):
    plan_year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100))
    unit_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    state = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    hold = fields.String(load_default=None, validate=validate.OneOf(HOLD_FILTERS))
    estimate_min_fen = fields.Integer(load_default=None, validate=validate.Range(0, MAX_AMOUNT_FEN))
    estimate_max_fen = fields.Integer(load_default=None, validate=validate.Range(0, MAX_AMOUNT_FEN))
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    sort = fields.String(load_default="created_at", validate=validate.OneOf(SORT_FIELDS))
    order = fields.String(load_default="desc", validate=validate.OneOf(SORT_ORDERS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _amount_range_in_order(self, data, **kwargs):
        low, high = data.get("estimate_min_fen"), data.get("estimate_max_fen")
        if low is not None and high is not None and low > high:
            raise ValidationError("金额下限不得大于上限", field_name="estimate_min_fen")


class DashboardFilterSchema(StrictSchema):
    plan_year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100))


class OverallPlanItemSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    unit_id = fields.String(load_default=None, validate=validate.Length(max=64))
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class OverallPlanSchema(StrictSchema):
    """政务办's draft of the overall plan (总体规划, Art 4(一)) for a period of years."""

    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    period_from = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    period_to = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    items = fields.List(fields.Nested(OverallPlanItemSchema), required=True, validate=validate.Length(min=1, max=500))


class OverallPlanDecisionSchema(StrictSchema):
    document_number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    expected_version = fields.Integer(load_default=None, strict=True)
