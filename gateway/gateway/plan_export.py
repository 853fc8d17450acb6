"""The approved annual plan as a spreadsheet and as a printable document in the usual official layout
(issuing body, title, document number, then the two lists: 建设类 and 运维类)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from itpm_common.money import fen_to_wan_str

ISSUER = "连云港市政务信息化工作领导小组"
SECTION_TITLES = {"BUILD": "一、建设类项目", "OM": "二、运维类项目"}
COLUMNS = ("序号", "项目名称", "建设单位", "性质", "单位排序", "投资估算（万元）", "来源")
ORIGIN_ZH = {"PLAN": "年度申报", "SUPERIOR_FUNDED": "上级安排经费", "ADHOC": "追加"}
# A system font embedded when the machine has one; otherwise the standard CJK font every PDF reader knows.
_TTF_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                   "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def _wan(fen: int | None) -> str:
    """Fen to 万元 with two decimals, for display (rounded once, half up)."""
    return "—" if fen is None else fen_to_wan_str(fen).removesuffix("万元")


def _rows(plan: dict, section: str) -> list[tuple]:
    items = [i for i in plan["sections"][section] if i["status"] == "LISTED"]
    return [(i["section_rank"], i["name"], i["unit_name"], i.get("nature_zh", ""), i.get("unit_rank") or "",
             _wan(i.get("estimate_fen")), ORIGIN_ZH.get(i["origin"], i["origin"])) for i in items]


def title_of(plan: dict) -> str:
    return plan["title"]


def to_xlsx(plan: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{plan['plan_year']}年度计划"
    bold, thin = Font(bold=True), Side(style="thin")
    ws.append([plan["title"]])
    ws["A1"].font = Font(bold=True, size=16)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"文号：{plan.get('document_number') or '（尚未审定）'}　版本：第 {plan['version_no']} 版"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    for section in ("BUILD", "OM"):
        ws.append([])
        ws.append([SECTION_TITLES[section]])
        ws.cell(ws.max_row, 1).font = bold
        ws.append(list(COLUMNS))
        for cell in ws[ws.max_row]:
            cell.font, cell.border = bold, Border(top=thin, bottom=thin, left=thin, right=thin)
        for row in _rows(plan, section):
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for index, width in enumerate((6, 40, 22, 8, 10, 16, 14), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _font() -> str:
    for path in _TTF_CANDIDATES:
        if Path(path).exists():
            try:
                if "PlanCJK" not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont("PlanCJK", path, subfontIndex=0))
                return "PlanCJK"
            except Exception:  # an unreadable font file: fall back to the standard CID font
                continue
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def to_pdf(plan: dict) -> bytes:
    font = _font()
    head = ParagraphStyle("head", fontName=font, fontSize=22, leading=30, alignment=1, textColor=colors.red)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=24, alignment=1)
    number = ParagraphStyle("number", fontName=font, fontSize=11, leading=16, alignment=1)
    section = ParagraphStyle("section", fontName=font, fontSize=13, leading=20)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=plan["title"], author=ISSUER)
    # 红头: the issuing body in red, the document number, then the red rule across the page.
    story = [Paragraph(ISSUER, head), Spacer(1, 4 * mm),
             Paragraph(plan.get("document_number") or "（尚未审定）", number), Spacer(1, 2 * mm),
             HRFlowable(width="100%", thickness=1.5, color=colors.red), Spacer(1, 6 * mm),
             Paragraph(plan["title"], title), Spacer(1, 6 * mm)]
    widths = [12 * mm, 80 * mm, 48 * mm, 16 * mm, 18 * mm, 30 * mm, 26 * mm]
    for key in ("BUILD", "OM"):
        story.append(Paragraph(SECTION_TITLES[key], section))
        rows = _rows(plan, key)
        data = [[Paragraph(c, cell) for c in COLUMNS]]
        data += [[Paragraph(str(v), cell) for v in row] for row in rows] or [
            [Paragraph("（无）", cell)] + [""] * (len(COLUMNS) - 1)]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if not rows:
            style.append(("SPAN", (0, 1), (-1, 1)))
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(style))
        story += [table, Spacer(1, 6 * mm)]
    doc.build(story)
    return out.getvalue()
