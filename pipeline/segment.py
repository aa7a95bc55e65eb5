"""Segment an extracted document into measure rows and score rows.

Steps, in order:
1. find each table chunk's header block and map its columns (pipeline.header_block);
2. merge chunks that continue one table (the same columns repeated, or no header and the
   same number of columns);
3. classify each logical table: measures (a measure or issue column and at least one of
   method / owner / period / result / outcome / ticks), scores, or other;
4. read rows: section rows (one cell across the table, or "ด้าน …/ตัวชี้วัดที่ …") set the
   tool / indicator / section context; a vertically merged cell gives its text to every
   row it covers; a row whose key cell is empty (not merged) continues the row above;
   ticked period and status sub-columns become dates and a status;
5. scores from indicator cells ("๑. การปฏิบัติหน้าที่ ๗๘.๗๙ คะแนน") and from prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline.dates import parse_period
from pipeline.docfacts import document_facts
from pipeline.header_block import Column, find_header, resolve_duplicates, width
from pipeline.indicators import indicator_from_text, indicator_tool, tool_in_text
from pipeline.normalize import normalize_cell, normalize_text
from pipeline.owners import split_owners
from pipeline.records import (Cell, ExtractedDocument, MeasureRow, Paragraph, ScoreRow,
                              SegmentedDocument, Table, cell_owner, cell_text)
from pipeline.scores import cell_scores, has_cell_scores, prose_scores
from pipeline.sections import Context, apply_section, section_row
from pipeline.ticks import is_ticked, ticked_option, ticked_period
from pipeline.vocab import load_lines

MEASURE_FIELDS = {"measure", "method", "owner", "period", "result", "outcome", "issue"}
DETAIL_FIELDS = {"method", "owner", "period", "result", "outcome"}
_BLANK = re.compile(r"[.\s…_\-–—:]*")   # leader dots of a blank form: a field not filled in


@dataclass
class SourceRow:
    cells: list[Cell]
    line: Optional[int]
    page: Optional[int]
    section: Optional[str] = None   # set on rows that only name a section
    merged: list[bool] = field(default_factory=list)   # per cell: text filled down from a merged cell


@dataclass
class LogicalTable:
    no: int
    columns: list[Column]
    rows: list[SourceRow] = field(default_factory=list)
    kind: str = "other"

    @property
    def signature(self) -> tuple:
        return tuple((c.field, c.kind) for c in self.columns)

    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}

    def has(self, kind: str) -> bool:
        return any(c.kind == kind for c in self.columns)


def _row_page(row: list[Cell]) -> Optional[int]:
    return next((c.page for c in row if c.page is not None and c.text.strip()), None) or \
        next((c.page for c in row if c.page is not None), None)


def _filled_down(rows: list[list[Cell]], r: int) -> tuple[list[Cell], list[bool]]:
    """Row ``r`` with each cell covered by a vertical merge given the merged cell's text
    (one owner or one period for a group of rows)."""
    out, merged = [], []
    for c, cell in enumerate(rows[r]):
        owner = cell_owner(rows, r, c) if cell.covered else None
        if owner is not None and owner.row_span > 1 and all(owner is not x for x in rows[r]):
            out.append(Cell(owner.text, cell.page, cell.bbox))
            merged.append(True)
        else:
            out.append(cell)
            merged.append(False)
    return out, merged


def build_tables(blocks: list) -> tuple[list[LogicalTable], list[tuple[int, Paragraph]]]:
    """Merge table chunks into logical tables; returns the tables and the paragraphs, each
    with the number of tables before it. Title rows of tables ("หน่วยงาน : …") are kept as
    paragraphs too: they name the agency and the period as prose does."""
    tables: list[LogicalTable] = []
    paragraphs: list[tuple[int, Paragraph]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs.append((len(tables), block))
            continue
        if not isinstance(block, Table) or not block.rows:
            continue
        rows = block.rows
        n = width(rows)
        hb = find_header(rows)
        prev = tables[-1] if tables else None
        if hb is not None:
            for r in hb.title_rows:
                paragraphs.append((len(tables), Paragraph(text=rows[r][0].text if rows[r] else "", page=_row_page(rows[r]),
                                                          line=block.line + r if block.line is not None else None)))
            resolve_duplicates(hb.columns, rows[hb.end:])
            sig = tuple((c.field, c.kind) for c in hb.columns)
            if prev and prev.signature == sig:
                target = prev           # the header repeated on a new chunk or page
            else:
                target = LogicalTable(len(tables) + 1, hb.columns)
                tables.append(target)
            body_start = hb.end
        elif prev and abs(n - len(prev.columns)) <= 1 and (prev.fields() or prev.has("tick")):
            target, body_start = prev, 0    # a chunk with no header continues the table above
        else:
            target = LogicalTable(len(tables) + 1, [Column(i, "", None, "unknown") for i in range(n)])
            tables.append(target)
            body_start = 0
        header_texts = [[c.text for c in rows[r]] for r in (hb.rows if hb else [])]
        for i in range(body_start, len(rows)):
            row = rows[i]
            if not any(c.text.strip() for c in row) or [c.text for c in row] in header_texts:
                continue                # empty, or the header repeated inside the chunk
            cells, merged = _filled_down(rows, i)
            line = block.line + i if block.line is not None else None
            target.rows.append(SourceRow(cells, line, _row_page(row) or block.page, merged=merged))
    for t in tables:
        t.kind = classify(t)
    return tables, paragraphs


def classify(table: LogicalTable) -> str:
    f = table.fields()
    ticks = table.has("tick") or table.has("status")
    if ("measure" in f or "issue" in f) and (f & DETAIL_FIELDS or ticks):
        return "measures"
    if "method" in f and ({"result", "outcome"} & f or (ticks and "owner" in f)):
        return "measures"           # activities and what came of them, without a measure column
    if "score" in f or ("indicator" in f and has_cell_scores(table)):
        return "scores"
    return "other"


def _key_column(table: LogicalTable) -> Optional[int]:
    for f in ("measure", "method", "issue", "result"):
        for c in table.columns:
            if c.field == f:
                return c.index
    return None


def _merge_into(prev: SourceRow, row: SourceRow) -> None:
    """A row cut by a page break or a merged cell: append its cells to the row above."""
    for i, cell in enumerate(row.cells):
        if not cell.text.strip() or (row.merged and row.merged[i]):
            continue
        if i < len(prev.cells):
            joined = "\n".join(t for t in (prev.cells[i].text, cell.text) if t.strip())
            prev.cells[i] = Cell(joined, prev.cells[i].page or cell.page, prev.cells[i].bbox)
        else:
            prev.cells.append(cell)


def _groups(table: LogicalTable) -> list[SourceRow]:
    key = _key_column(table)
    tool_cols = [c.index for c in table.columns if c.field in ("tool", "indicator")]
    groups: list[SourceRow] = []
    for row in table.rows:
        section = section_row(row, table)
        if section:
            groups.append(SourceRow([], row.line, row.page, section=section))
            continue
        key_empty = key is not None and not cell_text(row.cells, key).strip()
        names_section = any(cell_text(row.cells, i).strip() for i in tool_cols)
        prev = groups[-1] if groups and groups[-1].section is None else None
        if key_empty and not names_section and prev is not None:
            _merge_into(prev, row)
            continue
        groups.append(SourceRow([Cell(c.text, c.page, c.bbox, shaded=c.shaded) for c in row.cells],
                                row.line, row.page, merged=list(row.merged)))
    return groups


def measure_rows(table: LogicalTable, warnings: list[str],
                 ticked: Optional[dict[int, list[tuple]]] = None) -> list[MeasureRow]:
    """Measure rows of a measures table. ``ticked`` collects, by id of the row, the
    ticked period columns: they are dated once the fiscal year is known."""
    ctx = Context()
    has_result = any(c.field == "result" for c in table.columns)
    tick_cols = [c for c in table.columns if c.kind == "tick"]
    status_cols = [c for c in table.columns if c.kind == "status"]
    rows: list[MeasureRow] = []
    for g in _groups(table):
        if g.section is not None:
            apply_section(g.section, ctx)
            continue
        values: dict[str, list[str]] = {}
        raw: dict[str, dict] = {}
        for col in table.columns:
            cell = g.cells[col.index] if col.index < len(g.cells) else Cell("")
            raw[f"{col.index}:{col.header}"] = {"text": cell.text, "page": cell.page, "bbox": cell.bbox,
                                                "field": col.field}
            text = normalize_cell(cell.text)
            if col.field and text and not _BLANK.fullmatch(text):
                values.setdefault(col.field, []).append(text)
        if not any(values.get(f) for f in MEASURE_FIELDS):
            continue
        get = lambda f: "\n".join(values[f]) if values.get(f) else None  # noqa: E731
        m = MeasureRow(table_no=table.no, row_no=len(rows) + 1, page=g.page, line=g.line, raw=raw,
                       section=ctx.section)
        for f in ("measure", "issue", "method", "owner", "result", "outcome"):
            setattr(m, f, get(f))
        status = _status(g, table, status_cols)
        if status and not has_result:
            m.result = status
        elif status:
            raw["status"] = {"text": status, "page": g.page, "bbox": None, "field": None}
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
        ticks = [c.tick for c in tick_cols if c.index < len(g.cells) and is_ticked(g.cells[c.index], g.cells)]
        if ticks:
            raw["ticks"] = {"text": " ".join(map(str, ticks)), "page": g.page, "bbox": None, "field": "period"}
            if ticked is not None:
                ticked[id(m)] = ticks
        if m.owner:
            m.owners = split_owners(m.owner)
        rows.append(m)
    return rows


def _status(g: SourceRow, table: LogicalTable, status_cols: list[Column]) -> Optional[str]:
    """The ticked status sub-column's wording, or the ticked option of a tick-box list."""
    ticked = [c.status for c in status_cols if c.index < len(g.cells) and is_ticked(g.cells[c.index], g.cells)]
    if ticked:
        return ticked[0]
    for c in table.columns:
        if c.kind == "status_list" and c.index < len(g.cells):
            if opt := ticked_option(normalize_cell(g.cells[c.index].text)):
                return opt
    return None


