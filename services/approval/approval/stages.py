"""The stages, tracks and sub-states of 发改's approval (rules.md §3.2 IN_APPROVAL, §3.3 T20–T33) and the
standard order of Art 10 (R-10-4). Pure: no database, no clock."""

from __future__ import annotations

from itpm_common.errors import Refusal, state_invalid

ARTICLE = "第十条"

# Submission.stage
PROPOSAL, FSR, PD = "PROPOSAL", "FSR", "PD"
URGENT_PACKAGE, COMBINED_PACKAGE = "URGENT_PACKAGE", "COMBINED_PACKAGE"
STAGES = (PROPOSAL, FSR, PD, URGENT_PACKAGE, COMBINED_PACKAGE)
PACKAGES = (URGENT_PACKAGE, COMBINED_PACKAGE)

# ApprovalCase.track: which way the case entered (T20, T23, T29, T30).
STANDARD, PATH1, URGENT, COMBINED = "STANDARD", "PATH1", "URGENT", "COMBINED"
TRACK_OF_ENTRY = {PROPOSAL: STANDARD, FSR: PATH1, URGENT_PACKAGE: URGENT, COMBINED_PACKAGE: COMBINED}
ENTRY_STAGES = tuple(TRACK_OF_ENTRY)

# ApprovalCase.stage_state
PROPOSAL_SUBMITTED, PROPOSAL_APPROVED = "PROPOSAL_SUBMITTED", "PROPOSAL_APPROVED"
FSR_SUBMITTED, FSR_APPROVED = "FSR_SUBMITTED", "FSR_APPROVED"
PD_SUBMITTED, ESTIMATE_UNDER_REVIEW = "PD_SUBMITTED", "ESTIMATE_UNDER_REVIEW"
URGENT_PACKAGE_SUBMITTED, COMBINED_SUBMITTED = "URGENT_PACKAGE_SUBMITTED", "COMBINED_SUBMITTED"
RETURNED, APPROVED, APPROVAL_REFUSED = "RETURNED", "APPROVED", "APPROVAL_REFUSED"

SUBMITTED_STATE = {PROPOSAL: PROPOSAL_SUBMITTED, FSR: FSR_SUBMITTED, PD: PD_SUBMITTED,
                   URGENT_PACKAGE: URGENT_PACKAGE_SUBMITTED, COMBINED_PACKAGE: COMBINED_SUBMITTED}
# Where FG's approval of each stage leaves the case (T21, T24, T28, T31).
APPROVED_STATE = {PROPOSAL: PROPOSAL_APPROVED, FSR: FSR_APPROVED, PD: APPROVED,
                  URGENT_PACKAGE: APPROVED, COMBINED_PACKAGE: APPROVED}
# States in which a submission waits for FG (PD also while 财政 reviews its estimate, T26).
AWAITING_FG = (PROPOSAL_SUBMITTED, FSR_SUBMITTED, PD_SUBMITTED, ESTIMATE_UNDER_REVIEW,
               URGENT_PACKAGE_SUBMITTED, COMBINED_SUBMITTED)
IN_APPROVAL_STATES = (*AWAITING_FG, PROPOSAL_APPROVED, FSR_APPROVED, RETURNED)
STAGE_STATES = (*IN_APPROVAL_STATES, APPROVED, APPROVAL_REFUSED)

SUBMITTED_EVENT = {PROPOSAL: "ProposalSubmitted", FSR: "FSRSubmitted", PD: "PreliminaryDesignSubmitted",
                   URGENT_PACKAGE: "UrgentPackageSubmitted", COMBINED_PACKAGE: "CombinedPackageSubmitted"}
APPROVED_EVENT = {PROPOSAL: "ProposalApproved", FSR: "FSRApproved", PD: "PreliminaryDesignApproved",
                  URGENT_PACKAGE: "PreliminaryDesignApproved", COMBINED_PACKAGE: "PreliminaryDesignApproved"}

# What each stage's document set holds (rules.md §6.3: a package holds every FSR and PD item).
HAS_FSR_CONTENT = (FSR, URGENT_PACKAGE, COMBINED_PACKAGE)
HAS_PD_CONTENT = (PD, URGENT_PACKAGE, COMBINED_PACKAGE)
HAS_CHAPTERS = (FSR, PD, URGENT_PACKAGE, COMBINED_PACKAGE)          # R-14-1
FIXES_ESTIMATE = HAS_PD_CONTENT                                      # T28/T31: P is fixed here
DOCUMENTS = {PROPOSAL: ("proposal",), FSR: ("fsr",), PD: ("pd",), URGENT_PACKAGE: ("fsr", "pd"),
             COMBINED_PACKAGE: ("proposal", "fsr", "pd")}

