"""marshmallow schemas of approval's Chapter 3 inputs. Types and formats only (→ VALIDATION); whether an
item an article requires is present is a rule with the article's own code (submission_rules.py)."""

from __future__ import annotations

from marshmallow import fields, validate

from itpm_common.schemas import StrictSchema

from . import catalog_rules, stages, submission_rules

DIGEST_RE = r"^sha256:[0-9a-f]{64}$"
TEXT = validate.Length(max=20000)
NAME = validate.Length(min=1, max=200)
FEN = validate.Range(min=1, max=10**15)


def _text(**kw):
    return fields.String(load_default=None, allow_none=True, validate=TEXT, **kw)


class DocumentRefSchema(StrictSchema):
    """An upload in the gateway's document store; the gateway checks it is the department's own."""
    digest = fields.String(required=True, validate=validate.Regexp(DIGEST_RE))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    media_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255))


def _doc():
    return fields.Nested(DocumentRefSchema, load_default=None, allow_none=True)


# ---------------------------------------------------------------- Art 15


class ProjectCodeSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RequestCodeSchema(StrictSchema):
    year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100))


# ---------------------------------------------------------------- Art 14 catalog (§6.4)


class DataItemSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    type = fields.String(load_default="", validate=validate.Length(max=50))


class ScopeSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(catalog_rules.CONSUMER_SCOPES))
    departments = fields.List(fields.String(validate=NAME), load_default=list)


class OpenScopeSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(catalog_rules.OPEN_SCOPES))
    organisations = fields.List(fields.String(validate=NAME), load_default=list)
    conditions = _text()


class CatalogEntrySchema(StrictSchema):
    resource_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=NAME)
    summary = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    provider_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    # Missing or unknown share types are R-14-5's own refusal, not a malformed field.
    share_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=24))
    conditions = _text()
    no_share_basis = _text()
    consumer_scope = fields.Nested(ScopeSchema, required=True)
    open_scope = fields.Nested(OpenScopeSchema, required=True)
    sharing_method = fields.String(required=True, validate=validate.Length(min=1, max=100))
    update_frequency = fields.String(required=True, validate=validate.Length(min=1, max=100))
    completeness = fields.String(required=True, validate=validate.Length(min=1, max=500))
    data_items = fields.List(fields.Nested(DataItemSchema), required=True, validate=validate.Length(min=1))
    format = fields.String(load_default="", validate=validate.Length(max=50))
    classification = fields.String(load_default="", validate=validate.Length(max=100))
    release_date = fields.Date(load_default=None, allow_none=True)
    related_codes = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)


class ResourceCatalogSchema(StrictSchema):
    entries = fields.List(fields.Nested(CatalogEntrySchema), required=True, validate=validate.Length(min=1))
    sharing_mechanism = _text()
    feedback_mechanism = _text()
    framework_allocation_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    cannot_share = fields.Boolean(load_default=False)
    cannot_share_basis = _text()


# ---------------------------------------------------------------- stage submissions (§6.3)


class DocumentsSchema(StrictSchema):
    proposal = _doc()
    fsr = _doc()
    pd = _doc()


class PlanListingEvidenceSchema(StrictSchema):
    plan_level = fields.String(required=True, validate=validate.OneOf(("NATIONAL", "PROVINCIAL", "MUNICIPAL")))
    plan_name = fields.String(required=True, validate=NAME)
    item = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    document = _doc()


class UrgentBasisSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(submission_rules.URGENT_BASIS_KINDS))
    issuer = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(("党中央", "国务院", "省委", "省政府", "市委", "市政府")))
    reason = _text()
    document = _doc()


class SharingChapterSchema(StrictSchema):
    content = _text()
    document = _doc()


class SecurityChapterSchema(StrictSchema):
    needs_analysis = _text()
    tasks_and_content = _text()
    protection_design = _text()
    investment_fen = fields.Integer(load_default=None, allow_none=True, strict=True,
                                    validate=validate.Range(min=0, max=10**15))
    crypto_content = _text()
    tiered_protection_summary = _text()


class CryptoEvaluationSchema(StrictSchema):
    evaluator = fields.String(required=True, validate=NAME)
    evaluator_kind = fields.String(required=True, validate=validate.OneOf(("EXPERT_PANEL", "TESTING_INSTITUTION")))
    evaluated_on = fields.Date(required=True)
    conclusion = fields.String(required=True, validate=validate.OneOf(("PASS", "PASS_WITH_CHANGES", "FAIL")))
    document = _doc()


class CryptoPlanSchema(StrictSchema):
    document = _doc()
    evaluation = fields.Nested(CryptoEvaluationSchema, load_default=None, allow_none=True)


class ProductSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    supplier = fields.String(required=True, validate=NAME)
    status = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReliabilityStatementSchema(StrictSchema):
    products = fields.List(fields.Nested(ProductSchema), load_default=list)
    document = _doc()


class EnergyTargetSchema(StrictSchema):
    design_pue = fields.String(required=True, validate=validate.Regexp(r"^[1-3]\.\d{1,2}$"))
    notes = _text()


class InfrastructureItemSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(("USED", "NOT_APPLICABLE", "NOT_USED")))
    justification = _text()


class InfrastructureSchema(StrictSchema):
    egov_network = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)
    gov_cloud = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)
    bigdata_center = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)
    lyg_app = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)


class PreapprovalItemSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(("OBTAINED", "NOT_APPLICABLE_BY_LAW")))
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    legal_reason = _text()
    document = _doc()


