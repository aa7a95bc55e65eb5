"""Scores quoted in a report: indicator scores from a scores table (the score in its own
column or at the end of the indicator cell, "๑. การปฏิบัติหน้าที่ ๗๘.๗๙ คะแนน") and item scores
from prose ("ข้อ i๑๐ … คะแนน ๖๓.๒๒")."""
from __future__ import annotations

import re

from pipeline.indicators import indicator_from_text, indicator_tool, tool_in_text
from pipeline.normalize import normalize_cell, normalize_text
from pipeline.records import Paragraph, ScoreRow, cell_text
from pipeline.sections import Context, apply_section, section_row

_SCORE_IN_CELL = re.compile(r"(\d{1,3}(?:\.\d{1,2}))\s*(?:คะแนน)?\s*$")
_ITEM_SCORE = re.compile(r"ข้อ\s*([ieo])\s*(\d{1,2})\b[^\n]*?คะแนน\s*(\d{1,3}(?:\.\d{1,2})?)", re.I)


def has_cell_scores(table) -> bool:
    col = next((c.index for c in table.columns if c.field == "indicator"), None)
    if col is None:
        return False
    hits = sum(1 for r in table.rows if _SCORE_IN_CELL.search(normalize_text(cell_text(r.cells, col))))
    return hits >= 2


def cell_scores(table) -> list[ScoreRow]:
    """Indicator scores from a scores table: the score in its own column or at the end of
    the indicator cell; an empty tool cell means the tool of the row above."""
    ind_col = next((c.index for c in table.columns if c.field == "indicator"), None)
    score_col = next((c.index for c in table.columns if c.field == "score"), None)
    tool_col = next((c.index for c in table.columns if c.field == "tool"), None)
    if ind_col is None:
        return []
    out, ctx = [], Context()
    for row in table.rows:
        section = section_row(row, table)
        if section:
            apply_section(section, ctx)
            continue
        if tool_col is not None and cell_text(row.cells, tool_col).strip():
            ctx.tool = tool_in_text(normalize_text(cell_text(row.cells, tool_col))) or ctx.tool
        name = normalize_cell(cell_text(row.cells, ind_col))
        score_text = normalize_text(cell_text(row.cells, score_col)) if score_col is not None else name
        m = _SCORE_IN_CELL.search(score_text) if score_text else None
        if not m:
            continue
        name_only = name[:m.start()].strip() if score_col is None else name
        tool = tool_in_text(name_only) or ctx.tool
        no = indicator_from_text(name_only, tool)
        out.append(ScoreRow(year=None, tool=tool or (indicator_tool(no) if no else None), indicator_no=no,
                            indicator=name_only or None, item_code=None, score=float(m.group(1)), page=row.page))
    return out


def prose_scores(paragraphs: list[Paragraph]) -> list[ScoreRow]:
    """Item scores quoted in prose: "ข้อ i๑๐ … คะแนน ๖๓.๒๒" (i/e/o = IIT/EIT/OIT)."""
    out = []
    for p in paragraphs:
        text = normalize_text(p.text)
        for m in _ITEM_SCORE.finditer(text):
            letter = m.group(1).lower()
            out.append(ScoreRow(year=None, tool={"i": "IIT", "e": "EIT", "o": "OIT"}[letter], indicator_no=None,
                                indicator=None, item_code=f"{letter}{int(m.group(2))}",
                                score=float(m.group(3)), page=p.page))
    return out


