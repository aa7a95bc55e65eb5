"""Pages -> one document: running headers and footers, tables continued over pages.

* A paragraph is *running* (page header/footer, page number) when the same text (digits
  ignored) stands at the same place on many pages, or it is a bare page number near the
  top or bottom edge.
* A table continues on the next page when it is the last thing on its page and the next
  page's first thing (running text aside) is a table with the same column edges (within
  ``same_columns`` em, or a subset of them: a continuation that found fewer columns).
  The continuation's first rows that repeat the table's first rows (a repeated header
  block) are dropped; a row cut by the page break is joined to the row above it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional, Union

from extractors.pdf_cells import grid_table
from extractors.pdf_grid import Grid, GridCell
from extractors.pdf_lines import LIST_ITEM, join_lines, joins_inside_word
from extractors.pdf_settings import DEFAULT, TableSettings
from pipeline.records import Cell, Paragraph, Table, cell_owner

_PAGE_NO = re.compile(r"[-–—(\[\s]*(?:(?:หน้า|page)\s*)?[0-9๐-๙]{1,4}(?:\s*(?:/|จาก|of)\s*[0-9๐-๙]{1,4})?[-–—)\]\s]*",
                      re.I)
_NUMBER = re.compile(r"[0-9๐-๙]+(?:[.,][0-9๐-๙]+)?%?")
_DIGITS = re.compile(r"[0-9๐-๙]+")


@dataclass
class PageTable:
    """A table as found on one page, with the geometry continuation needs."""
    table: Table
    top_drawn: bool = True            # a rule closes the top of its first row
    bottom_drawn: bool = True         # a rule closes the bottom of its last row
    grid: Optional[Grid] = None       # its grid and characters, to read it again in other columns
    chars: list = field(default_factory=list)
    fills: list = field(default_factory=list)

    def reslot(self, cols: list[float]) -> None:
        """Read the table again in the given columns (a continuation whose own layout
        showed fewer columns than the table it continues): same rows, cells by ``cols``."""
        ys = self.grid.ys
        cells = [GridCell(r, c, r + 1, c + 1, (cols[c], ys[r], cols[c + 1], ys[r + 1]))
                 for r in range(len(ys) - 1) for c in range(len(cols) - 1)]
        grid = Grid(list(cols), list(ys), cells, self.grid.source, self.top_drawn, self.bottom_drawn)
        page = self.table.page
        self.table = grid_table(grid, self.chars, self.fills, page)[0]
        self.grid = grid


@dataclass
class PageBlocks:
    page_no: int
    height: float
    em: float
    blocks: list[tuple[float, Union[Paragraph, PageTable]]] = field(default_factory=list)


def _key(text: str) -> str:
    return _DIGITS.sub("0", re.sub(r"\s+", "", text))


def is_page_number(text: str) -> bool:
    """"๓", "- 3 -", "หน้า ๑๒ จาก ๔๐", "page 2 of 9"."""
    return bool(_PAGE_NO.fullmatch(text.strip()))


def mark_running(pages: list[PageBlocks], s: TableSettings = DEFAULT) -> None:
    """Set ``role='running'`` on page headers, footers and page numbers."""
    n = len(pages)
    need = max(2, int(s.running_min_pages * n + 0.999))
    seen: dict[str, set[int]] = defaultdict(set)
    for pb in pages:
        for top, b in pb.blocks:
            if isinstance(b, Paragraph) and len(b.text) <= 200:
                seen[_key(b.text)].add(pb.page_no)
    for pb in pages:
        edge = 0.12 * pb.height
        for top, b in pb.blocks:
            if not isinstance(b, Paragraph):
                continue
            near_edge = b.bbox is not None and (b.bbox[1] < edge or b.bbox[3] > pb.height - edge)
            if (near_edge and is_page_number(b.text)) or \
                    (n >= 2 and len(seen[_key(b.text)]) >= need and near_edge):
                b.role = "running"


def _body(blocks):
    return [(t, b) for t, b in blocks if not (isinstance(b, Paragraph) and b.role == "running")]


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _same_columns(a: Table, b: Table, tol: float) -> bool:
    if not a.cols or not b.cols or len(a.cols) != len(b.cols):
        return False
    return all(abs(x - y) <= tol for x, y in zip(a.cols, b.cols))


def _fewer_columns(a: Table, b: Table, tol: float) -> bool:
    """``b`` has the outer edges of ``a`` and a subset of its inner edges."""
    if not a.cols or not b.cols or len(b.cols) >= len(a.cols) or len(b.cols) < 2:
        return False
    if abs(a.cols[0] - b.cols[0]) > tol or abs(a.cols[-1] - b.cols[-1]) > tol:
        return False
    return all(min(abs(x - y) for y in a.cols) <= tol for x in b.cols)


def _atomic_values(last: list[Cell], first: list[Cell]) -> bool:
    """A column holding a number in both rows: a number does not run on over a page
    break, so ``first`` is a row of its own."""
    return any(_NUMBER.fullmatch(x.text.strip()) and _NUMBER.fullmatch(y.text.strip())
               for x, y in zip(last, first))


def _rest_of_row(last: list[Cell], first: list[Cell]) -> bool:
    """Does ``first`` look like the rest of ``last``: text only in columns where ``last``
    has text, several of them, while two or more of ``last``'s cells ended?"""
    if len(last) != len(first):
        return False
    on = [bool(c.text.strip()) for c in first]
    prev = [bool(c.text.strip()) or c.covered for c in last]
    if any(o and not p for o, p in zip(on, prev)):
        return False
    return sum(on) >= 2 and sum(p and not o for o, p in zip(on, prev)) >= 2


