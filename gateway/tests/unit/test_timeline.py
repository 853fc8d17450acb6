import pytest
from sqlalchemy import func, select

from gateway import timeline
from gateway.models import EventLogEntry
from itpm_common.errors import not_found
from itpm_common.events import CloudEvent, event_type

PROJECT = "9b7c3c1e-0000-4000-8000-000000000001"


def _event(service, name, data, actor="system", role="SYSTEM", subject=PROJECT, time="2026-03-02T09:00:00+08:00",
           article="第八条", **kw):
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=subject, data=data,
                      time=time, unitid="police", article=article, actorid=actor, actorrole=role, **kw)


def _count(tx_provider):
    with tx_provider.get_dependency(None).read() as session:
        return session.scalar(select(func.count()).select_from(EventLogEntry))


@pytest.mark.parametrize("name,zh", [
    ("PlanApplicationSubmitted", "提交年度计划申报"),
    ("PlanReviewOpened", "启动计划论证（联审）"),
    ("PlanReviewOpinionRecorded", "出具论证意见"),
    ("PlanReviewConcluded", "形成联审意见"),
    ("PlanItemDrafted", "列入年度计划草案"),
    ("PlanItemNotIncluded", "未列入年度计划"),
    ("PlanReviewReturned", "退回申报修改"),
    ("PlanReviewCancelled", "撤回申报，取消计划论证"),
    ("JointReviewOpened", "启动追加项目联审"),
    ("JointReviewOpinionRecorded", "出具联审意见"),
    ("JointReviewConcluded", "形成追加项目联审结论"),
])
def test_event_names_in_chinese(name, zh):
    assert timeline.name_zh(name) == zh


def test_unknown_events_keep_their_catalogue_name():
    assert timeline.name_zh("PaymentExecuted") == "PaymentExecuted"
    assert timeline.summary_zh("PaymentExecuted", "CZ", {}) == "财政 PaymentExecuted"


@pytest.mark.parametrize("role,zh", [("ZWB", "政务办"), ("WX", "网信"), ("FG", "发改"), ("GX", "工信"),
                                     ("CZ", "财政"), ("SJ", "审计"), ("LG", "领导小组"),
                                     ("LGO", "领导小组办公室"), ("UNIT", "项目建设单位"), ("SYSTEM", "系统")])
def test_role_names_of_rules_section_1(role, zh):
    assert timeline.role_zh(role) == zh


def test_summaries():
    assert timeline.summary_zh("PlanReviewOpinionRecorded", "WX", {"verdict": "AGREE"}) == "网信 出具论证意见：同意"
    assert timeline.summary_zh("PlanReviewOpinionRecorded", "CZ", {"verdict": "AGREE_WITH_CONDITIONS"}) == \
        "财政 出具论证意见：有条件同意"
    assert timeline.summary_zh("PlanReviewOpinionRecorded", "FG", {"verdict": "DISAGREE"}) == \
        "发改 出具论证意见：不同意"
    assert timeline.summary_zh("PlanReviewConcluded", "ZWB", {"outcome": "DRAFT"}) == \
        "政务办 形成联审意见：列入年度计划草案"
    assert timeline.summary_zh("PlanReviewConcluded", "ZWB", {"outcome": "NOT_INCLUDED"}) == \
        "政务办 形成联审意见：不予列入年度计划"
    assert timeline.summary_zh("PlanApplicationSubmitted", "UNIT",
                               {"name": "智慧警务平台", "unit_name": "市公安局", "version_no": 1}) == \
        "市公安局 提交年度计划申报《智慧警务平台》"
    assert timeline.summary_zh("PlanApplicationSubmitted", "UNIT", {"name": "智慧警务平台", "version_no": 2},
                               unit_name="市公安局") == "市公安局 提交年度计划申报《智慧警务平台》（第2版）"
    assert timeline.summary_zh("PlanReviewOpened", "SYSTEM", {}) == "系统 启动计划论证（联审）"
    assert timeline.summary_zh("PlanReviewOpened", "ZWB", {}) == "政务办 启动计划论证（联审）"
    assert timeline.summary_zh("PlanReviewReturned", "ZWB", {"reason": "补充共享清单"}) == \
        "政务办 退回申报修改：补充共享清单"
    assert timeline.summary_zh("JointReviewOpinionRecorded", "GX", {"verdict": "AGREE"}) == "工信 出具联审意见：同意"
    assert timeline.summary_zh("JointReviewConcluded", "ZWB", {"outcome": "PASS"}) == \
        "政务办 形成追加项目联审结论：通过"
    assert timeline.summary_zh("PlanItemDrafted", "ZWB", {"plan_year": 2027}) == "项目列入2027年度计划草案"
    assert timeline.summary_zh("PlanItemNotIncluded", "ZWB", {"plan_year": 2027}) == "项目未列入2027年度计划"


