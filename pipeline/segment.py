"""Segment an extracted document into measure rows and score rows.

Steps, in order:
1. find header rows in each table chunk and map them to fields (pipeline.headers);
2. merge chunks that continue one table (same header repeated, or no header and the same
   number of columns), joining two-row headers;
3. classify each logical table as measures, scores or other;
4. read rows: section rows ("แบบวัด… (IIT)") set the tool/indicator context, rows whose key
   cell is empty continue the row above, the rest become MeasureRow records;
5. scores from indicator cells ("๑. การปฏิบัติหน้าที่ ๗๘.๗๙ คะแนน") and from prose
   ("ข้อ i๑๐ … คะแนน ๖๓.๒๒").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline.dates import parse_period
from pipeline.docfacts import document_facts
from pipeline.headers import header_field
from pipeline.indicators import indicator_from_text, indicator_tool, tool_in_text
from pipeline.normalize import normalize_cell, normalize_text
from pipeline.owners import split_owners
from pipeline.records import (Cell, ExtractedDocument, MeasureRow, Paragraph, ScoreRow,
                              SegmentedDocument, Table)

MEASURE_FIELDS = {"measure", "method", "owner", "period", "result", "outcome", "issue"}
HEADER_CELL_MAX = 80         # a header cell is short
SECTION_ROW_MAX = 160        # a section row ("ด้าน IIT …") is short

_INDICATOR_LABEL = re.compile(r"^\s*ตัวชี้วัด(?:ที่)?\s*\d{1,2}\s*[.:)]?\s*")
_SCORE_IN_CELL = re.compile(r"(\d{1,3}(?:\.\d{1,2}))\s*(?:คะแนน)?\s*$")
_ITEM_SCORE = re.compile(r"ข้อ\s*([ieo])\s*(\d{1,2})\b[^\n]*?คะแนน\s*(\d{1,3}(?:\.\d{1,2})?)", re.I)


@dataclass
class Column:
    index: int
    header: str
    field: Optional[str]


@dataclass
class SourceRow:
    cells: list[Cell]
    line: Optional[int]
    page: Optional[int]
    section: Optional[str] = None   # set on rows that only name a section (tool/indicator)


@dataclass
class LogicalTable:
    no: int
    columns: list[Column]
    rows: list[SourceRow] = field(default_factory=list)
    kind: str = "other"

    @property
    def signature(self) -> tuple:
        return tuple(c.field for c in self.columns)

    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}


def _cell_text(row: list[Cell], i: int) -> str:
    return row[i].text if i < len(row) else ""


def _header_fields(row: list[Cell]) -> Optional[list[Optional[str]]]:
    """Fields of a header row, or None if the row is not a header."""
    texts = [c.text.strip() for c in row]
    filled = [t for t in texts if t]
    if not filled or any(len(normalize_cell(t)) > HEADER_CELL_MAX for t in filled):
        return None
    fields = [header_field(t) if t else None for t in texts]
    known = sum(1 for f in fields if f)
    if known >= 2 and known >= 0.6 * len(filled):
        return fields
    return None


def _subheader_fields(row: list[Cell], top: list[Cell]) -> Optional[list[Optional[str]]]:
    """A second header row: only known wordings, at least one of them under a blank
    (spanned) cell of the first header row — a section row names no spanned column."""
    texts = [c.text.strip() for c in row]
    filled = [i for i, t in enumerate(texts) if t]
    if not filled or any(len(normalize_cell(texts[i])) > HEADER_CELL_MAX for i in filled):
        return None
    fields = [header_field(t) if t else None for t in texts]
    under_span = any(not _cell_text(top, i).strip() for i in filled)
    if all(fields[i] for i in filled) and under_span:
        return fields
    return None


def _columns(header_rows: list[list[Cell]]) -> list[Column]:
    top = header_rows[0]
    width = max(len(r) for r in header_rows)
    cols = []
    parent = ""
    for i in range(width):
        t0 = _cell_text(top, i).strip()
        parent = t0 or parent
        sub = _cell_text(header_rows[1], i).strip() if len(header_rows) > 1 else ""
        header = f"{parent} / {sub}" if sub and sub != parent else (t0 or (parent if sub else ""))
        f = header_field(sub) if sub else None
        if f is None and t0:
            f = header_field(t0)
        if f is None and sub and not t0:
            f = header_field(parent)
        cols.append(Column(i, normalize_text(header), f))
    # a field spanning two columns with no sub-header ("ผลการวิเคราะห์" over two blanks)
    # keeps the first; the second stays unknown unless its own sub-header names it.
    return cols


def _row_page(row: list[Cell]) -> Optional[int]:
    return next((c.page for c in row if c.page is not None and c.text.strip()), None) or \
        next((c.page for c in row if c.page is not None), None)


def build_tables(blocks: list) -> tuple[list[LogicalTable], list[tuple[int, Paragraph]]]:
    """Merge table chunks into logical tables; returns tables and the paragraphs, each
    paragraph with the number of tables that came before it."""
    tables: list[LogicalTable] = []
    paragraphs: list[tuple[int, Paragraph]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs.append((len(tables), block))
            continue
        if not isinstance(block, Table) or not block.rows:
            continue
        rows = block.rows
        header_rows: list[list[Cell]] = []
        fields = _header_fields(rows[0])
        if fields:
            header_rows.append(rows[0])
            if len(rows) > 1 and _subheader_fields(rows[1], rows[0]):
                header_rows.append(rows[1])
        body_start = len(header_rows)
        prev = tables[-1] if tables else None
        if header_rows:
            cols = _columns(header_rows)
            if prev and prev.signature == tuple(c.field for c in cols):
                target = prev           # the header repeated on a new chunk or page
            else:
                target = LogicalTable(len(tables) + 1, cols)
                tables.append(target)
        elif prev and abs(max(len(r) for r in rows) - len(prev.columns)) <= 1 and prev.fields():
            target = prev               # a chunk with no header continues the table above
        else:
            width = max(len(r) for r in rows)
            target = LogicalTable(len(tables) + 1, [Column(i, "", None) for i in range(width)])
            tables.append(target)
        for i, row in enumerate(rows[body_start:], start=body_start):
            if not any(c.text.strip() for c in row):
                continue
            if _header_fields(row) and tuple(_header_fields(row)) == target.signature:
                continue                # a repeated header inside the chunk
            line = block.line + i if block.line is not None else None
            target.rows.append(SourceRow(row, line, _row_page(row) or block.page))
    for t in tables:
        t.kind = classify(t)
    return tables, paragraphs


def classify(table: LogicalTable) -> str:
    f = table.fields()
    if (("measure" in f or "method" in f) and len(f & MEASURE_FIELDS) >= 2):
        return "measures"
    if "score" in f or ("indicator" in f and _has_cell_scores(table)):
        return "scores"
    return "other"


def _has_cell_scores(table: LogicalTable) -> bool:
    col = next((c.index for c in table.columns if c.field == "indicator"), None)
    if col is None:
        return False
    hits = sum(1 for r in table.rows if _SCORE_IN_CELL.search(normalize_text(_cell_text(r.cells, col))))
    return hits >= 2


@dataclass
class _Context:
    tool: Optional[str] = None
    indicator: Optional[str] = None
    indicator_no: Optional[int] = None


def _section_row(row: SourceRow, table: LogicalTable) -> Optional[str]:
    """The text of a row that only names a section (tool or indicator), else None."""
    texts = {normalize_cell(c.text) for c in row.cells if c.text.strip()}
    if len(texts) != 1:
        return None
    text = texts.pop()
    if len(text) > SECTION_ROW_MAX:
        return None
    if tool_in_text(text) or re.match(r"^(ด้าน|ตัวชี้วัดที่|ส่วนที่)", text):
        return text
    key_cols = {c.index for c in table.columns if c.field in ("tool", "indicator")}
    first = next(i for i, c in enumerate(row.cells) if c.text.strip())
    if first not in key_cols and indicator_from_text(text) and len(table.columns) > 2:
        return text
    return None


def _apply_section(text: str, ctx: _Context) -> None:
    tool = tool_in_text(text)
    no = indicator_from_text(text, tool or ctx.tool)
    if tool:
        ctx.tool, ctx.indicator, ctx.indicator_no = tool, None, None
    if no:  # the framework fixes each indicator's tool; the name is stored without its label
        ctx.indicator_no, ctx.indicator, ctx.tool = no, _INDICATOR_LABEL.sub("", text) or text, indicator_tool(no)


def _key_column(table: LogicalTable) -> Optional[int]:
    for f in ("measure", "method", "issue", "result"):
        for c in table.columns:
            if c.field == f:
                return c.index
    return None


def _merge_into(prev: SourceRow, row: SourceRow) -> None:
    """A row cut by a page break or a merged cell: append its cells to the row above."""
    for i, cell in enumerate(row.cells):
        if not cell.text.strip():
            continue
        if i < len(prev.cells):
            joined = "\n".join(t for t in (prev.cells[i].text, cell.text) if t.strip())
            prev.cells[i] = Cell(joined, prev.cells[i].page or cell.page, prev.cells[i].bbox)
        else:
            prev.cells.append(cell)


def measure_rows(table: LogicalTable, warnings: list[str]) -> list[MeasureRow]:
    key = _key_column(table)
    ctx = _Context()
    tool_cols = [c.index for c in table.columns if c.field in ("tool", "indicator")]
    groups: list[SourceRow] = []
    for row in table.rows:
        section = _section_row(row, table)
        if section:
            groups.append(SourceRow([], row.line, row.page, section=section))
            continue
        key_empty = key is not None and not _cell_text(row.cells, key).strip()
        names_section = any(_cell_text(row.cells, i).strip() for i in tool_cols)
        prev = groups[-1] if groups and groups[-1].section is None else None
        if key_empty and not names_section and prev is not None:
            _merge_into(prev, row)
            continue
        groups.append(SourceRow([Cell(c.text, c.page, c.bbox) for c in row.cells], row.line, row.page))

    rows: list[MeasureRow] = []
    for g in groups:
        if g.section is not None:
            _apply_section(g.section, ctx)
            continue
        values: dict[str, list[str]] = {}
        raw: dict[str, dict] = {}
        for col in table.columns:
            cell = g.cells[col.index] if col.index < len(g.cells) else Cell("")
            raw[f"{col.index}:{col.header}"] = {"text": cell.text, "page": cell.page, "bbox": cell.bbox,
                                                "field": col.field}
            text = normalize_cell(cell.text)
            if col.field and text:
                values.setdefault(col.field, []).append(text)
        if not any(values.get(f) for f in MEASURE_FIELDS):
            continue
        get = lambda f: "\n".join(values[f]) if values.get(f) else None  # noqa: E731
        m = MeasureRow(table_no=table.no, row_no=len(rows) + 1, page=g.page, line=g.line, raw=raw)
        for f in ("measure", "issue", "method", "owner", "result", "outcome"):
            setattr(m, f, get(f))
        # tool and indicator: own cells, else the section above / the row above ("same as above")
        tool_text, ind_text = get("tool"), get("indicator")
        if tool_text:
            ctx.tool = tool_in_text(tool_text) or ctx.tool
        if ind_text:
            ctx.indicator = ind_text
            ctx.indicator_no = indicator_from_text(ind_text, tool_in_text(ind_text) or ctx.tool)
            if ctx.indicator_no:
                ctx.tool = indicator_tool(ctx.indicator_no)
        m.tool = ctx.tool or tool_in_text(m.measure or "")
        m.indicator, m.indicator_no = ctx.indicator, ctx.indicator_no
        period = get("period")
        if period:
            m.period_text = period
            p = parse_period(period)
            m.period_start, m.period_end = p.start, p.end
            warnings.extend(f"table {table.no} row {m.row_no}: {w}" for w in p.warnings)
        if m.owner:
            m.owners = split_owners(m.owner)
        rows.append(m)
    return rows


def _cell_scores(table: LogicalTable) -> list[ScoreRow]:
    """Indicator scores from a scores table: the score in its own column or at the end of
    the indicator cell; an empty tool cell means the tool of the row above."""
    ind_col = next((c.index for c in table.columns if c.field == "indicator"), None)
    score_col = next((c.index for c in table.columns if c.field == "score"), None)
    tool_col = next((c.index for c in table.columns if c.field == "tool"), None)
    if ind_col is None:
        return []
    out, ctx = [], _Context()
    for row in table.rows:
        section = _section_row(row, table)
        if section:
            _apply_section(section, ctx)
            continue
        if tool_col is not None and _cell_text(row.cells, tool_col).strip():
            ctx.tool = tool_in_text(normalize_text(_cell_text(row.cells, tool_col))) or ctx.tool
        name = normalize_cell(_cell_text(row.cells, ind_col))
        score_text = normalize_text(_cell_text(row.cells, score_col)) if score_col is not None else name
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


def segment(doc: ExtractedDocument) -> SegmentedDocument:
    warnings: list[str] = []
    tables, paragraphs = build_tables(doc.blocks)
    measures: list[MeasureRow] = []
    scores: list[ScoreRow] = []
    for t in tables:
        if t.kind == "measures":
            unknown = [c.header for c in t.columns if c.field is None and c.header]
            if unknown:
                warnings.append(f"table {t.no}: unknown column header(s) kept in raw: " + ", ".join(unknown))
            measures.extend(measure_rows(t, warnings))
        if t.kind in ("scores", "measures"):
            scores.extend(_cell_scores(t))
    scores.extend(prose_scores([p for _, p in paragraphs]))
    facts = document_facts([p for _, p in paragraphs], measures)
    for s in scores:
        s.year = facts.ita_score_year
    if not any(t.kind == "measures" for t in tables):
        warnings.append("no measure table found")
    return SegmentedDocument(extracted=doc, facts=facts, measures=measures, scores=scores,
                             warnings=doc.warnings + warnings)
