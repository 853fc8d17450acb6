"""发改's approval document (批复) and request to the municipal government (请示) as a printable PDF in the
usual official layout: the issuing body in red over a red rule, the document number, the title, the addressee,
the body in numbered paragraphs (Art 14 requires the opinions on the sharing and the cybersecurity chapters),
the approved 概算 with its line items, the date and issuer, and at the foot the verification digest that
approval's ``verify_decision`` checks.

The record printed is approval's decision record as it was signed (``get_decision``); nothing is recomputed."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from itpm_common.money import fen_to_wan_str, fen_to_yuan_str

from .plan_export import _font

ISSUER = "连云港市发展和改革委员会"
GOVERNMENT = "连云港市人民政府"
COPY_TO = "市政务办、市财政局、市委网信办"
KIND_TITLE = {"APPROVAL": "批复", "REQUEST": "请示"}
NUMERALS = "一二三四五六七八九十"
STATUS_ZH = {"COMPLETE": "完整", "INCOMPLETE": "不完整", "TIMELY": "及时", "NOT_TIMELY": "不及时",
             "COMPLIANT": "符合要求", "NONCOMPLIANT": "不符合要求", "PARTIAL": "部分符合"}


def _yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen_to_yuan_str(fen)} 元"


def _wan(fen: int | None) -> str:
    return "—" if fen is None else fen_to_wan_str(fen)


def _date_zh(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{year}年{month}月{day}日"


def _status_text(status) -> str:
    """sharing_status / security_status as FG recorded them (R-14-8): a mapping of aspect → value, or text."""
    if isinstance(status, dict):
        names = {"completeness": "完整性", "timeliness": "时效性", "status": "状况", "note": "说明"}
        return "；".join(f"{names.get(k, k)}：{STATUS_ZH.get(v, v)}" for k, v in status.items() if v not in (None, ""))
    return "" if status is None else str(status)


def title_of(decision: dict) -> str:
    record = decision["record"]
    project = record.get("project") or {}
    stage_zh = record.get("stage_zh") or record.get("stage") or ""
    return f"关于{project.get('name', '')}{stage_zh}的{KIND_TITLE.get(decision.get('kind'), '批复')}"


def _paragraphs(decision: dict) -> list[tuple[str, str]]:
    """The numbered paragraphs of the body: (heading, text)."""
    record = decision["record"]
    out: list[tuple[str, str]] = []
    if decision.get("kind") == "REQUEST":
        out.append(("请示事项", record.get("subject") or ""))
    else:
        if record.get("opinion"):
            out.append(("总体意见", record["opinion"]))
        if record.get("approved_estimate_fen") is not None:
            approved = record["approved_estimate_fen"]
            text = f"核定项目投资概算为 {_wan(approved)}（{_yuan(approved)}），明细见附表。"
            review = record.get("estimate_review")
            if review:
                text += f"经市财政部门审核，审核概算为 {_yuan(review.get('reviewed_fen'))}。"
            out.append(("投资概算", text))
        elif record.get("total_investment_fen") is not None:
            out.append(("项目总投资", f"项目总投资 {_wan(record['total_investment_fen'])}。"))
    out.append(("信息资源共享分析篇（章）意见", record.get("sharing_chapter_opinion") or ""))
    out.append(("网络安全保障措施篇（章）意见", record.get("security_chapter_opinion") or ""))
    statuses = [f"{label}：{_status_text(record.get(key))}"
                for key, label in (("sharing_status", "信息资源共享情况"), ("security_status", "网络安全情况"))
                if record.get(key)]
    if statuses:
        out.append(("共享与安全情况", "；".join(statuses) + "。"))
    tech = record.get("technical_review")
    if tech and tech.get("conditions"):
        out.append(("技术审核所提条件", tech["conditions"]))
    refs = record.get("evaluation_refs") or []
    if refs:
        out.append(("绩效评价结果引用", "、".join(str(r) for r in refs)))
    elif record.get("evaluation_none_available"):
        out.append(("绩效评价结果引用", "无可引用的评价结果。"))
    if record.get("government_decision"):
        out.append(("市政府决定", str(record["government_decision"])))
    return out


def to_pdf(decision: dict) -> bytes:
    """``decision`` is approval's ``get_decision`` answer: kind, doc_no, record, digest."""
    record = decision["record"]
    project = record.get("project") or {}
    font = _font()
    head = ParagraphStyle("head", fontName=font, fontSize=24, leading=32, alignment=1, textColor=colors.red)
    number = ParagraphStyle("number", fontName=font, fontSize=12, leading=18, alignment=1)
    title = ParagraphStyle("title", fontName=font, fontSize=17, leading=26, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, firstLineIndent=24)
    plain = ParagraphStyle("plain", fontName=font, fontSize=12, leading=21)
    right = ParagraphStyle("right", fontName=font, fontSize=12, leading=21, alignment=2)
    small = ParagraphStyle("small", fontName=font, fontSize=8.5, leading=12)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10, leading=14)

    doc_title = title_of(decision)
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=26 * mm, rightMargin=24 * mm, topMargin=20 * mm,
                            bottomMargin=18 * mm, title=doc_title, author=ISSUER, subject=decision.get("doc_no"))
    story = [Paragraph(ISSUER + "文件", head), Spacer(1, 5 * mm), Paragraph(escape(decision["doc_no"]), number),
             Spacer(1, 2 * mm), HRFlowable(width="100%", thickness=2, color=colors.red), Spacer(1, 8 * mm),
             Paragraph(escape(doc_title), title), Spacer(1, 6 * mm)]
    addressee = GOVERNMENT if decision.get("kind") == "REQUEST" else project.get("unit_name", "")
    story.append(Paragraph(escape(addressee) + "：", plain))
    code = record.get("project_code")
    opening = (f"你单位报送的《{project.get('name', '')}{record.get('stage_zh') or ''}》"
               f"（项目代码：{code or '—'}，第 {record.get('version_no', '—')} 版）收悉。")
    opening += "现将有关事项请示如下：" if decision.get("kind") == "REQUEST" else "经研究，现批复如下："
    story.append(Paragraph(escape(opening), body))
    for index, (heading, text) in enumerate(_paragraphs(decision)):
        numeral = NUMERALS[index] if index < len(NUMERALS) else str(index + 1)
        story.append(Paragraph(f"{numeral}、{escape(heading)}：{escape(text)}", body))
    story.append(Paragraph("特此请示，请予审定。" if decision.get("kind") == "REQUEST" else "特此批复。", body))
    story += [Spacer(1, 10 * mm), Paragraph(ISSUER, right), Paragraph(_date_zh(record.get("date")), right),
              Spacer(1, 6 * mm)]

    line_items = record.get("line_items") or []
    if line_items:
        rows = [[Paragraph(h, cell) for h in ("序号", "编码", "概算项目", "金额（元）")]]
        rows += [[Paragraph(str(i), cell), Paragraph(escape(str(item.get("code", ""))), cell),
                  Paragraph(escape(str(item.get("name", ""))), cell),
                  Paragraph(fen_to_yuan_str(int(item.get("amount_fen", 0))), cell)]
                 for i, item in enumerate(line_items, start=1)]
        rows.append([Paragraph("合计", cell), "", "", Paragraph(fen_to_yuan_str(
            sum(int(item.get("amount_fen", 0)) for item in line_items)), cell)])
        table = Table(rows, colWidths=[14 * mm, 30 * mm, 80 * mm, 36 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                   ("SPAN", (0, -1), (2, -1)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [KeepTogether([Paragraph("附表：核定投资概算明细", plain), Spacer(1, 2 * mm), table]),
                  Spacer(1, 6 * mm)]

    story += [HRFlowable(width="100%", thickness=0.6, color=colors.black), Spacer(1, 1 * mm),
              Paragraph(f"抄送：{COPY_TO}。", small),
              Paragraph(f"校验码（SHA-256）：{escape(decision['digest'])}", small),
              Paragraph("核验：打开本系统的“批复核验”页面（/verify，无需登录），输入文号与校验码；"
                        "或调用 GET /api/approval-documents/verify。", small)]
    pdf.build(story)
    return out.getvalue()