def test_every_event_is_logged_once(service, tx_provider):
    event = _event("review", "PlanReviewOpinionRecorded", {"verdict": "AGREE"}, actor="wx", role="WX")
    service.on_event(event)
    service.on_event(event)  # redelivered: the inbox drops it
    assert _count(tx_provider) == 1
    # The same id arriving past the inbox (another consumer name) is still logged once.
    with tx_provider.get_dependency(None).event(event, consumer="gateway-replay") as tx:
        assert timeline.record(tx.session, event, tx.now) is False
    assert _count(tx_provider) == 1
    service.on_event(_event("review", "PlanReviewOpinionRecorded", {"verdict": "AGREE"}, actor="fg", role="FG"))
    assert _count(tx_provider) == 2


def test_the_log_keeps_what_the_feed_will_need(service, tx_provider):
    event = _event("planning", "PlanApplicationSubmitted", {"name": "智慧警务平台"}, actor="police", role="UNIT",
                   article="第七条")
    service.on_event(event)
    with tx_provider.get_dependency(None).read() as session:
        row = session.scalars(select(EventLogEntry)).one()
        assert (row.event_id, row.type, row.subject, row.unit_id, row.time, row.actor_id, row.actor_role,
                row.article, row.visibility) == (
            event.id, "cn.gov.lyg.itpm.planning.plan_application_submitted.v1", PROJECT, "police",
            "2026-03-02T09:00:00+08:00", "police", "UNIT", "第七条", "internal")
        assert CloudEvent.from_json(row.body) == event


