"""`ita debug FILE --page N --out page.png`: what the PDF extractor saw on one page.

Nothing here finds anything. The whole document is read by ``extract_pdf`` itself, which
hands each page's model and blocks to ``on_page``; page N's are kept. So the rules, fills,
grids (with the spans and covered slots they give the cells), paragraphs, running
headers/footers (marked by the whole-document pass) and continuations (the assembled
``Table.pages``) shown are the extractor's own, whatever it does next release.
``pdf_debug_draw`` draws them; ``summary`` says them in a few lines.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from extractors.pdf import MAX_PAGES, extract_pdf
from extractors.pdf_flow import PageTable
from extractors.pdf_grid import Grid
from extractors.pdf_page import PageModel, check_file, open_document
from extractors.pdf_settings import TableSettings
from pipeline.records import Paragraph, Table


class DebugError(Exception):
    """A request this file cannot answer (page out of range): shown as one line."""


@dataclass
class TablePart:
    """One table as the extractor found it on this page."""
    number: int                      # the table's number in the document (reading order)
    table: Table                     # the document's table (all its pages)
    grid: Grid                       # its grid on this page: the cells, spans, source
    from_page: Optional[int] = None  # it continues the table from this page
    next_page: Optional[int] = None  # it goes on on this page

    @property
    def merged(self) -> int:
        return sum(1 for c in self.grid.cells if c.row_span > 1 or c.col_span > 1)


@dataclass
class PageView:
    path: str
    page_no: int
    pages: int                       # pages in the document
    model: PageModel
    parts: list[TablePart] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def page_count(path: str) -> int:
    """Raises ExtractionError for files that are not readable PDFs."""
    check_file(path)
    doc = open_document(path)
    try:
        return len(doc)
    finally:
        doc.close()


def read_page_view(path: str, page_no: int, settings: Optional[TableSettings] = None) -> PageView:
    """Page ``page_no`` (1-based) as the extractor read it, OCR off (the text layer is
    what the tables are built from)."""
    n = page_count(path)
    if not 1 <= page_no <= n:
        raise DebugError(f"page {page_no} is out of range: the document has {n} page{'s' * (n != 1)}")
    if page_no > MAX_PAGES:
        raise DebugError(f"page {page_no} is not read: the extractor reads the first {MAX_PAGES} pages")
    kept: dict = {}

    def keep(model, blocks):
        if model.page_no == page_no:
            kept["model"], kept["blocks"] = model, blocks

    doc = extract_pdf(path, ocr=False, settings=settings, on_page=keep)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    number = {id(t): k for k, t in enumerate(tables, 1)}
    # the one table that goes on onto this page (only a page's first block continues one)
    continued = next((t for t in tables if page_no in t.pages[1:]), None)
    view = PageView(str(path), page_no, n, kept["model"],
                    warnings=[w for w in doc.warnings if w.startswith(f"page {page_no}:")])
    for _, b in kept["blocks"].blocks:
        if isinstance(b, Paragraph):
            view.paragraphs.append(b)
            continue
        if not isinstance(b, PageTable):
            continue
        if id(b.table) in number:
            table, from_page = b.table, None
        else:                          # merged into the table it continues
            table, from_page = (continued, page_no - 1) if continued is not None else (b.table, None)
        nxt = page_no + 1 if table.pages and table.pages[-1] > page_no else None
        view.parts.append(TablePart(number.get(id(table), 0), table, b.grid, from_page, nxt))
    return view


def summary(view: PageView) -> list[str]:
    """What the picture shows, as lines: the page, its rules, each table (size, source,
    continuation), its paragraphs."""
    m = view.model
    hd = sum(r.dashed for r in m.hrules)
    vd = sum(r.dashed for r in m.vrules)
    out = [f"page {view.page_no} of {view.pages}: {m.width:.1f} x {m.height:.1f} pt, em {m.em:.1f} pt, "
           f"{len(m.chars)} characters",
           f"rules: {len(m.hrules)} horizontal ({hd} dashed), {len(m.vrules)} vertical ({vd} dashed); "
           f"fills {len(m.fills)}; images {len(m.images)}"]
    if not m.chars:
        out.append("no text layer on this page: no tables or paragraphs (OCR reads such pages as plain text)")
    for p in view.parts:
        g, t = p.grid, p.table
        cont = [f"continues from page {p.from_page}"] if p.from_page else []
        cont += [f"continues on page {p.next_page}"] if p.next_page else []
        whole = f"pages {t.pages[0]}-{t.pages[-1]}" if len(t.pages) > 1 else f"page {t.page}"
        out.append(f"table {p.number or '?'}: {g.source} grid, {g.n_cols} columns x {g.n_rows} rows here, "
                   f"{p.merged} merged cell{'s' * (p.merged != 1)}"
                   + (f"; {', '.join(cont)}" if cont else "")
                   + f"; in the document {len(t.rows)} rows on {whole}")
    running = sum(1 for p in view.paragraphs if p.role == "running")
    out.append(f"paragraphs: {len(view.paragraphs)} ({running} running header/footer)")
    out += [f"warning: {w}" for w in view.warnings]
    return out
