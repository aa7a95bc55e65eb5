"""PDF -> ExtractedDocument.

Two libraries, each for what it does well (measured on Thai Word/LibreOffice PDFs):

* pdfplumber (pdfminer) for page geometry, ruling lines and table cell boxes
  (``find_tables``). pdfminer ignores /ActualText, so its Thai characters are wrong
  ("ดำา", "(cid:5)") and we never use its text.
* pypdfium2 for the characters: it honours /ActualText and is ~50x faster. Each character
  is taken with its loose box (font ascent..descent, so all characters of a line share one
  vertical band) and converted from PDF user space (origin bottom-left, unrotated) to
  pdfplumber's display space (origin top-left, after /Rotate).

Characters are assigned to table cells by their centre; the rest becomes paragraphs
(lines grouped by vertical gaps). Lines are joined with the dictionary-aware ``join_lines``
(no space when the break falls inside a Thai word, a newline before list items) and the
text goes through ``thai_repair.repair_text``.

Choices (documented for segmentation):
* spanning/merged cells: the text is in the first (top-left) cell of the span, the cells
  it covers are empty strings, like the TXT seeds.
* a table whose columns (count and x positions, +-4 pt) match the last table of the
  previous page, with only short header/footer lines (page numbers) in between, is the
  same table: its rows are appended; a repeated header row is dropped.
* a row cut by the page break: the table reaches the bottom fifth of its page and the
  continuation's first row has an empty first cell, or its first cell does not start
  with an item number while the previous row's does ("๒.ระบบ E-Service และ" |
  "การมีส่วนร่วม"); it is merged cell by cell into the previous row (cell texts joined
  like wrapped lines).
* tables with partial rules (horizontal rules only, outer frame only): columns start
  where the lines of several rows start and no line crosses (``pdf_layout``; cells are
  told apart by jumps in the character stream and gaps without a real space, so columns
  1-3 pt apart are found); rows without rules between them follow the stream's cell order.
  A band reading as a header row starts another table. A continuation on the next page
  that found fewer columns (same outer edges) is put into the open table's columns.
* more rows cut by a page break: the continuation has text only in columns where the
  previous row has text and two or more of them ended ("ร่วมในการ ตรวจสอบ" | "ส่วนร่วม" |
  "แต่งตั้ง..." | "" | ""), or a cell breaks inside a Thai word ("ประสิทธิภา|พการสื่อสาร");
  never when a column holds a number in both rows (scores).
* pages without text, or whose text quality is below ``quality.OCR_THRESHOLD``, go to OCR
  (bounded by ``ocr.MAX_OCR_PAGES``); without Tesseract the document gets status
  needs_ocr when no page has usable text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline.records import (Cell, ExtractedDocument, ExtractionError, PageInfo,
                              Paragraph, Table)

from extractors import pdf_layout as layout
from extractors import thai_repair
from extractors.quality import OCR_THRESHOLD, text_quality

MAX_PAGES = 2000                 # hard bound on pages read from one file
COL_TOL = 15.0                   # pt: column x positions that count as "the same table"
                                 # (LibreOffice moves borders by up to ~9 pt between pages)
_MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_NO_START = "\u0e30\u0e32\u0e33\u0e45"        # ะ า ำ ๅ: never the first letter of a word
_LIST_ITEM = re.compile(r"^\s*(?:[-•·▪●○◦*]|[0-9๐-๙]{1,3}(?:\.[0-9๐-๙]{1,3})*[.)]|\([0-9๐-๙]{1,3}\)|[ก-ฮ][.)]\s)")
NEEDS_OCR_MESSAGE = ("scanned PDF: no text layer; install Tesseract with the Thai model "
                     "(apt-get install tesseract-ocr tesseract-ocr-tha) to read it")


@dataclass
class Ch:
    c: str
    x0: float
    top: float
    x1: float
    bottom: float
    space_before: bool = False
    idx: int = -1              # position in the page's character stream
    hard_space: bool = False   # the space before is in the PDF (not one pdfium generated)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


# ---------------------------------------------------------------- opening
def _check_file(path: str) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 2048))
            tail = f.read()
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from e
    if not head.strip():
        raise ExtractionError("empty file: not a PDF")
    if b"%PDF-" not in head[:1024]:
        start = head.lstrip()[:200].lower()
        if start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in start:
            raise ExtractionError("not a PDF (looks like HTML): probably an error page saved under a .pdf name")
        raise ExtractionError("not a PDF (no PDF header): the file is damaged or of another kind")
    if b"%%EOF" not in tail:
        raise ExtractionError("truncated or corrupt PDF: the file ends before the PDF trailer "
                              "(incomplete download?)")


def _open(path: str):
    import pdfplumber
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise ExtractionError("password-protected PDF: it needs a password to open; "
                                  "ask the agency for an unprotected copy") from e
        raise ExtractionError(f"truncated or corrupt PDF: {e}") from e
    try:
        pl = pdfplumber.open(path)
        _ = pl.pages            # parses the page tree
    except Exception as e:      # pdfminer raises many kinds
        doc.close()
        name = type(e).__name__.lower()
        if "password" in name or "encrypt" in name:
            raise ExtractionError("password-protected PDF: it needs a password to open") from e
        raise ExtractionError(f"truncated or corrupt PDF: {type(e).__name__}: {e}") from e
    if len(doc) == 0 or len(pl.pages) != len(doc):
        pl.close()
        doc.close()
        raise ExtractionError("truncated or corrupt PDF: no readable pages")
    return doc, pl


# ---------------------------------------------------------------- characters
def _to_display(box, rot: int, mb):
    """pdfium (left, bottom, right, top) in user space -> (x0, top, x1, bottom) display."""
    l, b, r, t = box
    x0, y0, x1, y1 = mb
    if rot == 90:
        return (b - y0, l - x0, t - y0, r - x0)
    if rot == 180:
        return (x1 - r, b - y0, x1 - l, t - y0)
    if rot == 270:
        return (y1 - t, x1 - r, y1 - b, x1 - l)
    return (l - x0, y1 - t, r - x0, y1 - b)


def page_chars(page) -> list[Ch]:
    """Characters of a pypdfium2 page in stream order, display coordinates, no spaces
    (a space sets ``space_before`` of the next character), duplicates dropped (Canva
    writes some glyph clusters twice)."""
    import pypdfium2.raw as pdfium_c

    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        if n <= 0:
            return []
        text = tp.get_text_range(0, n)
        if len(text) != n:       # surrogate pairs etc.: fall back to per-character reads
            text = "".join(tp.get_text_range(i, 1)[:1] or " " for i in range(n))
        rot = page.get_rotation() % 360
        l, b, r, t = page.get_mediabox()
        mb = (l, b, r, t)
        out: list[Ch] = []
        seen = set()
        space = hard = False
        is_generated = getattr(pdfium_c, "FPDFText_IsGenerated", None)
        for i, c in enumerate(text):
            if c == "\ufffe" or c == "\x02":      # pdfium: hyphen at a line break
                c = "-"
            if c in " \t\r\n\u00a0\u200b\ufeff\x00":
                if c in " \t\u00a0":
                    space = True
                    hard = hard or (is_generated is None or not is_generated(tp.raw, i))
                continue
            box = tp.get_charbox(i, loose=True)
            x0, top, x1, bottom = _to_display(box, rot, mb)
            key = (c, round(x0), round(top))
            if key in seen:
                continue
            seen.add(key)
            out.append(Ch(c, x0, top, x1, bottom, space, i, hard))
            space = hard = False
        return out
    finally:
        tp.close()


# ---------------------------------------------------------------- lines
def _runs(chars: list[Ch]) -> list[list[Ch]]:
    """Split the stream into runs: same vertical band, x not jumping back. A mark whose
    centre lies far behind the previous character starts its own run (displaced mark)."""
    runs: list[list[Ch]] = []
    cur: list[Ch] = []
    for ch in chars:
        if cur:
            prev = cur[-1]
            h = max(1.0, min(prev.bottom - prev.top, ch.bottom - ch.top))
            same_band = abs(ch.cy - prev.cy) < 0.5 * h
            if _MARK.match(ch.c):
                back = ch.cx < prev.x0 - 0.5 * h or ch.cx > prev.x1 + 0.8 * h
            else:
                back = ch.x0 < prev.x0 - 0.5 * h
            if not same_band or back:
                runs.append(cur)
                cur = []
        cur.append(ch)
    if cur:
        runs.append(cur)
    # marks at the start of a run have no base before them: their own run (placed by
    # geometry later), e.g. the Royal Gazette's "่เลม" for "เล่ม"
    out = []
    for run in runs:
        k = 0
        while k < len(run) and _MARK.match(run[k].c):
            k += 1
        if 0 < k < len(run):
            out.append(run[:k])
            out.append(run[k:])
        else:
            out.append(run)
    return out


def _attach_marks(seq: list[Ch], loose: list[Ch]) -> list[Ch]:
    """Marks that came in runs of their own (displaced in the stream, e.g. the Royal
    Gazette's "หนา ๘ ้") go after the base character whose box holds their centre."""
    out = list(seq)
    for m in loose:
        best = None
        for k, base in enumerate(out):
            if not _MARK.match(base.c) and base.x0 - 0.5 <= m.cx <= base.x1 + 0.5:
                best = k
        if best is None:
            continue    # a mark that sits on nothing is noise
        k = best + 1
        while k < len(out) and _MARK.match(out[k].c):
            k += 1
        out.insert(k, m)
    return out


def _lines(chars: list[Ch]) -> list[tuple[float, float, float, float, str]]:
    """Group characters into text lines (x0, top, x1, bottom, text), top to bottom."""
    if not chars:
        return []
    runs = _runs(chars)
    groups: list[list[list[Ch]]] = []
    bands: list[tuple[float, float]] = []
    mark_runs = []
    for run in runs:
        if all(_MARK.match(c.c) for c in run):
            mark_runs.append(run)
            continue
        top = min(c.top for c in run)
        bottom = max(c.bottom for c in run)
        cy = (top + bottom) / 2
        for gi, (gt, gb) in enumerate(bands):
            if gt <= cy <= gb:
                groups[gi].append(run)
                bands[gi] = (min(gt, top), max(gb, bottom))
                break
        else:
            groups.append([run])
            bands.append((top, bottom))
    loose_by_group: dict[int, list[Ch]] = {}
    for run in mark_runs:           # displaced marks: nearest line (within a line height)
        for m in run:
            best, bd = None, None
            for gi, (gt, gb) in enumerate(bands):
                d = 0.0 if gt <= m.cy <= gb else min(abs(m.cy - gt), abs(m.cy - gb))
                if d <= (gb - gt) and any(c.x0 - 0.5 <= m.cx <= c.x1 + 0.5 for r in groups[gi] for c in r) \
                        and (bd is None or d < bd):
                    best, bd = gi, d
            if best is not None:
                loose_by_group.setdefault(best, []).append(m)
    out = []
    for gi, (g, (gt, gb)) in enumerate(zip(groups, bands)):
        g.sort(key=lambda r: r[0].x0)
        seq: list[Ch] = []
        loose = loose_by_group.get(gi, [])
        for run in g:
            if seq:
                gap = run[0].x0 - seq[-1].x1
                h = max(1.0, run[0].bottom - run[0].top)
                if gap > 0.15 * h and not run[0].space_before:
                    run[0].space_before = True
            seq.extend(run)
        if not seq:
            continue
        seq = _attach_marks(seq, loose)
        parts = []
        for i, ch in enumerate(seq):
            # no space before a vowel that cannot start a word ("เป้ า": Garuda's wide
            # tone mark over "ป" leaves a gap before sara aa)
            if i and ch.space_before and not _MARK.match(ch.c) \
                    and not (ch.c in _NO_START and "\u0e01" <= seq[i - 1].c <= "\u0e4e"):
                parts.append(" ")
            parts.append(ch.c)
        text = "".join(parts).strip()
        if text:
            out.append((min(c.x0 for c in seq), gt, max(c.x1 for c in seq), gb, text))
    out.sort(key=lambda l: (round(l[1]), l[0]))
    return out


_TAIL = re.compile(r"[\u0e01-\u0e4e]{1,20}$")
_HEAD = re.compile(r"[\u0e01-\u0e4e]{1,20}")


def _joins_inside_word(a: str, b: str) -> bool:
    """Does a line break between ``a`` and ``b`` fall inside a Thai word? Yes when the
    Thai text at the break reads better joined: fewer characters outside dictionary
    words, or as many and fewer words ("ถึงกันยาย|น", "เค|รื่อ")."""
    ma, mb = _TAIL.search(a), _HEAD.match(b)
    if not ma or not mb:
        return False
    ta, tb = ma.group(0), mb.group(0)
    if b[len(tb):len(tb) + 1] == ".":      # abbreviation ("พ.ศ.", "ต.ค."): a word of its own
        return False
    ca, cb = thai_repair.cost(ta), thai_repair.cost(tb)
    cj = thai_repair.cost(ta + tb)
    sep = (ca[0] + cb[0], ca[1] + cb[1])
    return cj[0] < sep[0] or (cj[0] == sep[0] and cj[1] < sep[1])


def join_lines(lines: list[str]) -> str:
    """Join the lines of one cell/paragraph: newline before a list item; no space when
    the break falls inside a Thai word (joining the last word of one line and the first
    of the next reads better against the word list); else one space."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if _LIST_ITEM.match(line):
            out += "\n" + line
            continue
        a, b = out[-1], line[0]
        if "\u0e01" <= a <= "\u0e5b" and "\u0e01" <= b <= "\u0e5b":
            if _MARK.match(b) or b == "\u0e33":
                out += line
                continue
            if _joins_inside_word(out, line):
                out += line
                continue
        out += " " + line
    return out


def _paragraphs(lines, page_no: int) -> list[tuple[float, Paragraph]]:
    """Consecutive lines with small vertical gaps form one paragraph."""
    out = []
    cur: list = []
    for ln in lines:
        if cur:
            prev = cur[-1]
            h = max(1.0, prev[3] - prev[1])
            gap = ln[1] - prev[3]
            if gap > 0.45 * h or ln[1] < prev[1]:
                out.append(cur)
                cur = []
        cur.append(ln)
    if cur:
        out.append(cur)
    res = []
    for p in out:
        text = thai_repair.repair_text(join_lines([l[4] for l in p]))
        if text.strip():
            res.append((p[0][1], Paragraph(text=text, page=page_no)))
    return res


# ---------------------------------------------------------------- tables
@dataclass
class _PTable:
    page: int
    bbox: tuple
    rows: list[list[Cell]]
    cols: list[float]          # column x boundaries
    page_height: float = 842.0
    starts: dict = field(default_factory=dict)   # id(cell) -> x where its text starts


def _rules(pl_page):
    """Ruling segments of the page, collinear pieces merged (LibreOffice and Word draw a
    table rule as one segment per cell): (h, v) with h = [(y, x0, x1)], v = [(x, top,
    bottom)]."""
    def merge(items):
        out = []
        for pos, a, b in items:
            if out and abs(out[-1][0] - pos) <= 1.5 and a <= out[-1][2] + 2.0:
                out[-1][2] = max(out[-1][2], b)
                continue
            out.append([pos, a, b])
        return [tuple(x) for x in out]
    h, v = [], []
    for e in pl_page.edges:
        if e["orientation"] == "h":
            h.append((round(float(e["top"]), 1), float(e["x0"]), float(e["x1"])))
        else:
            v.append((round(float(e["x0"]), 1), float(e["top"]), float(e["bottom"])))
    # merge pieces at the same position: sort by position then start
    h = merge(sorted(h, key=lambda t: (round(t[0]), t[1])))
    v = merge(sorted(v, key=lambda t: (round(t[0]), t[1])))
    return h, v


class _GRow:
    def __init__(self, cells):
        self.cells = cells


class _Grid:
    """A table found from partial rules and text alignment; the interface of pdfplumber's
    Table that _page_tables uses (bbox, rows[].cells)."""
    def __init__(self, bbox, rows, xs=None):
        self.bbox = bbox
        self.xs = xs                 # column boundaries (rows may shift them a little)
        self.rows = [_GRow(r) for r in rows]


def _rule_regions(pl_page, taken) -> list[tuple[tuple, list[float]]]:
    """Table areas marked by rules that are not full grids: stacks of horizontal rules of
    the same extent (tables with horizontal rules only), frames (outer border only: top
    and bottom rules joined by vertical rules at both ends), a pair of vertical rules of
    the same extent (a frame continuing over the whole page). -> [(bbox, row rule ys)].
    Areas overlapping ``taken`` (grid tables found by pdfplumber) are skipped."""
    w = float(pl_page.width)
    hs, vs = _rules(pl_page)
    def free(x0, top, x1, bottom):      # not a rule of a grid table already found
        return not any(t[0] - 2 <= x0 and x1 <= t[2] + 2 and t[1] - 2 <= top and bottom <= t[3] + 2
                       for t in taken)
    hs = [l for l in hs if l[2] - l[1] >= max(80.0, 0.15 * w) and free(l[1], l[0], l[2], l[0])]
    vs = [l for l in vs if l[2] - l[1] >= 20.0 and free(l[0], l[1], l[0], l[2])]
    clusters: list[list] = []
    for l in sorted(hs):
        for c in clusters:
            if abs(c[0][1] - l[1]) <= 8 and abs(c[0][2] - l[2]) <= 8:
                c.append(l)
                break
        else:
            clusters.append([l])
    regions = []
    used_v = set()
    for c in clusters:
        x0, x1 = min(l[1] for l in c), max(l[2] for l in c)
        top, bottom = c[0][0], c[-1][0]
        spans = []
        for k, (x, vt, vb) in enumerate(vs):       # side rules at either end
            if (abs(x - x0) <= 4 or abs(x - x1) <= 4) and vt <= bottom + 2 and vb >= top - 2:
                top, bottom = min(top, vt), max(bottom, vb)
                used_v.add(k)
                spans.append((vt, vb))
        if bottom - top < 10:
            continue                                # a lone rule (signature line, separator)
        ys = [l[0] for l in c]
        # side rules with a break between them: frames one above the other (a table
        # ending and the next beginning on the same page) are separate areas
        parts = []
        for vt, vb in sorted(spans):
            if parts and vt <= parts[-1][1] + 3:
                parts[-1][1] = max(parts[-1][1], vb)
            else:
                parts.append([vt, vb])
        if len(parts) > 1:
            for pt, pb in parts:
                regions.append(((x0, pt, x1, pb), [y for y in ys if pt - 2 <= y <= pb + 2]))
            continue
        regions.append(((x0, top, x1, bottom), ys))
    free = [(k, l) for k, l in enumerate(vs) if k not in used_v]
    for i, (k, a) in enumerate(free):              # two side rules, no horizontal rule
        for _, b in free[i + 1:]:
            if b[0] - a[0] >= 80 and abs(a[1] - b[1]) <= 3 and abs(a[2] - b[2]) <= 3:
                regions.append(((a[0], min(a[1], b[1]), b[0], max(a[2], b[2])), []))
    out = []
    for bbox, ys in regions:
        if any(_overlap(bbox, t) > 0.5 * _area(bbox) for t in taken):
            continue
        out.append((bbox, ys))
    return out


def _area(b) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _overlap(a, b) -> float:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


MIN_GUTTER = 3.0    # pt: narrowest white column between two table columns (LibreOffice
                    # drops the side padding of cells without vertical borders)
WIDE_GUTTER = 7.0   # pt: wider than any word space at 14-16 pt


def _gutters(chars: list[Ch], x0: float, x1: float, bands) -> list[float]:
    """Column boundaries of a table without vertical rules: white x-ranges at least
    MIN_GUTTER wide that the text of (nearly) every row leaves free. A row may cross a
    gutter (a spanning cell) when there are 4 or more rows. The boundary is put just left
    of the next column's text (left-aligned text starts at the same x on every page)."""
    n = int(x1 - x0) + 1
    if n <= 0:
        return []
    cover = [0] * n
    rows_with_text = 0
    for top, bottom in bands:
        seen = [False] * n
        any_text = False
        for c in chars:
            if top <= c.cy <= bottom and not _MARK.match(c.c):
                any_text = True
                for k in range(max(0, int(c.x0 - x0)), min(n, int(c.x1 - x0) + 1)):
                    seen[k] = True
        if any_text:
            rows_with_text += 1
            for k in range(n):
                cover[k] += seen[k]
    allowed = 1 if rows_with_text >= 4 else 0
    text_xs = [k for k in range(n) if cover[k]]
    if not text_xs:
        return []
    first, last = text_xs[0], text_xs[-1]
    out = []
    lines = None
    k = first
    while k <= last:
        if cover[k] <= allowed:
            j = k
            while j <= last and cover[j] <= allowed:
                j += 1
            narrow = MIN_GUTTER <= j - k < WIDE_GUTTER
            if narrow and lines is None:
                lines = _base_lines(chars)
            if (j - k >= WIDE_GUTTER or narrow and not _word_space(lines, x0 + k, x0 + j)) and j <= last:
                out.append(x0 + j - 2.0)
            k = j
        else:
            k += 1
    return out


def _word_space(lines: list[list[Ch]], gx0: float, gx1: float) -> bool:
    """Is a narrow white column a word space that happens to line up in every row
    ("95.00 - 100" over "85.00 - 94.99")? Yes when, on most lines with text on both
    sides, the first character right of it follows a space of the text layer."""
    votes = []
    for line in lines:
        left = [c for c in line if c.x1 <= gx0 + 1.5]
        right = [c for c in line if c.x0 >= gx1 - 1.5]
        if left and right:
            votes.append(min(right, key=lambda c: c.x0).space_before)
    return bool(votes) and sum(votes) > len(votes) / 2


def _baseline(line_chars: list[Ch]) -> float:
    bs = sorted(c.bottom for c in line_chars if not _MARK.match(c.c))
    return bs[len(bs) // 2] if bs else max(c.bottom for c in line_chars)


def _base_lines(chars: list[Ch]) -> list[list[Ch]]:
    """Non-mark characters grouped by baseline (all columns of a table together), top to
    bottom."""
    lines: list[list[Ch]] = []
    for c in sorted((c for c in chars if not _MARK.match(c.c)), key=lambda c: c.bottom):
        if lines and abs(_baseline(lines[-1]) - c.bottom) <= 2.0:
            lines[-1].append(c)
        else:
            lines.append([c])
    return lines


def _is_text_line(line: list[Ch], x0: float, x1: float) -> bool:
    """A line running across the whole area without a white gutter: paragraph text between
    two tables (rules above and below, as tables with horizontal rules only have), not a
    table row."""
    xs = sorted(line, key=lambda c: c.x0)
    if xs[-1].x1 - xs[0].x0 < 0.85 * (x1 - x0):
        return False
    gap = max((b.x0 - a.x1 for a, b in zip(xs, xs[1:])), default=0.0)
    return gap < 9.0


def _split_by_gaps(chars: list[Ch], top: float, bottom: float) -> list[tuple[float, float]]:
    """Rows of a band without rules between them (outer frame only, rules under the header
    only): the text lines of all columns share baselines; inside a cell they are one line
    pitch apart, between rows the pitch grows by the cell padding. A new row starts where
    the baseline step exceeds the usual pitch by 2 pt or more."""
    lines = _base_lines([c for c in chars if top <= c.cy <= bottom])
    if len(lines) < 3:
        return [(top, bottom)]
    base = [_baseline(l) for l in lines]
    steps = [b - a for a, b in zip(base, base[1:])]
    pitch = sorted(steps)[len(steps) // 3]          # the usual line pitch (lower third)
    cuts = [top]
    for i, st in enumerate(steps):
        if st >= pitch + 2.0:
            nxt_top = min(c.top for c in lines[i + 1])
            prev_bottom = max(c.bottom for c in lines[i])
            cuts.append((max(prev_bottom, nxt_top - 0.5 * (st - pitch)) + nxt_top) / 2 - 1.0)
    cuts.append(bottom)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b - a > 1]


def _text_grids(bbox, ys: list[float], chars: list[Ch]) -> list[_Grid]:
    """Tables of an area with partial rules. Lines of paragraph text running across the
    whole area (a heading between two tables, whose rules make one stack) cut it into
    separate tables; each part is read by _text_grid."""
    x0, top, x1, bottom = bbox
    inside = [c for c in chars if _inside(c, bbox)]
    parts, start = [], top
    prev_text = None                   # bottom of the last paragraph line, its height
    for line in _base_lines(inside):
        lt = min(c.top for c in line)
        lb = max(c.bottom for c in line)
        # a paragraph's last line is short: it goes with the full-width line right above
        follows = prev_text is not None and lt - prev_text[0] < 1.2 * prev_text[1] \
            and not any(y for y in ys if prev_text[0] <= y <= lt)
        if _is_text_line(line, x0, x1) or follows:
            if prev_text is None:
                parts.append((start, lt - 0.5))
            start = lb + 0.5
            prev_text = (lb, lb - lt)
        else:
            prev_text = None
    parts.append((start, bottom))
    parts = [q for pt, pb in parts for q in _split_at_headers(pt, pb, ys, inside)]
    out = []
    for pt, pb in parts:
        if pb - pt < 5:
            continue
        sub = (x0, pt, x1, pb)
        g = _text_grid(sub, [y for y in ys if pt - 2 <= y <= pb + 2], [c for c in inside if _inside(c, sub)])
        if g is not None:
            out.append(g)
    return out


def _split_at_headers(top: float, bottom: float, ys: list[float], chars: list[Ch]):
    """A band between two rules that reads as a header row (below the first band) starts
    another table: two tables of a stack of rules, with only white space between them."""
    cuts = sorted({top, bottom, *[y for y in ys if top < y < bottom]})
    out, start, seen_text = [], top, False
    for a, b in zip(cuts, cuts[1:]):
        band = [c for c in chars if a <= c.cy <= b]
        if not band:
            continue
        if seen_text and _is_header_band(band):
            out.append((start, a))
            start = a
        seen_text = True
    out.append((start, bottom))
    return out


def _is_header_band(chars: list[Ch]) -> bool:
    """Do the text blocks of a band (split where line starts line up) read as column
    headers?"""
    ps = layout.pieces(chars)
    if len(ps) < 3:
        return False
    starts = []
    for x in sorted(p.x0 for p in ps):
        if not starts or x - starts[-1] > layout.ALIGN_TOL:
            starts.append(x)
    if len(starts) < 3:
        return False
    xs = [*starts[1:], float("inf")]
    cells = [_cell_text([c for c in chars if a - 1 <= c.cx < b - 1]) for a, b in zip(starts, xs)]
    row = [Cell(text=t, page=0, bbox=None) for t in cells]
    return _is_header_row(row)


def _text_grid(bbox, ys: list[float], chars: list[Ch]) -> Optional[_Grid]:
    """Cells of a table area with partial rules: rows between the horizontal rules (split
    further by the stream's cell order, or baseline gaps, where there are no inner rules),
    columns from aligned line starts (pdf_layout.column_starts; the white gutters as a
    fallback). A row whose text crosses a column boundary spans those columns (text in the
    first cell, the covered cells empty), unless the next column's text in that row starts
    right of it (a table of the stack with slightly other column widths): then the
    boundary moves for that row. None when the area has no two columns."""
    x0, top, x1, bottom = bbox
    inside = [c for c in chars if _inside(c, bbox)]
    if not inside:
        return None
    cuts = sorted({top, bottom, *[y for y in ys if top < y < bottom]})
    merged = []
    for y in cuts:
        if merged and y - merged[-1] < 3:
            continue
        merged.append(y)
    bands = [(a, b) for a, b in zip(merged, merged[1:])]
    ps = layout.pieces(inside)
    filled = [b for b in bands if any(b[0] <= p.cy <= b[1] for p in ps)]
    bounds = layout.column_starts(ps, x0, x1, filled[0][1] if len(filled) >= 2 else None)
    if len(bands) <= 2:                            # few or no inner rules
        cuts = layout.stream_rows(ps, [x0, *bounds, x1]) if bounds else None
        if cuts is not None:
            ys2 = sorted({*merged, *[y for y in cuts if top < y < bottom]})
            bands = [(a, b) for a, b in zip(ys2, ys2[1:]) if b - a > 1]
        else:
            bands = [r for a, b in bands for r in _split_by_gaps(inside, a, b)]
    bands = [b for b in bands if any(b[0] <= c.cy <= b[1] for c in inside)] or bands
    if not bounds:
        bounds = _gutters(inside, x0, x1, bands)
    if not bounds:
        return None
    xs = [x0, *bounds, x1]
    rows = []
    for bt, bb in bands:
        row_ps = [p for p in ps if bt <= p.cy <= bb]
        span_after = set()                         # boundary k (between col k and k+1) crossed
        rxs = list(xs)
        for k, bx in enumerate(bounds):
            over = [p for p in row_ps if p.x0 < bx - 1 and p.x1 > bx + 3]
            if not over:
                continue
            # the columns of this row sit a little right of the others' (another table
            # of the same stack): the boundary moves to the white between the pieces
            reach = max(p.x1 for p in over)
            nxt = [p.x0 for p in row_ps if bx - 1 <= p.x0 < xs[k + 2] - 1]
            if nxt and min(nxt) > reach + 0.5 and all(p.x0 < min(nxt) for p in over):
                rxs[k + 1] = (reach + min(nxt)) / 2
            else:
                span_after.add(k)
        cells = []
        c = 0
        while c < len(rxs) - 1:
            e = c
            while e in span_after:
                e += 1
            cells.append((rxs[c], bt, rxs[e + 1], bb))
            cells.extend([None] * (e - c))
            c = e + 1
        rows.append(cells)
    rows_top = bands[0][0]
    rows_bottom = bands[-1][1]
    return _Grid((x0, rows_top, x1, rows_bottom), rows, [round(x, 1) for x in xs])


def _find_tables(pl_page, chars: Optional[list] = None):
    """pdfplumber's tables from ruling lines (full grids), plus tables with partial rules
    (horizontal rules only, outer frame only) read from the rules and the text's gutters.
    A grid "table" of a single column is such a frame: it is read again as text grid."""
    found = list(pl_page.find_tables())
    if chars is None:
        return found
    keep, frames = [], []
    for t in found:
        if t.rows and all(len(r.cells) == 1 for r in t.rows):
            frames.append(t)
        else:
            keep.append(t)
    regions = _rule_regions(pl_page, [t.bbox for t in keep])
    out = list(keep)
    for t in frames:
        gs = _text_grids(t.bbox, [r.bbox[1] for r in t.rows] + [t.bbox[3]], chars)
        out.extend(gs or [t])
        regions = [r for r in regions if _overlap(r[0], t.bbox) <= 0.5 * _area(r[0])]
    for bbox, ys in regions:
        out.extend(_text_grids(bbox, ys, chars))
    out.sort(key=lambda t: t.bbox[1])
    return out


def _inside(ch: Ch, bbox) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= ch.cx <= x1 and top <= ch.cy <= bottom


def _cell_text(chars: list[Ch]) -> str:
    return thai_repair.repair_text(join_lines([l[4] for l in _lines(chars)]))


def _page_tables(pl_page, chars: list[Ch], page_no: int):
    """-> (tables, remaining chars)."""
    found = _find_tables(pl_page, chars)
    if not found:
        return [], chars
    out = []
    rest = chars
    for t in found:
        bbox = t.bbox
        inside = [c for c in rest if _inside(c, bbox)]
        if not inside and len(t.rows) < 2:
            continue
        rest = [c for c in rest if not _inside(c, bbox)]
        rows = []
        xs = set()
        starts = {}
        for row in t.rows:
            cells = []
            for cb in row.cells:
                if cb is None:
                    cells.append(Cell(text="", page=page_no, bbox=None))
                    continue
                xs.add(round(cb[0], 1))
                xs.add(round(cb[2], 1))
                cc = [c for c in inside if _inside(c, cb)]
                cell = Cell(text=_cell_text(cc), page=page_no, bbox=tuple(round(v, 2) for v in cb))
                if cc:
                    starts[id(cell)] = min(c.x0 for c in cc)
                cells.append(cell)
            if any(c.text for c in cells) or cells:
                rows.append(cells)
        if not rows:
            continue
        cols = getattr(t, "xs", None) or sorted(xs)
        out.extend(_split_repeated_header(_PTable(page_no, tuple(round(v, 2) for v in bbox), rows,
                                                  cols, float(pl_page.height), starts)))
    return out, rest


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _same_columns(a: _PTable, b: _PTable) -> bool:
    if len(a.rows[0]) != len(b.rows[0]) or len(a.cols) != len(b.cols):
        return False
    return all(abs(x - y) <= COL_TOL for x, y in zip(a.cols, b.cols))


def _fewer_columns(a: _PTable, b: _PTable) -> bool:
    """``b`` continues ``a`` on the next page but found fewer columns (a few rows whose
    cells were empty or one line long): same outer edges, each of its column edges one of
    ``a``'s. Its cells are moved to ``a``'s columns (text to the column it starts in)."""
    if not a.rows or not b.rows or len(b.cols) >= len(a.cols) or len(b.cols) < 2:
        return False
    if abs(a.cols[0] - b.cols[0]) > COL_TOL or abs(a.cols[-1] - b.cols[-1]) > COL_TOL:
        return False
    if not all(min(abs(x - y) for y in a.cols) <= COL_TOL for x in b.cols):
        return False
    if any(c.text and not c.bbox for r in b.rows for c in r):
        return False
    n = len(a.rows[0])
    starts = a.cols[:n]
    rows = []
    for r in b.rows:
        new = [Cell(text="", page=b.page, bbox=None) for _ in range(n)]
        for c in r:
            if not c.text:
                continue
            x = b.starts.get(id(c))
            if x is not None:              # the column the text starts in
                j = max([k for k in range(n) if starts[k] <= x + 2.0] or [0])
            else:
                j = min(range(n), key=lambda k: abs(starts[k] - c.bbox[0]))
            new[j].text = join_lines([new[j].text, c.text]) if new[j].text else c.text
            new[j].bbox = c.bbox
        rows.append(new)
    b.rows = rows
    b.cols = list(a.cols)
    return True


def _merge_into(a: _PTable, b: _PTable) -> None:
    rows = b.rows
    # repeated header rows
    k = 0
    while k < len(rows) and k < len(a.rows) and \
            [_norm(c.text) for c in rows[k]] == [_norm(c.text) for c in a.rows[k]] and \
            any(c.text for c in rows[k]):
        k += 1
    rows = rows[k:]
    if rows:
        first = rows[0]
        # a row cut by the page break: the previous part reaches the bottom of its page
        # and the continuation has an empty first cell
        at_bottom = a.bbox[3] >= 0.8 * a.page_height
        f0, l0 = first[0].text, (a.rows[-1][0].text if a.rows else "")
        starts_item = bool(_LIST_ITEM.match(f0)) or bool(re.match(r"^[A-Z]{2,4}\b", f0))
        cont = at_bottom and any(c.text for c in first) and (
            not f0 or len(a.rows) == 1                 # only the (header) row fitted
            or (bool(l0) and bool(_LIST_ITEM.match(l0)) and not starts_item)
            or (not starts_item and a.rows and _rest_of_row(a.rows[-1], first))
            or (bool(l0) and bool(f0) and not starts_item and _joins_inside_word(l0, f0)))
        if cont and a.rows and _atomic_values(a.rows[-1], first):
            cont = False
        if cont and a.rows:
            last = a.rows[-1]
            for i, c in enumerate(first):
                if c.text:
                    last[i].text = join_lines([last[i].text, c.text]) if last[i].text else c.text
            rows = rows[1:]
    a.rows.extend(rows)


_NUMBER = re.compile(r"[0-9๐-๙]+(?:[.,][0-9๐-๙]+)?%?")


def _atomic_values(last: list[Cell], first: list[Cell]) -> bool:
    """A column holding a number (a score) in both rows: a number does not run on over
    a page break, so ``first`` is a row of its own."""
    return any(_NUMBER.fullmatch(l.text.strip()) and _NUMBER.fullmatch(f.text.strip())
               for l, f in zip(last, first))


def _rest_of_row(last: list[Cell], first: list[Cell]) -> bool:
    """Does ``first`` (the first row on a new page) look like the rest of ``last`` (the
    row at the bottom of the previous page)? Yes when the long cells of a full row go on
    while its short ones ended: text only in columns where ``last`` has text, several
    of them, and two or more of ``last``'s cells without a continuation."""
    if len(last) != len(first):
        return False
    on = [bool(c.text.strip()) for c in first]
    prev = [bool(c.text.strip()) for c in last]
    if any(o and not p for o, p in zip(on, prev)):
        return False
    ended = sum(p and not o for o, p in zip(on, prev))
    return sum(on) >= 2 and ended >= 2


def _split_repeated_header(t: _PTable) -> list[_PTable]:
    """A row repeating the table's header row starts another table (two tables of the
    same columns with only white space between them read as one area)."""
    head = [_norm(c.text) for c in t.rows[0]]
    for k in range(1, len(t.rows)):
        if ([_norm(c.text) for c in t.rows[k]] == head and sum(bool(h) for h in head) >= 2) \
                or _is_header_row(t.rows[k]):
            top = min((c.bbox[1] for c in t.rows[k] if c.bbox), default=t.bbox[1])
            a = _PTable(t.page, (t.bbox[0], t.bbox[1], t.bbox[2], top), t.rows[:k], t.cols,
                        t.page_height, t.starts)
            b = _PTable(t.page, (t.bbox[0], top, t.bbox[2], t.bbox[3]), t.rows[k:], t.cols,
                        t.page_height, t.starts)
            return [a, *_split_repeated_header(b)]
    return [t]


def _is_header_row(row: list[Cell]) -> bool:
    """Three or more cells, nearly all of them known column headers."""
    from pipeline.headers import header_field

    texts = [c.text for c in row if c.text.strip()]
    if len(texts) < 3:
        return False
    known = sum(header_field(t) is not None for t in texts)
    return known >= 3 and known >= 0.75 * len(texts)


def _is_margin_text(p: Paragraph) -> bool:
    """Running headers/footers: page numbers like "- ๓ -", short lines."""
    t = p.text.strip()
    return len(t) <= 12 or bool(re.fullmatch(r"[-–\s]*(?:หน้า\s*)?[0-9๐-๙]+(?:\s*/\s*[0-9๐-๙]+)?[-–\s]*", t))


# ---------------------------------------------------------------- main
def extract_pdf(path: str, *, ocr: bool = True, max_ocr_pages: Optional[int] = None) -> ExtractedDocument:
    _check_file(path)
    doc, pl = _open(path)
    result = ExtractedDocument(source_path=str(path), format="pdf")
    try:
        n = len(doc)
        result.pages = n
        if n > MAX_PAGES:
            result.warnings.append(f"only the first {MAX_PAGES} of {n} pages were read")
        page_blocks: list[list] = []       # per page: [(top, block)]
        ocr_wanted: list[int] = []
        for i in range(min(n, MAX_PAGES)):
            page_no = i + 1
            try:
                chars = page_chars(doc[i])
            except Exception as e:  # a broken page must not lose the document
                result.warnings.append(f"page {page_no}: text layer unreadable ({type(e).__name__})")
                chars = []
            blocks = []
            if chars:
                try:
                    tables, rest = _page_tables(pl.pages[i], chars, page_no)
                except Exception as e:
                    result.warnings.append(f"page {page_no}: table detection failed ({type(e).__name__})")
                    tables, rest = [], chars
                for t in tables:
                    blocks.append((t.bbox[1], t))
                blocks.extend(_paragraphs(_lines(rest), page_no))
                blocks.sort(key=lambda b: b[0])
            text = "\n".join(_block_text(b) for _, b in blocks)
            q = text_quality(text) if text.strip() else None
            result.page_info.append(PageInfo(page=page_no, chars=len(chars), quality=q,
                                             method="text" if chars else "none"))
            if not chars or (q is not None and q < OCR_THRESHOLD):
                ocr_wanted.append(i)
            page_blocks.append(blocks)

        if ocr_wanted and ocr:
            _run_ocr(doc, ocr_wanted, page_blocks, result, max_ocr_pages)
        elif ocr_wanted:
            result.warnings.append(f"{len(ocr_wanted)} page(s) without usable text; OCR disabled")

        result.blocks = _assemble(page_blocks)
        has_text = any(p.method in ("text", "ocr") and p.chars for p in result.page_info)
        if not has_text:
            result.status = "needs_ocr"
            result.error = result.error or NEEDS_OCR_MESSAGE
        return result
    finally:
        pl.close()
        doc.close()


def _block_text(b) -> str:
    if isinstance(b, Paragraph):
        return b.text
    return "\n".join(c.text for row in b.rows for c in row if c.text)


def _run_ocr(doc, wanted: list[int], page_blocks, result: ExtractedDocument,
             max_ocr_pages: Optional[int]) -> None:
    from extractors import ocr as ocrmod

    ok, msg = ocrmod.tesseract_available()
    if not ok:
        result.warnings.append(f"{len(wanted)} page(s) need OCR: {msg}")
        return
    limit = ocrmod.MAX_OCR_PAGES if max_ocr_pages is None else max_ocr_pages
    if len(wanted) > limit:
        result.warnings.append(f"OCR limited to {limit} of {len(wanted)} pages")
    for i in wanted[:limit]:
        info = result.page_info[i]
        try:
            text = ocrmod.ocr_page(doc[i])
        except Exception as e:
            result.warnings.append(f"page {i + 1}: OCR failed ({e})")
            continue
        q = text_quality(text) if text.strip() else None
        if info.chars and info.quality is not None and (q is None or q <= info.quality):
            continue                      # OCR is not better than the poor text layer
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        page_blocks[i] = [(k, Paragraph(text=thai_repair.repair_text(join_lines(p.splitlines())),
                                        page=i + 1)) for k, p in enumerate(paras)]
        result.page_info[i] = PageInfo(page=i + 1, chars=len(text.strip()), quality=q, method="ocr")


def _assemble(page_blocks) -> list:
    """Page blocks in reading order; tables continuing on the next page are merged."""
    blocks: list = []
    open_table: Optional[_PTable] = None     # last table, if nothing but margins since
    for pb in page_blocks:
        seen_body = False
        for _, b in pb:
            if isinstance(b, _PTable):
                if open_table is not None and not seen_body and b.page == open_table.page + 1 \
                        and (_same_columns(open_table, b) or _fewer_columns(open_table, b)):
                    _merge_into(open_table, b)
                    open_table.page = b.page
                    open_table.bbox = b.bbox
                    open_table.page_height = b.page_height
                    continue
                t = Table(rows=b.rows, page=b.rows[0][0].page if b.rows else b.page, bbox=b.bbox)
                blocks.append(t)
                b.table = t
                open_table = b
                seen_body = True
            else:
                if not _is_margin_text(b):
                    seen_body = True
                    open_table = None
                blocks.append(b)
        # tables at the end of this page stay open for the next page
    return blocks
