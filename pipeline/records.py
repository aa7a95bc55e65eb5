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
    text: str                                   # raw cell text (markup kept for TXT)
    page: Optional[int] = None                  # 1-based page where the cell is
    bbox: Optional[tuple[float, float, float, float]] = None  # x0, top, x1, bottom (PDF points)


@dataclass
class Table:
    rows: list[list[Cell]]
    page: Optional[int] = None                  # page of the first row
    line: Optional[int] = None                  # 1-based line in a TXT file
    bbox: Optional[tuple[float, float, float, float]] = None


@dataclass
class Paragraph:
    text: str
    page: Optional[int] = None
    line: Optional[int] = None


Block = Union[Paragraph, Table]


@dataclass
class PageInfo:
    page: int
    chars: int
    quality: Optional[float]                    # 0..1, share of text that reads as Thai words
    method: str                                 # text | ocr | none


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
