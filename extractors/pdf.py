"""PDF -> ExtractedDocument.

One parse per page (``pdf_page.read_page``: characters, rules, fills, images from
pypdfium2), then, per page:

1. grids from ruling lines (``pdf_grid``): cells with row and column spans;
2. areas marked by partial rules (horizontal rules only, booktabs, frames) read from the
   text's layout (``pdf_text_grid``);
3. characters to cells by their centre, cell text joined and repaired (``pdf_cells``);
   the rest becomes paragraphs with box, font size and boldness (``pdf_lines``);
4. text quality per page; pages without usable text go to OCR (``ocr``).

Then the pages become one document (``pdf_flow``): running headers/footers marked,
tables continued over pages by their column edges, repeated header rows dropped, rows cut
by a page break joined. Tables are handed on whole — header rows included, with spans:
finding the header and mapping columns to fields is segmentation's job, not this one's.
Every tolerance is in ``TableSettings`` (em units).
"""
from __future__ import annotations

import functools
import statistics
from typing import Callable, Optional

from extractors import ocr_page
from extractors.pdf_cells import grid_table
from extractors.pdf_flow import PageBlocks, PageTable, assemble, is_page_number
from extractors.pdf_grid import rule_grids
from extractors.pdf_lines import lines_text, paragraphs, text_lines
from extractors.pdf_page import MARK, PageModel, check_file, document_em, open_document, read_page
from extractors.pdf_settings import TableSettings
from extractors.pdf_stack import continued_area, stack_grids
from extractors.pdf_text_grid import inside, rule_regions, text_grid, text_grids
from extractors.quality import OCR_THRESHOLD, text_quality
from pipeline.records import ExtractedDocument, PageInfo, Paragraph, Table

MAX_PAGES = 2000                 # hard bound on pages read from one file
NEEDS_OCR_MESSAGE = ("scanned PDF: no text layer; install Tesseract with the Thai model "
                     "(apt-get install tesseract-ocr tesseract-ocr-tha) to read it")


# ---------------------------------------------------------------- one page
def _paragraph_blocks(chars, page_no: int, s: TableSettings) -> list[tuple[float, Paragraph]]:
    out = []
    for group in paragraphs(text_lines(chars, s.word_gap), s.para_gap):
        text = lines_text([ln.text for ln in group])
        if not text.strip():
            continue
        cs = [c for ln in group for c in ln.chars if not MARK.match(c.c)]
        bbox = (round(min(ln.x0 for ln in group), 2), round(group[0].top, 2),
                round(max(ln.x1 for ln in group), 2), round(group[-1].bottom, 2))
        out.append((group[0].top, Paragraph(
            text=text, page=page_no, bbox=bbox,
            font_size=round(statistics.median(ln.height for ln in group), 2),
            bold=bool(cs) and sum(c.bold for c in cs) >= 0.6 * len(cs))))
    return out


