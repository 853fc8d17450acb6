"""A complete, valid plan application (rules.md §6.1) for tests to vary."""

import copy

_DOC = {"digest": "sha256:" + "ab" * 32, "size": 2048, "media_type": "application/pdf",
        "filename": "申报书.pdf"}

_VALID = {
    "name": "智慧警务大数据平台",
    "plan_year": 2027,
    "category": "BUILD",
    "build_kind": "NEW",
    "system": {"new_system_name": "警务大数据平台"},
    "policy_basis": [{"title": "关于加快推进数字政府建设的实施意见", "doc_number": "连政发〔2026〕12号",
                      "level": "市委/市政府"}],
    "need": "现有系统分散，数据无法共享",
    "objectives": "建成统一的警务数据平台",
    "intensive_sharing": "依托政务云与大数据中心，数据通过共享交换平台开放",
    "infrastructure": {"egov_network": True, "gov_cloud": True, "bigdata_center": True, "lyg_app": False},
    "standards": ["GB/T 22239-2019 信息安全技术 网络安全等级保护基本要求"],
    "content": "数据汇聚、治理、分析三个子系统",
    "estimate_fen": 100_000_000,
    "funding_sources": [{"type": "MUNICIPAL", "amount_fen": 100_000_000}],
    "security_solution": "按等保三级建设，密码应用符合 GB/T 39786",
    "internal_review": {"necessity": True, "feasibility": True, "completeness": True, "conformity": True,
                        "signed_by": "孙局长"},
    "rank": 1,
    "documents": {"application_form": _DOC, "project_plan": {**_DOC, "filename": "项目方案.pdf"}},
    "truthfulness_declared_by": "孙局长",
    "scope": {"budget_unit": True, "budget_funds": True, "system_type": "BUSINESS_SYSTEM"},
}

# §6.1 item 21: what an O&M application states about the running system.
OM_STATUS = {"sharing_completeness": "FULL", "sharing_timeliness": "FULL", "protection_level": 3,
             "last_security_test_on": "2026-05-20", "crypto_assessment": "2026 年密评通过"}


def om_application(**changes) -> dict:
    """A valid O&M application of an existing system."""
    return valid_application(**{"category": "OM", "build_kind": None, "system": {"existing_system_id": "SYS-0042"},
                                "name": "警务大数据平台运维", "om_status": dict(OM_STATUS), **changes})


def adhoc_application(**changes) -> dict:
    """A valid Art 9 application: work need, no rank (§6.2)."""
    app = valid_application(**{"name": "疫情应急指挥系统", "origin": "ADHOC", "adhoc_reason": "WORK_NEED", **changes})
    app.pop("rank", None)
    return app


def valid_application(**changes) -> dict:
    app = copy.deepcopy(_VALID)
    app.update(changes)
    return app