def _why_empty(tables: list[LogicalTable]) -> str:
    """The reason a document has no measure table, for a person reading the warnings."""
    kinds = [t for t in tables if t.fields()]
    if not kinds:
        return "no measure table found"
    t = max(kinds, key=lambda t: len(t.fields()))
    return ("no measure table found: the largest table has columns " +
            ", ".join(sorted(t.fields())) + " only (no measure or issue column beside method, owner, period or result)")


def _once(paragraphs) -> list[Paragraph]:
    """Paragraphs with each running header/footer kept once: a page header naming the
    agency on every page must not outvote the report's own text."""
    seen: set[str] = set()
    out = []
    for p in paragraphs:
        if p.role == "running":
            key = re.sub(r"\s+", "", p.text)
            if key in seen:
                continue
            seen.add(key)
        out.append(p)
    return out


def mentions_ita(blocks: list) -> bool:
    """Does the document name what ITA measures reports are about (schemas/ita_terms.txt)?"""
    terms = load_lines("ita_terms.txt")
    for b in blocks:
        texts = [b.text] if isinstance(b, Paragraph) else [c.text for r in b.rows for c in r] if isinstance(b, Table) else []
        for t in texts:
            t = normalize_text(t)
            if any(term in t for term in terms):
                return True
    return False


