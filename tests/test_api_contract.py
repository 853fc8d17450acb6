"""The gateway documents request bodies with its own copies of the services'
schemas (it may not import service code). This checks the copies against the
services' schemas field by field, type and allowed values, so the published
API cannot drift from what the services accept."""

import pytest
from marshmallow import Schema, fields, validate

import approval.schemas as approval
import approval.schemas_framework as framework
import funds.schemas as funds
import gateway.routes_framework as gw_framework
import gateway.routes_funds as gw_funds
import gateway.routes_security as gw_security
import gateway.routes_technical_review as gw_technical
import gateway.schemas as gw
import gateway.schemas_approval as gwa
import gateway.schemas_planning as gwp
import planning.schemas as planning
import review.schemas as review
import review.technical.schemas as technical
import security.schemas as security

PAIRS = [
    (gw.PlanApplicationSchema, planning.PlanApplicationSchema),
    (gw.AdHocApplicationSchema, planning.AdHocApplicationSchema),
    (gwp.CallSchema, planning.CallSchema),
    (gwp.CloseCallSchema, planning.CloseCallSchema),
    (gwp.DraftSchema, planning.DraftSchema),
    (gwp.WithdrawSchema, planning.WithdrawSchema),
    (gwp.RankingSchema, planning.RankingSchema),
    (gwp.SpecialReportSchema, planning.SpecialReportSchema),
    (gwp.CompilePlanSchema, planning.CompilePlanSchema),
    (gwp.SubmitPlanSchema, planning.SubmitPlanSchema),
    (gwp.PlanDecisionSchema, planning.PlanDecisionSchema),
    (gwp.OverallPlanSchema, planning.OverallPlanSchema),
    (gwp.OverallPlanDecisionSchema, planning.OverallPlanDecisionSchema),
    (gw.OpinionSchema, review.OpinionSchema),
    (gw.ConclusionSchema, review.ConclusionSchema),
    (gw_funds.FundingConfirmationSchema, funds.ConfirmationSchema),
    (gw_funds.EstimateConclusionSchema, funds.EstimateConclusionSchema),
    (gw_funds.EstimateQuerySchema, funds.EstimateFilterSchema),
    (gw_security.CybersecurityReviewSchema, security.CybersecurityReviewSchema),
    (gw_security.CybersecurityQuerySchema, security.ReviewFilterSchema),
    (gw.OpenReviewSchema, review.OpenReviewSchema),
    (gw.ReturnSchema, review.ReturnSchema),
    (gw.JointConclusionSchema, review.JointConclusionSchema),
    (gw.ReviewQuerySchema, review.ReviewFilterSchema),
    (gw.OpeningQuerySchema, review.OpeningFilterSchema),
    (gw.ProjectQuerySchema, planning.ProjectFilterSchema),
    (gw.DashboardQuerySchema, planning.DashboardFilterSchema),
    (gw_technical.OpenTechnicalReviewSchema, technical.OpenTechnicalSchema),
    (gw_technical.TechnicalOpinionSchema, technical.TechnicalOpinionSchema),
    (gw_technical.TechnicalConclusionSchema, technical.TechnicalConclusionSchema),
    (gw_technical.CarryOverSchema, technical.CarryOverSchema),
    (gw_technical.TechnicalWorkQuerySchema, technical.TechnicalFilterSchema),
    (gw_framework.FrameworkContentSchema, framework.FrameworkContentSchema),
    (gw_framework.FrameworkEditSchema, framework.FrameworkEditSchema),
    (gw_framework.FrameworkConfirmSchema, framework.FrameworkConfirmSchema),
    (gw_framework.FrameworkDetermineSchema, framework.FrameworkDetermineSchema),
    (gw_framework.FrameworkQuerySchema, framework.FrameworkFilterSchema),
    # 发改's approval (Chapter 3)
    (gwa.ProjectCodeSchema, approval.ProjectCodeSchema),
    (gwa.RequestCodeSchema, approval.RequestCodeSchema),
    (gwa.ResourceCatalogSchema, approval.ResourceCatalogSchema),
    (gwa.SubmissionSchema, approval.SubmissionSchema),
    (gwa.ReasonSchema, approval.ReasonSchema),
    (gwa.ReturnSchema, approval.ReturnSchema),
    (gwa.DepthSchema, approval.DepthSchema),
    (gwa.Art11FlagsSchema, approval.Art11FlagsSchema),
    (gwa.DecisionSchema, approval.DecisionSchema),
    (gwa.RequestSchema, approval.RequestSchema),
    (gwa.ApprovalQuerySchema, approval.ApprovalFilterSchema),
]


def _choices(field) -> tuple | None:
    validators = field.validators if isinstance(field.validators, list | tuple) else [field.validators]
    for v in validators:
        if isinstance(v, validate.OneOf):
            return tuple(sorted(v.choices))
    return None


def describe(schema: Schema | type[Schema]) -> dict:
    """Field name → (kind, required, allowed values, nested description)."""
    schema = schema() if isinstance(schema, type) else schema
    out = {}
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, fields.List) else None
        nested = field if isinstance(field, fields.Nested) else inner if isinstance(inner, fields.Nested) else None
        out[name] = (
            type(field).__name__,
            type(inner).__name__ if inner is not None else None,
            field.required,
            _choices(field) or (_choices(inner) if inner is not None else None),
            describe(nested.schema) if nested is not None else None,
        )
    return out


@pytest.mark.parametrize("documented, accepted", PAIRS, ids=lambda s: s.__name__)
def test_gateway_documents_exactly_what_the_service_accepts(documented, accepted):
    assert describe(documented) == describe(accepted)


def test_the_submission_body_is_the_stage_and_the_submission_approval_accepts():
    import approval.stages as stages

    body = describe(gwa.StageSubmissionSchema)
    stage = body.pop("stage")
    assert body == describe(approval.SubmissionSchema)
    assert stage[2] is True and stage[3] == tuple(sorted(stages.STAGES))
    assert set(gwa.STAGE_STATES) == set(stages.STAGE_STATES)
