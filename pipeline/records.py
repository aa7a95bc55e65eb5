"""Plain records passed between the pipeline stages.

extract  -> ExtractedDocument (blocks: Paragraph | Table, in reading order)
segment  -> SegmentedDocument (facts, measure rows, score rows)
load     -> DuckDB rows

Every record carries provenance (page, line, bbox) so that each stored value can be
traced back to its file, page, table and row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional, Union


@dataclass
class SourceFile:
    path: str                                   # as given on the command line, made absolute
    sha256: str
    size: int

    @property
    def doc_id(self) -> str:
        """Derived from the file's bytes: the same content is the same document."""
        return self.sha256[:16]


class ExtractionError(Exception):
    """A document cannot be read. The message is shown to a person: say what is wrong
    and, where possible, what to do (e.g. "password-protected PDF")."""


@dataclass
class Cell:
    """One cell of a table grid. Every row of a Table has the same number of cells: a cell
    spanning k columns or rows (merged cells) is the top-left one with ``col_span``/
    ``row_span`` = k, and the grid positions it hides are cells with ``covered=True`` and
    no text (a covered cell is not an empty cell). Formats that know no spans (TXT) leave
    spans at 1: a merged cell there is an empty string beside its neighbour."""
    text: str                                   # raw cell text (markup kept for TXT)
    page: Optional[int] = None                  # 1-based page where the cell is
    bbox: Optional[tuple[float, float, float, float]] = None  # x0, top, x1, bottom (PDF points)
    row_span: int = 1
    col_span: int = 1
    covered: bool = False                       # hidden under another cell's span
    shaded: bool = False                        # filled background (header rows, ticked cells)
    bold: bool = False                          # most of the text is bold


@dataclass
class Table:
    rows: list[list[Cell]]
    page: Optional[int] = None                  # page of the first row
    line: Optional[int] = None                  # 1-based line in a TXT file (paragraph index in DOCX)
    bbox: Optional[tuple[float, float, float, float]] = None   # on the first page
    cols: Optional[list[float]] = None          # column edges x (PDF points), len = columns + 1
    pages: list[int] = field(default_factory=list)             # every page the table is on
    source: Optional[str] = None                # how the grid was found: txt | rules | text | ocr | docx


def cell_text(row: list, i: int) -> str:
    """The text of a row's i-th cell, '' past its end (rows of a ragged table)."""
    return row[i].text if i < len(row) else ""


def cell_owner(rows: list[list[Cell]], r: int, c: int) -> Optional[Cell]:
    """The cell whose span covers grid position (r, c): the cell itself unless it is
    covered (None outside the grid)."""
    if r >= len(rows) or c >= len(rows[r]):
        return None
    if not rows[r][c].covered:
        return rows[r][c]
    for rr in range(r, -1, -1):
        for cc in range(c, -1, -1):
            cell = rows[rr][cc] if cc < len(rows[rr]) else None
            if cell is not None and not cell.covered and rr + cell.row_span > r and cc + cell.col_span > c:
                return cell
    return rows[r][c]


@dataclass
class Paragraph:
    text: str
    page: Optional[int] = None
    line: Optional[int] = None                  # 1-based line in a TXT file (paragraph index in DOCX)
    bbox: Optional[tuple[float, float, float, float]] = None
    font_size: Optional[float] = None           # median font size of its characters (pt)
    bold: bool = False
    role: Optional[str] = None                  # body | heading | running (page header/footer, page number)


Block = Union[Paragraph, Table]


@dataclass
class PageInfo:
    page: int
    chars: int
    quality: Optional[float]                    # 0..1, share of text that reads as Thai words
    method: str                                 # text | ocr | none
    ocr_confidence: Optional[float] = None      # mean Tesseract word confidence 0..100 (OCR'd pages)
    width: Optional[float] = None               # page size in PDF points (after /Rotate)
    height: Optional[float] = None


@dataclass
class ExtractedDocument:
    source_path: str
    format: str                                 # txt | pdf
    blocks: list[Block] = field(default_factory=list)
    pages: Optional[int] = None
    page_info: list[PageInfo] = field(default_factory=list)
    status: str = "ok"                          # ok | needs_ocr (failed is raised as ExtractionError)
    error: Optional[str] = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class OwnerUnit:
    unit: str                                   # canonical unit name
    unit_raw: str                               # as written in the cell


@dataclass
class MeasureRow:
    table_no: int
    row_no: int
    page: Optional[int] = None
    line: Optional[int] = None
    tool: Optional[str] = None
    indicator_no: Optional[int] = None
    indicator: Optional[str] = None
    measure: Optional[str] = None
    issue: Optional[str] = None
    method: Optional[str] = None
    owner: Optional[str] = None
    period_text: Optional[str] = None
    period_start: Optional[date] = None
    period_end: Optional[date] = None
    result: Optional[str] = None
    outcome: Optional[str] = None
    section: Optional[str] = None               # the section row above it (กลยุทธ์ที่ 1…, ด้าน IIT)
    raw: dict = field(default_factory=dict)     # header -> {text, page, bbox} of the original cells
    owners: list[OwnerUnit] = field(default_factory=list)


@dataclass
class ScoreRow:
    year: Optional[int]
    tool: Optional[str]
    indicator_no: Optional[int]
    indicator: Optional[str]
    item_code: Optional[str]
    score: float
    page: Optional[int] = None


@dataclass
class DocumentFacts:
    agency: Optional[str] = None
    agency_type: Optional[str] = None
    district: Optional[str] = None
    province: Optional[str] = None
    fiscal_year: Optional[int] = None           # Buddhist era
    ita_score: Optional[float] = None
    ita_score_year: Optional[int] = None        # Buddhist era
    ita_grade: Optional[str] = None
    title: Optional[str] = None


@dataclass
class SegmentedDocument:
    extracted: ExtractedDocument
    facts: DocumentFacts
    measures: list[MeasureRow] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.extracted.status != "ok":
            return self.extracted.status
        return "ok" if self.measures else "empty"


# ---------------------------------------------------------------- JSON round trip
def _to_plain(obj):
    if isinstance(obj, (Paragraph, Table)):
        d = {"type": type(obj).__name__.lower()}
        d.update({k: _to_plain(v) for k, v in obj.__dict__.items()})
        return d
    if hasattr(obj, "__dataclass_fields__"):
        return {k: _to_plain(v) for k, v in obj.__dict__.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_plain(v) for v in obj]
    return obj


def document_to_dict(doc: ExtractedDocument) -> dict:
    """Plain JSON-able form of an extracted document (``ita extract FILE --json``)."""
    return _to_plain(doc)


def _bbox(v):
    return tuple(v) if v is not None else None


def document_from_dict(d: dict) -> ExtractedDocument:
    """Inverse of ``document_to_dict``."""
    blocks: list[Block] = []
    for b in d.get("blocks", []):
        b = dict(b)
        kind = b.pop("type")
        if kind == "paragraph":
            blocks.append(Paragraph(**{**b, "bbox": _bbox(b.get("bbox"))}))
        else:
            rows = [[Cell(**{**c, "bbox": _bbox(c.get("bbox"))}) for c in r] for r in b.pop("rows")]
            blocks.append(Table(rows=rows, **{**b, "bbox": _bbox(b.get("bbox"))}))
    return ExtractedDocument(
        source_path=d["source_path"], format=d["format"], blocks=blocks, pages=d.get("pages"),
        page_info=[PageInfo(**p) for p in d.get("page_info", [])], status=d.get("status", "ok"),
        error=d.get("error"), warnings=list(d.get("warnings", [])))
