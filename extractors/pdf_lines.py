"""Characters -> text lines -> the text of a cell or a paragraph.

Thai text layers are written in any order (Canva), with marks displaced (the Royal
Gazette's "เลม่"), or cell by cell (Word): lines are rebuilt from geometry. Every distance
is relative to the characters' own height, so no tolerance depends on the font size.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import thai_repair
from extractors.pdf_page import MARK, SOFT_HYPHEN, Ch

NO_START = "\u0e30\u0e32\u0e33\u0e45"        # ะ า ำ ๅ: never the first letter of a word
LIST_ITEM = re.compile(r"^\s*(?:[-•·▪●○◦*✓✔]|[0-9๐-๙]{1,3}(?:\.[0-9๐-๙]{1,3})*[.)]|\([0-9๐-๙]{1,3}\)|[ก-ฮ][.)]\s)")


@dataclass
class Line:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    chars: list[Ch]

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _runs(chars: list[Ch]) -> list[list[Ch]]:
    """Split the stream into runs: same vertical band, x not jumping back. A mark whose
    centre lies far behind the previous character starts its own run (displaced mark)."""
    runs: list[list[Ch]] = []
    cur: list[Ch] = []
    for ch in chars:
        if cur:
            prev = cur[-1]
            h = max(1e-3, min(prev.bottom - prev.top, ch.bottom - ch.top))
            same_band = abs(ch.cy - prev.cy) < 0.5 * h
            if MARK.match(ch.c):
                # a mark sits over its base: one whose centre is left of the base it would
                # follow belongs to an earlier letter ("ทัง้" written for "ทั้ง")
                base = next((c for c in reversed(cur) if not MARK.match(c.c)), prev)
                back = ch.cx < base.x0 - 0.1 * h or ch.cx > prev.x1 + 0.8 * h
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
        while k < len(run) and MARK.match(run[k].c):
            k += 1
        if 0 < k < len(run):
            out.append(run[:k])
            out.append(run[k:])
        else:
            out.append(run)
    return out


def _attach_marks(seq: list[Ch], loose: list[Ch]) -> list[Ch]:
    """Marks that came in runs of their own go after the base character whose box holds
    their centre."""
    out = list(seq)
    for m in loose:
        slack = 0.04 * (m.bottom - m.top)
        best = None
        for k, base in enumerate(out):
            if not MARK.match(base.c) and base.x0 - slack <= m.cx <= base.x1 + slack:
                best = k
        if best is None:
            continue    # a mark that sits on nothing is noise
        k = best + 1
        while k < len(out) and MARK.match(out[k].c):
            k += 1
        out.insert(k, m)
    return out


def text_lines(chars: list[Ch], word_gap: float = 0.15) -> list[Line]:
    """Group characters into text lines, top to bottom. ``word_gap``: white between two
    runs of one line, in character heights, that reads as a space."""
    if not chars:
        return []
    groups: list[list[list[Ch]]] = []
    bands: list[list[float]] = []
    mark_runs = []
    for run in _runs(chars):
        if all(MARK.match(c.c) for c in run):
            mark_runs.append(run)
            continue
        top = min(c.top for c in run)
        bottom = max(c.bottom for c in run)
        cy = (top + bottom) / 2
        for gi, band in enumerate(bands):
            if band[0] <= cy <= band[1]:
                groups[gi].append(run)
                band[0], band[1] = min(band[0], top), max(band[1], bottom)
                break
        else:
            groups.append([run])
            bands.append([top, bottom])
    loose_by_group: dict[int, list[Ch]] = {}
    for run in mark_runs:           # displaced marks: nearest line (within a line height)
        for m in run:
            best, bd = None, None
            for gi, (gt, gb) in enumerate(bands):
                d = 0.0 if gt <= m.cy <= gb else min(abs(m.cy - gt), abs(m.cy - gb))
                if d <= (gb - gt) and (bd is None or d < bd) and \
                        any(c.x0 <= m.cx <= c.x1 for r in groups[gi] for c in r):
                    best, bd = gi, d
            if best is not None:
                loose_by_group.setdefault(best, []).append(m)
    out = []
    for gi, (g, (gt, gb)) in enumerate(zip(groups, bands)):
        g.sort(key=lambda r: r[0].x0)
        seq: list[Ch] = []
        for run in g:
            if seq:
                gap = run[0].x0 - seq[-1].x1
                h = max(1e-3, run[0].bottom - run[0].top)
                if gap > word_gap * h and not run[0].space_before:
                    run[0].space_before = True
            seq.extend(run)
        seq = _attach_marks(seq, loose_by_group.get(gi, []))
        parts = []
        for i, ch in enumerate(seq):
            # no space before a vowel that cannot start a word ("เป้ า": a wide tone mark
            # over "ป" leaves a gap before sara aa)
            if i and ch.space_before and not MARK.match(ch.c) \
                    and not (ch.c in NO_START and "\u0e01" <= seq[i - 1].c <= "\u0e4e"):
                parts.append(" ")
            parts.append(ch.c)
        text = "".join(parts).strip()
        if text:
            out.append(Line(min(c.x0 for c in seq), gt, max(c.x1 for c in seq), gb, text, seq))
    out.sort(key=lambda ln: (ln.top, ln.x0))
    return out


_TAIL = re.compile(r"[\u0e01-\u0e4e]{1,20}$")
_HEAD = re.compile(r"[\u0e01-\u0e4e]{1,20}")


def joins_inside_word(a: str, b: str, strict: bool = False) -> bool:
    """Does a line break between ``a`` and ``b`` fall inside a Thai word? Yes when the
    Thai text at the break reads better joined: fewer characters outside dictionary
    words, or (unless ``strict``) as many and fewer words ("ถึงกันยาย|น", "เค|รื่อ")."""
    ma, mb = _TAIL.search(a), _HEAD.match(b)
    if not ma or not mb:
        return False
    ta, tb = ma.group(0), mb.group(0)
    if b[len(tb):len(tb) + 1] == ".":      # abbreviation ("พ.ศ.", "ต.ค."): a word of its own
        return False
    ca, cb = thai_repair.cost(ta), thai_repair.cost(tb)
    cj = thai_repair.cost(ta + tb)
    sep = (ca[0] + cb[0], ca[1] + cb[1])
    return cj[0] < sep[0] or (not strict and cj[0] == sep[0] and cj[1] < sep[1])


def join_lines(lines: list[str]) -> str:
    """Join the lines of one cell/paragraph: newline before a list item; no space when
    the break falls inside a Thai word; else one space."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if LIST_ITEM.match(line):
            out += "\n" + line
            continue
        a, b = out[-1], line[0]
        if "\u0e01" <= a <= "\u0e5b" and "\u0e01" <= b <= "\u0e5b":
            if MARK.match(b) or b == "\u0e33" or joins_inside_word(out, line):
                out += line
                continue
        if a == SOFT_HYPHEN:                # pdfium's hyphen at a line break: one word
            out = out[:-1] + line
            continue
        out += " " + line
    return out


def lines_text(lines: list[str]) -> str:
    """Joined and repaired text of a cell's or paragraph's lines."""
    return thai_repair.repair_text(join_lines(lines).replace(SOFT_HYPHEN, ""))


def text_of(chars: list[Ch], word_gap: float = 0.15) -> str:
    """The repaired text of a set of characters (a cell)."""
    return lines_text([ln.text for ln in text_lines(chars, word_gap)])


def paragraphs(lines: list[Line], para_gap: float = 0.45) -> list[list[Line]]:
    """Consecutive lines with small vertical gaps (in line heights) form one paragraph."""
    out: list[list[Line]] = []
    for ln in lines:
        if out:
            prev = out[-1][-1]
            h = max(1e-3, prev.height)
            if ln.top - prev.bottom > para_gap * h or ln.top < prev.top:
                out.append([ln])
                continue
            out[-1].append(ln)
        else:
            out.append([ln])
    return out

