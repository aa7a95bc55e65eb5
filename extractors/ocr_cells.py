"""OCR characters -> table cells and paragraphs.

Each character Tesseract read goes to the cell whose box holds its centre (cells of
``ocr_grid.Grid``, in pixels); a cell's characters keep Tesseract's line order, lines are
joined like the text layer's (``extractors.pdf_lines.join_lines``: no space when the break falls
inside a Thai word) and repaired (``thai_repair.repair_text``, then the OCR confusions of
``ocr_repair``). Characters outside every table form text lines, and lines close together
(gap below ``PARA_GAP`` line heights) one ``Paragraph``.
"""
from __future__ import annotations

import bisect
from typing import Optional, Union

from pipeline.records import Cell, Paragraph, Table

from extractors import ocr_repair
from extractors.pdf_flow import PageTable
from extractors.pdf_lines import join_lines
from extractors.ocr import Glyph, Recognized
from extractors.ocr_grid import Grid

PARA_GAP = 0.6          # a vertical gap wider than this many line heights ends a paragraph
LINE_PT_PER_FONT_PT = 1.35   # Thai line boxes hold marks above and below: ~1.35 x the font size

Block = Union[Paragraph, Table]


def clean_text(lines: list[str]) -> str:
    return ocr_repair.repair_ocr(join_lines(lines))


def _piece_text(glyphs: list[Glyph]) -> str:
    return "".join((" " if g.space_before and i else "") + g.c for i, g in enumerate(glyphs)).strip()


class _Owner:
    """Which cell of which grid holds a point: bisect on the grid edges, then the fine
    position's owning (top-left) cell."""

    def __init__(self, grids: list[Grid]):
        self.grids = grids
        self.owner = []
        for g in grids:
            m = {}
            for k, (r, c, rs, cs) in enumerate(g.cells):
                for i in range(r, r + rs):
                    for j in range(c, c + cs):
                        m[(i, j)] = k
            self.owner.append(m)

    def find(self, x: float, y: float) -> Optional[tuple[int, int]]:
        for gi, g in enumerate(self.grids):
            if g.xs[0] <= x <= g.xs[-1] and g.ys[0] <= y <= g.ys[-1]:
                j = min(len(g.xs) - 2, max(0, bisect.bisect_right(g.xs, x) - 1))
                i = min(len(g.ys) - 2, max(0, bisect.bisect_right(g.ys, y) - 1))
                k = self.owner[gi].get((i, j))
                return (gi, k) if k is not None else None
        return None


def page_blocks(rec: Recognized, grids: list[Grid], scale: float, page_no: int) -> list[tuple[float, Block]]:
    owner = _Owner(grids)
    # per grid cell: [(line index, [glyphs])]; outside: [(line box, [glyphs])]
    cell_lines: list[dict[int, dict[int, list[Glyph]]]] = [{} for _ in grids]
    outside: list[list[Glyph]] = []
    for li, line in enumerate(rec.lines):
        rest: list[Glyph] = []
        for g in line.glyphs:
            x0, t, x1, b = g.box
            hit = owner.find((x0 + x1) / 2, (t + b) / 2)
            if hit is None:
                rest.append(g)
            else:
                gi, k = hit
                cell_lines[gi].setdefault(k, {}).setdefault(li, []).append(g)
        if rest:
            outside.append(rest)
    blocks: list[tuple[float, Block]] = []
    for gi, g in enumerate(grids):
        blocks.append((g.ys[0] / scale, _table(g, cell_lines[gi], scale, page_no)))
    blocks.extend(_paragraphs(outside, scale, page_no))
    blocks.sort(key=lambda b: b[0])
    return blocks


def _pt(box, scale: float) -> tuple[float, float, float, float]:
    return tuple(round(v / scale, 2) for v in box)


def _table(g: Grid, lines_of: dict[int, dict[int, list[Glyph]]], scale: float, page_no: int) -> Table:
    nr, nc = len(g.ys) - 1, len(g.xs) - 1
    rows = [[Cell(text="", page=page_no, covered=True) for _ in range(nc)] for _ in range(nr)]
    for k, (r, c, rs, cs) in enumerate(g.cells):
        pieces = lines_of.get(k, {})
        ordered = sorted(pieces.values(), key=lambda gl: (min(x.box[1] for x in gl), min(x.box[0] for x in gl)))
        text = clean_text([_piece_text(gl) for gl in ordered])
        box = (g.xs[c], g.ys[r], g.xs[c + cs], g.ys[r + rs])
        rows[r][c] = Cell(text=text, page=page_no, bbox=_pt(box, scale), row_span=rs, col_span=cs)
    return Table(rows=rows, page=page_no, bbox=_pt(g.bbox, scale), cols=[round(x / scale, 2) for x in g.xs],
                 pages=[page_no], source="ocr")


def _paragraphs(lines: list[list[Glyph]], scale: float, page_no: int) -> list[tuple[float, Paragraph]]:
    boxed = []
    for gl in lines:
        box = (min(g.box[0] for g in gl), min(g.box[1] for g in gl),
               max(g.box[2] for g in gl), max(g.box[3] for g in gl))
        boxed.append((box, _piece_text(gl)))
    boxed.sort(key=lambda b: (b[0][1], b[0][0]))
    groups: list[list] = []
    for box, text in boxed:
        if not text:
            continue
        if groups:
            pbox = groups[-1][-1][0]
            h = max(1, pbox[3] - pbox[1])
            if box[1] - pbox[3] <= PARA_GAP * h and box[1] >= pbox[1]:
                groups[-1].append((box, text))
                continue
        groups.append([(box, text)])
    out = []
    for grp in groups:
        text = clean_text([t for _, t in grp])
        if not text.strip():
            continue
        box = (min(b[0] for b, _ in grp), min(b[1] for b, _ in grp),
               max(b[2] for b, _ in grp), max(b[3] for b, _ in grp))
        heights = sorted(b[3] - b[1] for b, _ in grp)
        size = round(heights[len(heights) // 2] / scale / LINE_PT_PER_FONT_PT, 1)
        out.append((box[1] / scale, Paragraph(text=text, page=page_no, bbox=_pt(box, scale), font_size=size)))
    return out


def block_text(b: Block) -> str:
    if isinstance(b, Paragraph):
        return b.text
    return "\n".join(c.text for row in b.rows for c in row if c.text)


class OcrPageTable(PageTable):
    """An OCR table as the PDF extractor's page table (``pdf_flow``: continued over pages by
    its column edges). Read again in other columns by moving each cell's text to the column
    holding the start of the cell."""

    def reslot(self, cols: list[float]) -> None:
        old = self.table
        n = len(cols) - 1
        rows = []
        for r in old.rows:
            new = [Cell(text="", page=old.page) for _ in range(n)]
            for c in r:
                if c.covered or c.bbox is None:
                    continue
                x = c.bbox[0] + 1.0
                j = max([k for k in range(n) if cols[k] <= x] or [0])
                new[j].text = join_lines([new[j].text, c.text]) if new[j].text else c.text
                new[j].bbox = c.bbox
            rows.append(new)
        self.table = Table(rows=rows, page=old.page, bbox=old.bbox, cols=list(cols),
                           pages=list(old.pages), source=old.source)


def page_table(t: Table) -> OcrPageTable:
    return OcrPageTable(table=t)
