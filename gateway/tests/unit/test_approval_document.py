"""The 批复 PDF prints what approval signed: document number, the opinions on both Art 14 chapters, the
approved 概算 and its line items, and the verification digest."""

import io

from pypdf import PdfReader

from gateway import approval_document

DIGEST = "9f" * 32


def _decision(**record):
    base = {
        "doc_no": "连发改审批〔2026〕3号", "kind": "APPROVAL", "date": "2026-11-29",
        "project": {"project_id": "p-1", "name": "智慧城管平台", "unit_name": "市城管局"},
        "project_code": "2026-320700-65-01-000123", "stage": "PD", "stage_zh": "初步设计方案和投资概算",
        "version_no": 2, "approved_estimate_fen": 150_000_000,
        "line_items": [{"code": "HW", "name": "硬件购置", "amount_fen": 90_000_000},
                       {"code": "SW", "name": "软件开发", "amount_fen": 60_000_000}],
        "sharing_chapter_opinion": "共享篇章内容完整，同意按目录共享", "security_chapter_opinion": "安全篇章四部分齐全",
        "sharing_status": {"completeness": "COMPLETE", "timeliness": "TIMELY"},
        "estimate_review": {"requested_fen": 160_000_000, "reviewed_fen": 150_000_000, "opinion": "核减"},
        "evaluation_refs": [], "evaluation_none_available": True,
    }
    base.update(record)
    return {"doc_no": base["doc_no"], "kind": base["kind"], "record": base, "digest": DIGEST}


def _text(pdf: bytes) -> str:
    """The printed text without the line breaks and indents the layout adds."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_approval_prints_both_chapter_opinions_the_estimate_and_the_digest():
    pdf = approval_document.to_pdf(_decision())
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in ("连发改审批〔2026〕3号", "连云港市发展和改革委员会", "市城管局", "2026-320700-65-01-000123",
                     "信息资源共享分析篇（章）意见", "共享篇章内容完整", "网络安全保障措施篇（章）意见",
                     "安全篇章四部分齐全",
                     "1,500,000.00", "硬件购置", "900,000.00", "软件开发", "600,000.00", DIGEST, "2026年11月29日",
                     "特此批复"):
        assert expected in text, expected


def test_the_title_names_the_project_and_the_stage():
    assert approval_document.title_of(_decision()) == "关于智慧城管平台初步设计方案和投资概算的批复"


def test_a_request_to_the_government_is_addressed_to_it_and_prints_its_subject():
    decision = _decision(kind="REQUEST", subject="项目投资规模较大，提请市政府审定", approved_estimate_fen=None,
                         line_items=[])
    decision["kind"] = "REQUEST"
    text = _text(approval_document.to_pdf(decision))
    assert "连云港市人民政府" in text and "提请市政府审定" in text and "特此请示" in text
    assert "附表" not in text