STAGE_ZH = {PROPOSAL: "项目建议书", FSR: "可行性研究报告", PD: "初步设计方案及投资概算",
            URGENT_PACKAGE: "可行性研究报告、初步设计方案和投资概算（紧急项目合并编报）",
            COMBINED_PACKAGE: "项目建议书、可行性研究报告、初步设计方案和投资概算（合并编报）"}

# TH-1 and TH-2 (rules.md §0.7, §10): fixed by the text, both inclusive (民法典第1259条).
ESTIMATE_REVIEW_THRESHOLD_FEN = 100_000_000
COMBINED_APPROVAL_MAX_FEN = 1_000_000_000

SEPARATE_STAGES_REQUIRED = "SEPARATE_STAGES_REQUIRED"


def estimate_review_required(estimate_fen: int | None) -> bool:
    """R-10-3, TH-1: 100万元及以上 → 概算 ≥ 1,000,000.00 元."""
    return estimate_fen is not None and estimate_fen >= ESTIMATE_REVIEW_THRESHOLD_FEN


def combined_allowed(total_investment_fen: int) -> bool:
    """R-10-7, TH-2: 1000万元以下 → 总投资 ≤ 10,000,000.00 元."""
    return total_investment_fen <= COMBINED_APPROVAL_MAX_FEN


def proposal_required(stage_state: str | None) -> Refusal:
    return Refusal(code="E10-PROPOSAL-REQUIRED", rule="R-10-4", article=ARTICLE,
                   reason_zh="按第十条的标准程序，可行性研究报告须在项目建议书批复后报送；"
                             "未列入规划或计划的项目不能直接编报可行性研究报告",
                   details={"current_state": stage_state})


def fsr_required(stage_state: str | None) -> Refusal:
    return Refusal(code="E10-FSR-REQUIRED", rule="R-10-4", article=ARTICLE,
                   reason_zh="按第十条的标准程序，初步设计方案及投资概算须在可行性研究报告批复后报送",
                   details={"current_state": stage_state})


def next_submission_blocker(stage_state: str, track: str, returned_stage: str | None,
                            stage: str) -> Refusal | None:
    """Whether an existing case may take a submission of ``stage`` now (T22, T25, T32, R-10-4).

    A case returned with SEPARATE_STAGES_REQUIRED has no stage to resubmit: it starts again as a new entry,
    which the caller handles (``reenters``)."""
    if stage_state in (APPROVED, APPROVAL_REFUSED):
        return state_invalid("项目已批复或审批未通过，不能再报送该阶段材料", stage_state, article=ARTICLE)
    if stage_state == RETURNED and returned_stage is not None:
        if stage == returned_stage:
            return None
        return state_invalid(f"退回的是{STAGE_ZH[returned_stage]}，应修改后重新报送该阶段材料", stage_state,
                             article=ARTICLE, returned_stage=returned_stage)
    if stage_state in AWAITING_FG:
        return state_invalid("已报送的材料尚待市发改部门决定，不能另行报送", stage_state, article=ARTICLE)
    if stage == FSR:
        return None if stage_state == PROPOSAL_APPROVED else proposal_required(stage_state)
    if stage == PD:
        return None if stage_state == FSR_APPROVED else fsr_required(stage_state)
    # A proposal or a package after the case has moved past its entry.
    return state_invalid(f"项目已进入审批程序（{track}），不能再按首次报送报送{STAGE_ZH[stage]}", stage_state,
                         article=ARTICLE, track=track)


def reenters(stage_state: str | None, returned_stage: str | None) -> bool:
    """No case yet, or a combined package returned as SEPARATE_STAGES_REQUIRED (R-10-7): the next submission
    chooses its track again, under the entry checks."""
    return stage_state is None or (stage_state == RETURNED and returned_stage is None)


def combining_again(stage_state: str) -> Refusal:
    """FG returned the combined package as SEPARATE_STAGES_REQUIRED (R-10-7): it may not come back combined."""
    return state_invalid("市发改部门已要求分阶段报批，不能再合并编报", stage_state, rule="R-10-7", article=ARTICLE)