def _dangles(text: str) -> bool:
    """The text ends with a word that never ends a phrase ("และ", "ของ": schemas), as the
    word list cuts its last Thai run ("คู่มือการ" ends with การ, "บริการ" does not)."""
    from extractors.thai_repair import segment
    from pipeline.vocab import load_lines

    m = re.search(r"[\u0e01-\u0e4e]{1,30}$", text.rstrip())
    if not m:
        return False
    words = segment(m.group(0))
    return bool(words) and words[-1] in load_lines("dangling_words.txt")


_OPEN_END = re.compile(r"[-–—,/(]\s*$")
_OPEN_START = re.compile(r"^\s*(?:[-–—]\s*[0-9๐-๙]|\))")
_ITEM_NO = re.compile(r"^\s*([0-9๐-๙]{1,3})[.)]")
_PLACEHOLDER = re.compile(r"^[-–—\s]*$")
# a word that asks for a number after it: the era, the day ("ปีงบประมาณ พ.ศ." | "๒๕๖๘ (๑ ต.ค. ...")
_WANTS_NUMBER = re.compile(r"(?:[พค]\.\s?ศ\.|วันที่|ครั้งที่|ฉบับที่)\s*$")
_NUMBER_START = re.compile(r"^\s*[0-9๐-๙]")


def _goes_on(x: str, y: str) -> bool:
    """A cell's text stops on a dash, comma or slash, or the next starts with a dash and a
    number: one value across the break ("1 ต.ค. 2566 -" | "30 ก.ย. 2567"); or it stops on
    a word that asks for a number and the next starts with one ("พ.ศ." | "๒๕๖๘"). A cell of
    dashes only is a placeholder, a dash before a word a bullet."""
    if _PLACEHOLDER.match(x) or _PLACEHOLDER.match(y):
        return False
    return bool(_OPEN_END.search(x) or _OPEN_START.match(y)
                or (_WANTS_NUMBER.search(x) and _NUMBER_START.match(y)))


def _word_breaks(last: list[Cell], first: list[Cell]) -> float:
    """Weight of the cells that go on between the two rows: 2 when the first column with
    text in both breaks inside a Thai word or ends on a word that never ends a phrase;
    for the other columns 1 a clear break (joined, fewer letters fall outside the
    dictionary), a dangling word or a value open at the break, 0.5 a break that only
    reads as fewer words; at most 2."""
    both = [(x, y) for x, y in zip(last, first) if x.text.strip() and y.text.strip()]
    if not both:
        return 0
    x0, y0 = both[0]
    if joins_inside_word(x0.text, y0.text) or _dangles(x0.text):
        return 2
    w = 0.0
    for x, y in both[1:]:
        if joins_inside_word(x.text, y.text, strict=True) or _dangles(x.text) or _goes_on(x.text, y.text):
            w += 1
        elif joins_inside_word(x.text, y.text):
            w += 0.5
    return min(2.0, w)


def _numbering(key_old: str, key_new: str) -> int:
    """Evidence from the numbers opening the first cells: the next number is a new row
    (-1); a list restarting at 1 under a higher number is the cut row's own sub-list (2);
    a number under text that has one, the other not (1)."""
    from pipeline.normalize import thai_digits_to_arabic

    a, b = _ITEM_NO.match(key_old), _ITEM_NO.match(key_new)
    if a and b:
        na, nb = int(thai_digits_to_arabic(a.group(1))), int(thai_digits_to_arabic(b.group(1)))
        return -1 if nb == na + 1 else 2 if nb == 1 and na >= 2 else 0
    return 1 if key_old and key_new and LIST_ITEM.match(key_old) and not LIST_ITEM.match(key_new) else 0