def test_project_timeline_over_http(client, login_as, fakes, service):
    fakes["planning"].answers["get_project"] = {"id": PROJECT}
    service.on_event(_event("planning", "PlanApplicationSubmitted",
                            {"name": "智慧警务平台", "unit_name": "市公安局", "version_no": 1},
                            actor="police", role="UNIT", article="第七条"))
    service.on_event(_event("review", "PlanReviewOpened", {}, time="2026-03-02T09:00:01+08:00"))
    service.on_event(_event("review", "PlanReviewOpinionRecorded", {"verdict": "AGREE"}, actor="wx", role="WX",
                            time="2026-03-03T10:00:00+08:00"))
    service.on_event(_event("review", "PlanReviewOpened", {}, subject="another-project"))
    response = client.get(f"/api/projects/{PROJECT}/timeline", headers=login_as("police"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["project_id"] == PROJECT
    entries = body["items"]
    assert [e["name"] for e in entries] == ["PlanApplicationSubmitted", "PlanReviewOpened",
                                            "PlanReviewOpinionRecorded"]
    assert [e["position"] for e in entries] == sorted(e["position"] for e in entries)
    submitted, opened, opinion = entries
    assert (submitted["actor_name"], submitted["actor_role_zh"], submitted["summary_zh"]) == (
        "郑海涛", "项目建设单位", "市公安局 提交年度计划申报《智慧警务平台》")
    assert (opened["actor_name"], opened["name_zh"]) == ("系统", "启动计划论证（联审）")
    assert opinion == {
        "position": opinion["position"], "event_id": opinion["event_id"],
        "type": "cn.gov.lyg.itpm.review.plan_review_opinion_recorded.v1",
        "name": "PlanReviewOpinionRecorded", "name_zh": "出具论证意见", "time": "2026-03-03T10:00:00+08:00",
        "actor_id": "wx", "actor_name": "李网安", "actor_role": "WX", "actor_role_zh": "网信",
        "unit_id": "police", "article": "第八条", "summary_zh": "网信 出具论证意见：同意"}
    [check] = fakes["planning"].calls
    assert (check.method, check.args, check.identity.user_id) == ("get_project", (PROJECT,), "police")


def test_timeline_of_a_project_the_user_may_not_see_is_404(client, login_as, fakes, service):
    service.on_event(_event("planning", "PlanApplicationSubmitted", {"name": "秘密项目"}, actor="police",
                            role="UNIT"))
    fakes["planning"].answers["get_project"] = not_found("项目", PROJECT)
    response = client.get(f"/api/projects/{PROJECT}/timeline", headers=login_as("edu"))
    assert response.status_code == 404
    assert "秘密项目" not in response.get_data(as_text=True)
    assert response.get_json()["code"] == "NOT-FOUND"


@pytest.mark.parametrize("name,zh", [
    ("EstimateReviewRequested", "提请财政审核投资概算"),
    ("EstimateReviewed", "财政审核投资概算"),
    ("CybersecurityReviewRecorded", "网信作出网络安全审查结论"),
    ("ProposalSubmitted", "报送项目建议书"),
    ("FSRSubmitted", "报送可行性研究报告"),
    ("PreliminaryDesignSubmitted", "报送初步设计方案及投资概算"),
    ("UrgentPackageSubmitted", "报送紧急项目可研、初设及概算（合并）"),
    ("CombinedPackageSubmitted", "报送项目建议书、可研、初设及概算（合并编报）"),
    ("DepthConfirmed", "发改确认材料深度"),
    ("ApprovalReturned", "发改退回送审材料"),
    ("ApprovalRefused", "发改不予批复"),
    ("ProposalApproved", "项目建议书获批复"),
    ("FSRApproved", "可行性研究报告获批复"),
    ("PreliminaryDesignApproved", "初步设计方案及投资概算获批复"),
    ("ProjectCodeRecorded", "登记项目代码"),
    ("ResourceCatalogSubmitted", "报送信息资源目录"),
    ("TechnicalReviewOpened", "开启立项前技术审核"),
    ("TechnicalReviewConcluded", "作出技术审核结论"),
    ("FrameworkDetermined", "跨部门项目建设框架确定"),
])
def test_chapter_3_event_names_in_chinese(name, zh):
    assert timeline.name_zh(name) == zh


def test_chapter_3_summaries_name_the_stage_version_and_amounts():
    assert timeline.summary_zh("EstimateReviewRequested", "SYSTEM", {
        "stage": "PD", "version_no": 2, "requested_fen": 100_000_000}) == \
        "初步设计方案（第2版）投资概算 1,000,000.00 元，达到100万元，提请财政审核"
    assert timeline.summary_zh("EstimateReviewed", "CZ", {
        "stage": "URGENT_PACKAGE", "version_no": 1, "requested_fen": 120_000_000, "reviewed_fen": 110_000_001}) == \
        "财政 审核紧急项目合并材料（第1版）投资概算：审核金额 1,100,000.01 元（送审 1,200,000.00 元）"
    assert timeline.summary_zh("CybersecurityReviewRecorded", "WX", {
        "stage": "FSR", "version_no": 3, "conclusion": "PASS_WITH_CONDITIONS"}) == \
        "网信 对可行性研究报告（第3版）作出网络安全审查结论：有条件通过"
    assert timeline.summary_zh("TechnicalReviewConcluded", "ZWB", {"stage": "PD", "version_no": 1, "outcome": "FAIL"}) \
        == "政务办 对初步设计方案（第1版）作出技术审核结论：不通过"
