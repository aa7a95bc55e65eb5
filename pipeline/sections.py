"""Section rows of a table (one cell across it: "กลยุทธ์ที่ 1 …", "ด้าน IIT", "ตัวชี้วัดที่ 9 …")
and the tool / indicator / section context they set for the rows under them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pipeline.indicators import indicator_from_text, indicator_tool, tool_in_text
from pipeline.normalize import normalize_cell

SECTION_ROW_MAX = 160        # a section row ("ด้าน IIT …") is short
_SECTION_WORDS = re.compile(r"^(ด้าน|ตัวชี้วัดที่|ส่วนที่|กลยุทธ์ที่|ยุทธศาสตร์ที่|แผนงานที่|ประเด็นที่\s*\d)")
_INDICATOR_LABEL = re.compile(r"^\s*ตัวชี้วัด(?:ที่)?\s*\d{1,2}\s*[.:)]?\s*")


@dataclass
class Context:
    tool: Optional[str] = None
    indicator: Optional[str] = None
    indicator_no: Optional[int] = None
    section: Optional[str] = None


def section_row(row, table) -> Optional[str]:
    """The text of a row that only names a section, else None: one cell across the table,
    or the only text of the row naming a tool, an indicator or a numbered part."""
    texts = {normalize_cell(c.text) for c, m in zip(row.cells, row.merged or [False] * len(row.cells))
             if c.text.strip() and not m}
    if len(texts) != 1:
        return None
    text = texts.pop()
    if len(text) > SECTION_ROW_MAX:
        return None
    spanning = any(c.col_span >= len(table.columns) > 1 for c in row.cells)
    if spanning or tool_in_text(text) or _SECTION_WORDS.match(text):
        return text
    key_cols = {c.index for c in table.columns if c.field in ("tool", "indicator")}
    first = next(i for i, c in enumerate(row.cells) if c.text.strip())
    if first not in key_cols and indicator_from_text(text) and len(table.columns) > 2:
        return text
    return None


def apply_section(text: str, ctx: Context) -> None:
    tool = tool_in_text(text)
    no = indicator_from_text(text, tool or ctx.tool)
    if tool:
        ctx.tool, ctx.indicator, ctx.indicator_no = tool, None, None
    if no:  # the framework fixes each indicator's tool; the name is stored without its label
        ctx.indicator_no, ctx.indicator, ctx.tool = no, _INDICATOR_LABEL.sub("", text) or text, indicator_tool(no)
    ctx.section = text


