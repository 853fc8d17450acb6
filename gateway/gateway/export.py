"""The project list as an Excel workbook (.xlsx), with the same columns the
portal shows. Amounts are written in 元 as numbers, so they sum in Excel."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .labels import CATEGORY_ZH, state_zh

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The export walks the filtered list page by page; this bounds one download.
MAX_ROWS = 10_000
PAGE_SIZE = 200

COLUMNS = (
    ("项目名称", 40, lambda p: p.get("name")),
    ("建设单位", 22, lambda p: p.get("unit_name")),
    ("计划年度", 10, lambda p: p.get("plan_year")),
    ("类别", 10, lambda p: CATEGORY_ZH.get(p.get("category"), p.get("category"))),
    ("状态", 16, lambda p: state_zh(p.get("state"))),
    ("投资估算（元）", 18, lambda p: (p.get("estimate_fen") or 0) / 100),
    ("申报时间", 20, lambda p: (p.get("created_at") or "")[:19].replace("T", " ")),
    ("项目编号", 38, lambda p: p.get("id")),
)


def fetch_all(list_page, filters: dict) -> tuple[list[dict], int]:
    """Every row of the filtered list (up to MAX_ROWS) and the list's total."""
    rows: list[dict] = []
    page, total = 1, 0
    while len(rows) < MAX_ROWS:
        out = list_page({**filters, "page": page, "page_size": PAGE_SIZE})
        total = out["total"]
        rows.extend(out["items"])
        if not out["items"] or len(rows) >= total:
            break
        page += 1
    return rows[:MAX_ROWS], total


def workbook_bytes(rows: list[dict], total: int, filters_zh: str, generated_at: datetime, user_zh: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目列表"
    ws.append([f"市级信息化项目列表（{filters_zh or '全部'}）"])
    ws.append([f"导出人：{user_zh}　导出时间：{generated_at:%Y-%m-%d %H:%M}　共 {total} 项"
               + (f"（仅导出前 {MAX_ROWS} 项）" if total > len(rows) else "")])
    ws.append([name for name, _, _ in COLUMNS])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.alignment = Alignment(horizontal="center")
    for project in rows:
        ws.append([value(project) for _, _, value in COLUMNS])
    amount_column = [name for name, _, _ in COLUMNS].index("投资估算（元）") + 1
    for row in ws.iter_rows(min_row=header + 1, min_col=amount_column, max_col=amount_column):
        row[0].number_format = "#,##0.00"
    for index, (_, width, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws["A1"].font = Font(bold=True, size=14)
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