def page_tables(model: PageModel, s: TableSettings,
                open_cols: Optional[list[float]] = None) -> tuple[list[PageTable], list]:
    """-> (tables of the page, characters outside them). ``open_cols``: the column edges of
    a table the previous page ended with, not closed by a rule: text at the top of this page
    in those columns goes on with it even without rules."""
    em = model.em
    if len(model.hrules) * len(model.vrules) > s.max_rule_pairs:
        # a drawing (a chart, a hatched map, a hostile file), not a table: its rules would
        # cost minutes to pair up and give nothing; the text is read as paragraphs
        model.warnings.append(f"page {model.page_no}: {len(model.hrules) + len(model.vrules)} ruling lines: "
                              "read as text only")
        return [], model.chars
    grids, rest = rule_grids(model.hrules, model.vrules, em, s)
    grids = stack_grids(grids, model.chars, em, s)
    found: list[PageTable] = []
    taken: set[int] = set()
    boxes = []
    for g in grids:
        t, ids = grid_table(g, model.chars, model.fills, model.page_no, s)
        boxes.append(g.bbox)
        if ids:                                   # a grid without text is a drawing
            found.append(PageTable(t, g.top_drawn, g.bottom_drawn, g, [c for c in model.chars if id(c) in ids],
                                   model.fills))
            taken |= ids
    free = [c for c in model.chars if id(c) not in taken]
    hs = [h for comp in rest for h in comp[0]]
    vs = [v for comp in rest for v in comp[1]]
    for bbox, ys in rule_regions(hs, vs, model.width, boxes, free, em, s):
        for g in text_grids(bbox, ys, free, em, s):
            t, ids = grid_table(g, free, model.fills, model.page_no, s)
            if ids:
                found.append(PageTable(t, g.top_drawn, g.bottom_drawn, g, [c for c in free if id(c) in ids],
                                       model.fills))
                free = [c for c in free if id(c) not in ids]
    if open_cols and free:
        area = continued_area(free, open_cols, em, s)
        if area and not any(pt.table.bbox[1] < area[3] for pt in found):
            g = text_grid(area, [], [c for c in free if inside(c, area)], em, s, columns=open_cols)
            if g is not None:
                t, ids = grid_table(g, free, model.fills, model.page_no, s)
                if ids:
                    found.append(PageTable(t, False, False, g, [c for c in free if id(c) in ids], model.fills))
                    free = [c for c in free if id(c) not in ids]
    found.sort(key=lambda pt: pt.table.bbox[1])
    return found, free


def read_blocks(model: PageModel, s: TableSettings, open_cols: Optional[list[float]] = None) -> PageBlocks:
    pb = PageBlocks(model.page_no, model.height, model.em)
    if not model.chars:
        return pb
    tables, rest = page_tables(model, s, open_cols)
    pb.blocks = [(t.table.bbox[1], t) for t in tables] + _paragraph_blocks(rest, model.page_no, s)
    pb.blocks.sort(key=lambda b: b[0])
    return pb


def _open_columns(pb: PageBlocks) -> Optional[list[float]]:
    """Column edges of the table a page ends with when no rule closes it, else None."""
    last = next((b for _, b in reversed(pb.blocks)          # past a page number or a short footer
                 if not (isinstance(b, Paragraph) and (len(b.text) <= 12 or is_page_number(b.text)))), None)
    if isinstance(last, PageTable) and not last.bottom_drawn and last.table.cols:
        return last.table.cols
    return None


def _text(pb: PageBlocks) -> str:
    parts = []
    for _, b in pb.blocks:
        if isinstance(b, Paragraph):
            parts.append(b.text)
        else:
            parts.extend(c.text for r in b.table.rows for c in r if c.text)
    return "\n".join(parts)


def _wants_ocr(model: PageModel, quality: Optional[float]) -> bool:
    images = ocr_page.content_images(model.images, [(c.cx, c.cy) for c in model.chars])
    return ocr_page.wants_ocr(len(model.chars), quality, ocr_page.covered_share(images, model.width, model.height))