class PreapprovalsSchema(StrictSchema):
    energy_assessment = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)
    site_selection = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)
    land_pre_review = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)
    environmental_impact = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)


class LinkageSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    level = fields.String(required=True, validate=validate.OneOf(("NATIONAL", "PROVINCIAL", "COUNTY")))
    owner = fields.String(required=True, validate=NAME)
    interface = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class OtherLevelPartSchema(StrictSchema):
    level = fields.String(required=True, validate=validate.OneOf(("NATIONAL", "PROVINCIAL", "COUNTY")))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    approval_reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class CrossLevelSchema(StrictSchema):
    levels = fields.List(fields.String(validate=validate.OneOf(("NATIONAL", "PROVINCIAL", "COUNTY"))),
                         load_default=list)
    linkages = fields.List(fields.Nested(LinkageSchema), load_default=list)
    linkage_none = fields.Boolean(load_default=False)
    municipal_portion_only = fields.Boolean(load_default=False)
    other_level_parts = fields.List(fields.Nested(OtherLevelPartSchema), load_default=list)


class CollectedItemSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    source = fields.String(required=True, validate=validate.OneOf(("SHARING", "COLLECT")))
    justification = _text()


class SimilarSystemSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    owner = fields.String(required=True, validate=NAME)
    reason_not_reused = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class LineItemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=NAME)
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**15))


class EstimateSchema(StrictSchema):
    total_fen = fields.Integer(required=True, strict=True, validate=FEN)
    line_items = fields.List(fields.Nested(LineItemSchema), required=True, validate=validate.Length(min=1))


class ContentItemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=NAME)


class SubmissionSchema(StrictSchema):
    total_investment_fen = fields.Integer(required=True, strict=True, validate=FEN)
    documents = fields.Nested(DocumentsSchema, load_default=dict)
    # Flags the department declares (rules.md §3.2 attributes); classified comes from the project registry.
    important_domain = fields.Boolean(load_default=False)
    new_civil_works = fields.Boolean(load_default=False)
    high_energy = fields.Boolean(load_default=False)
    new_data_center = fields.Boolean(load_default=False)
    cross_department = fields.Boolean(load_default=False)
    plan_listing_evidence = fields.Nested(PlanListingEvidenceSchema, load_default=None, allow_none=True)
    urgent_basis = fields.Nested(UrgentBasisSchema, load_default=None, allow_none=True)
    urgency_statement = _text()
    sharing_chapter = fields.Nested(SharingChapterSchema, load_default=None, allow_none=True)
    security_chapter = fields.Nested(SecurityChapterSchema, load_default=None, allow_none=True)
    crypto_plan = fields.Nested(CryptoPlanSchema, load_default=None, allow_none=True)
    reliability_statement = fields.Nested(ReliabilityStatementSchema, load_default=None, allow_none=True)
    energy_efficiency_target = fields.Nested(EnergyTargetSchema, load_default=None, allow_none=True)
    infrastructure = fields.Nested(InfrastructureSchema, load_default=None, allow_none=True)
    preapprovals = fields.Nested(PreapprovalsSchema, load_default=None, allow_none=True)
    cross_level = fields.Nested(CrossLevelSchema, load_default=None, allow_none=True)
    data_items = fields.List(fields.Nested(CollectedItemSchema), load_default=list)
    similar_systems = fields.List(fields.Nested(SimilarSystemSchema), load_default=list)
    cannot_share = fields.Boolean(load_default=False)
    cannot_share_basis = _text()
    catalog_version = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))
    estimate = fields.Nested(EstimateSchema, load_default=None, allow_none=True)
    content_items = fields.List(fields.Nested(ContentItemSchema), load_default=list)
    notes = _text()


# ---------------------------------------------------------------- FG's decisions


class ReasonSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    expected_version = fields.Integer(load_default=None, strict=True)


class ReturnSchema(ReasonSchema):
    return_code = fields.String(load_default=None, allow_none=True,
                                validate=validate.OneOf((stages.SEPARATE_STAGES_REQUIRED,)))


class DepthSchema(StrictSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class Art11FlagsSchema(StrictSchema):
    new_civil_works = fields.Boolean(load_default=None, allow_none=True)
    high_energy = fields.Boolean(load_default=None, allow_none=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class SharingStatusSchema(StrictSchema):
    completeness = _text()
    timeliness = _text()


class GovernmentDecisionSchema(StrictSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200))
    decided_on = fields.Date(required=True)


class DecisionSchema(StrictSchema):
    sharing_chapter_opinion = _text()
    security_chapter_opinion = _text()
    sharing_status = fields.Nested(SharingStatusSchema, load_default=None, allow_none=True)
    security_status = _text()
    evaluation_refs = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list)
    evaluation_none_available = fields.Boolean(load_default=False)
    approved_estimate_fen = fields.Integer(load_default=None, allow_none=True, strict=True, validate=FEN)
    line_items = fields.List(fields.Nested(LineItemSchema), load_default=None, allow_none=True)
    opinion = _text()
    government_decision = fields.Nested(GovernmentDecisionSchema, load_default=None, allow_none=True)
    expected_version = fields.Integer(load_default=None, strict=True)


class RequestSchema(StrictSchema):
    sharing_chapter_opinion = _text()
    security_chapter_opinion = _text()
    subject = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    expected_version = fields.Integer(load_default=None, strict=True)


class ApprovalFilterSchema(StrictSchema):
    stage_state = fields.String(load_default=None, validate=validate.OneOf(stages.STAGE_STATES))
    awaiting_me = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=200))