def is_cut_row(prev: PageTable, nxt: PageTable, last: list[Cell], first: list[Cell], dropped_header: bool) -> bool:
    """Is ``first`` (the first row on the new page) the rest of ``last``? The evidence,
    weighed: neither the old part's bottom nor the new part's top is closed by a rule (2);
    the new row's first cell is empty while others go on (2: a row's first column is empty
    only when cut or merged); the cells that go on are a subset of those that had text,
    two or more having ended (2); cells that go on (``_word_breaks``); the numbers that
    open the first cells (``_numbering``). Cut at 2 or more; never when a column holds a
    number in both rows."""
    if not any(c.text.strip() for c in first) or _atomic_values(last, first):
        return False
    score = 0
    if not prev.bottom_drawn and not nxt.top_drawn and not dropped_header:
        score += 2
    lead = next((c for c in first if not c.covered), None)
    key_new = lead.text.strip() if lead is not None else ""
    if lead is not None and not key_new and not last[0].covered:
        score += 2
    if _rest_of_row(last, first):
        score += 2
    score += _word_breaks(last, first)
    score += _numbering(last[0].text.strip(), key_new)
    return score >= 2


def _merge_row(rows: list[list[Cell]], first: list[Cell]) -> None:
    """Join ``first`` cell by cell into the last row of ``rows``."""
    r = len(rows) - 1
    for i, c in enumerate(first):
        if c.text and i < len(rows[r]):
            target = cell_owner(rows, r, i) or rows[r][i]
            target.text = join_lines([target.text, c.text]) if target.text else c.text


def _same_row(a: list[Cell], b: list[Cell]) -> bool:
    """Two rows read the same (a header repeated on a new page may lose or gain a line
    break or a syllable at a rule)."""
    from rapidfuzz import fuzz

    ka, kb = "|".join(_norm(c.text) for c in a), "|".join(_norm(c.text) for c in b)
    if ka == kb:
        return True
    # nearly the same only for rows of short cells (a header): body rows of one table can
    # share most of their long text (the same result pasted twice) and stay two rows
    short = all(len(_norm(c.text)) <= 80 for c in a + b)
    return short and len(ka) >= 8 and fuzz.ratio(ka, kb) >= 90


def _repeated_rows(a: Table, b: Table) -> int:
    """How many first rows of ``b`` repeat a run of ``a``'s first rows (a header block
    repeated on the new page, perhaps without the title row above it)."""
    if not b.rows or not any(c.text for c in b.rows[0]):
        return 0
    for j in range(min(4, len(a.rows))):
        k = 0
        while k < len(b.rows) and j + k < len(a.rows) and k < 4 and any(c.text for c in b.rows[k]) \
                and _same_row(a.rows[j + k], b.rows[k]):
            k += 1
        if k:
            return k
    return 0


def _carry_merges(rows: list[list[Cell]], new: list[list[Cell]]) -> None:
    """A cell merged down to the bottom of the old part (one period for the whole table)
    goes on over the new part's first rows when their cell in that column is empty and
    merged (or the old one was merged): the new cells become covered by it."""
    if not rows or not new:
        return
    last = len(rows) - 1
    for c in range(min(len(rows[last]), len(new[0]))):
        owner = cell_owner(rows, last, c)
        top = new[0][c]
        if owner is None or owner.col_span > 1 or not owner.text.strip() or top.covered or top.text.strip():
            continue
        merged_before = owner.row_span >= 2 or rows[last][c].covered
        if not (merged_before or top.row_span >= 2) or any(r[c].text.strip() for r in new[:top.row_span]):
            continue
        span = min(top.row_span, len(new))
        for r in new[:span]:
            r[c] = Cell(text="", page=r[c].page, bbox=r[c].bbox, covered=True, shaded=r[c].shaded)
        owner.row_span += span


def continue_table(prev: PageTable, nxt: PageTable, tol: float) -> bool:
    """Append ``nxt`` to ``prev`` when it continues it; True if it did."""
    a, b = prev.table, nxt.table
    if not (_same_columns(a, b, tol) or _fewer_columns(a, b, tol)):
        return False
    if len(b.cols) < len(a.cols):
        nxt.reslot(a.cols)
        b = nxt.table
    k = _repeated_rows(a, b)
    rows = b.rows[k:]
    cut = bool(rows and a.rows and is_cut_row(prev, nxt, a.rows[-1], rows[0], k > 0))
    _carry_merges(a.rows, rows)
    if cut:
        _merge_row(a.rows, rows[0])
        rows = rows[1:]
    a.rows.extend(rows)
    a.pages.append(b.page)
    prev.bottom_drawn = nxt.bottom_drawn
    return True


def assemble(pages: list[PageBlocks], s: TableSettings = DEFAULT) -> list:
    """Blocks of all pages in reading order, continued tables merged."""
    mark_running(pages, s)
    out: list = []
    open_table: Optional[PageTable] = None       # the last body block, if it is a table
    for pb in pages:
        body = _body(pb.blocks)
        for i, (_, b) in enumerate(pb.blocks):
            if isinstance(b, PageTable):
                first_body = bool(body) and body[0][1] is b
                if open_table is not None and first_body and b.table.page == open_table.table.pages[-1] + 1 \
                        and continue_table(open_table, b, s.same_columns * pb.em):
                    continue
                out.append(b.table)
                open_table = b
            else:
                out.append(b)
                if b.role != "running":
                    open_table = None
        if body and not isinstance(body[-1][1], PageTable):
            open_table = None
    return out