def segment(doc: ExtractedDocument) -> SegmentedDocument:
    warnings: list[str] = []
    tables, paragraphs = build_tables(doc.blocks)
    measures: list[MeasureRow] = []
    scores: list[ScoreRow] = []
    ticked: dict[int, list[tuple]] = {}
    for t in tables:
        if t.kind == "measures":
            unknown = [c.header for c in t.columns if c.kind == "unknown" and c.header]
            if unknown:
                warnings.append(f"table {t.no}: unknown column header(s) kept in raw: " + ", ".join(unknown))
            measures.extend(measure_rows(t, warnings, ticked))
        if t.kind in ("scores", "measures"):
            scores.extend(cell_scores(t))
    scores.extend(prose_scores([p for _, p in paragraphs]))
    facts = document_facts(_once(p for _, p in paragraphs), measures)
    for s in scores:
        s.year = facts.ita_score_year
    for m in measures:
        if id(m) in ticked and not m.period_text:
            m.period_start, m.period_end = ticked_period(ticked[id(m)], facts.fiscal_year)
    if measures and not mentions_ita(doc.blocks):
        measures = []
        warnings.append("not an ITA measures report: its tables look like measures, but the text never names "
                        "มาตรการ, คุณธรรม, ความโปร่งใส, ทุจริต or ITA (schemas/ita_terms.txt); no rows stored")
    elif not any(t.kind == "measures" for t in tables):
        warnings.append(_why_empty(tables))
    return SegmentedDocument(extracted=doc, facts=facts, measures=measures, scores=scores,
                             warnings=doc.warnings + warnings)