# ---------------------------------------------------------------- the document
def extract_pdf(path: str, *, ocr: bool = True, max_ocr_pages: Optional[int] = None,
                settings: Optional[TableSettings] = None,
                on_page: Optional[Callable[[PageModel, PageBlocks], None]] = None) -> ExtractedDocument:
    """``on_page(model, blocks)`` sees each page as read (``ita debug`` draws them)."""
    s = settings or TableSettings.from_env()
    check_file(path)
    doc = open_document(path)
    result = ExtractedDocument(source_path=str(path), format="pdf")
    try:
        n = len(doc)
        result.pages = n
        if n > MAX_PAGES:
            result.warnings.append(f"only the first {MAX_PAGES} of {n} pages were read")
        doc_em = functools.lru_cache(maxsize=1)(lambda: document_em(doc))   # only for pages with little text
        pages: list[PageBlocks] = []
        ocr_wanted: list[int] = []
        for i in range(min(n, MAX_PAGES)):
            page_no = i + 1
            page = doc[i]
            try:
                model = read_page(page, page_no, s, doc_em)
                pb = read_blocks(model, s, _open_columns(pages[-1]) if pages else None)
                text = _text(pb)
                result.warnings.extend(model.warnings)
            except Exception as e:  # noqa: BLE001 - a broken page must not lose the document
                result.warnings.append(f"page {page_no}: unreadable ({type(e).__name__}: {e})")
                model, pb, text = PageModel(page_no, 0.0, 0.0), PageBlocks(page_no, 0.0, doc_em()), ""
            finally:
                page.close()
            if on_page is not None:
                on_page(model, pb)
            q = text_quality(text) if text.strip() else None
            result.page_info.append(PageInfo(page=page_no, chars=len(model.chars), quality=q,
                                             method="text" if model.chars else "none",
                                             width=round(model.width, 2), height=round(model.height, 2)))
            if _wants_ocr(model, q):
                ocr_wanted.append(i)
            pages.append(pb)
        if ocr_wanted and ocr:
            _run_ocr(doc, ocr_wanted, pages, result, max_ocr_pages)
        elif ocr_wanted:
            result.warnings.append(f"{len(ocr_wanted)} page(s) without usable text; OCR disabled")
        try:
            result.blocks = assemble(pages, s)
        except Exception as e:  # noqa: BLE001 - the pages are still worth having, unjoined
            result.warnings.append(f"tables across pages not joined ({type(e).__name__}: {e})")
            result.blocks = [b.table if isinstance(b, PageTable) else b for pb in pages for _, b in pb.blocks]
        # (a scan that Tesseract read and found nothing on is empty, not waiting for OCR)
        if not any(p.method in ("text", "ocr") and (p.chars or p.method == "ocr") for p in result.page_info):
            result.status = "needs_ocr"
            result.error = result.error or NEEDS_OCR_MESSAGE
        return result
    finally:
        doc.close()


def _run_ocr(doc, wanted: list[int], pages: list[PageBlocks], result: ExtractedDocument,
             max_ocr_pages: Optional[int]) -> None:
    """OCR the wanted pages (``ocr_page.read_page``). A page OCR'd for an image under a good
    text layer keeps its typed text outside the images; a poor text layer is replaced
    only when OCR reads better."""
    ok, msg = ocr_page.ocr_available()
    if not ok:
        result.warnings.append(f"{len(wanted)} page(s) need OCR: {msg}")
        return
    limit = ocr_page.MAX_OCR_PAGES if max_ocr_pages is None else max_ocr_pages
    if len(wanted) > limit:
        result.warnings.append(f"OCR limited to {limit} of {len(wanted)} pages")
    for i in wanted[:limit]:
        info = result.page_info[i]
        try:
            got = ocr_page.read_page(doc[i], i + 1)
        except Exception as e:  # noqa: BLE001 - one page must not lose the document
            result.warnings.append(f"page {i + 1}: OCR failed ({type(e).__name__}: {e})")
            continue
        result.warnings.extend(got.warnings)
        if not got.info.chars:
            result.warnings.append(f"page {i + 1}: OCR found no text")
        if info.chars and info.quality is not None and info.quality >= OCR_THRESHOLD:
            pages[i].blocks = ocr_page.merge_typed(pages[i].blocks, got.blocks, ocr_page.image_boxes(doc[i]))
            result.page_info[i] = PageInfo(page=i + 1, chars=info.chars + got.info.chars, quality=info.quality,
                                           method="ocr", ocr_confidence=got.info.ocr_confidence,
                                           width=info.width, height=info.height)
            continue
        if info.chars and info.quality is not None and (got.info.quality or 0.0) <= info.quality:
            continue                      # OCR is not better than the poor text layer
        pages[i].blocks = ocr_page.flow_blocks(got.blocks)
        result.page_info[i] = got.info


def tables(doc: ExtractedDocument) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]
