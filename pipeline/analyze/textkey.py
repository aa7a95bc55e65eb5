"""The text that passages are compared on, and the way back to the text as written.

compare_key(): markup to a gap, the report's own agency name to "@" (a report copied from
another agency with the name swapped still matches), Thai presentation glyphs to letters
(pipeline.normalize's table), Latin lower-cased, every run of digits (Thai or Arabic) to
"0", everything but Thai letters and marks, Latin letters, digits and "@" dropped (spaces,
punctuation). compare_key_with_map() gives the same text plus, for each of its characters,
the span of the original it comes from, so a shared span can be shown as written.
"""
from __future__ import annotations

import re
from typing import Optional

from pipeline.normalize import RE_MARKUP, map_private_use_glyphs, thai_digits_to_arabic

# compare_key keeps Thai digits (\u0e50-\u0e59) through the drop and folds them into the
# digit runs: same output as translating them to 0-9 first, but str.translate is slow on
# Thai text (about half of the time)
_DROP = re.compile(r"[^\u0e01-\u0e4f\u0e50-\u0e59a-z0-9@]+")
_DIGIT_RUNS = re.compile(r"[0-9\u0e50-\u0e59]+")
_PRIVATE_USE = re.compile("[\uf700-\uf71a\uf884-\uf89e]")


def _keep(ch: str) -> bool:
    return ("\u0e01" <= ch <= "\u0e4f") or ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch == "@"


def compare_key(text: Optional[str], own_name: Optional[re.Pattern] = None) -> str:
    """Normalized comparison text (see module doc)."""
    if not text:
        return ""
    s = RE_MARKUP.sub(" ", text)
    if _PRIVATE_USE.search(s):
        s = map_private_use_glyphs(s)
    if own_name is not None:
        s = own_name.sub("@", s)
    s = _DROP.sub("", s.lower())
    return _DIGIT_RUNS.sub("0", s)


def compare_key_with_map(text: Optional[str], own_name: Optional[re.Pattern] = None
                         ) -> tuple[str, list[tuple[int, int]]]:
    """compare_key() and, for each of its characters, the (start, end) span of text."""
    if not text:
        return "", []
    # 1. markup -> one space, keeping a map into the original
    inter: list[str] = []
    imap: list[tuple[int, int]] = []
    pos = 0
    for m in RE_MARKUP.finditer(text):
        for i in range(pos, m.start()):
            inter.append(text[i]); imap.append((i, i + 1))
        inter.append(" "); imap.append((m.start(), m.end()))
        pos = m.end()
    for i in range(pos, len(text)):
        inter.append(text[i]); imap.append((i, i + 1))
    s = map_private_use_glyphs("".join(inter))       # one letter for one glyph: map unchanged
    # 2. own agency name -> "@"
    chars: list[tuple[str, tuple[int, int]]] = []
    pos = 0
    if own_name is not None:
        for m in own_name.finditer(s):
            if m.end() == m.start():
                continue
            chars.extend((s[i], imap[i]) for i in range(pos, m.start()))
            chars.append(("@", (imap[m.start()][0], imap[m.end() - 1][1])))
            pos = m.end()
    chars.extend((s[i], imap[i]) for i in range(pos, len(s)))
    # 3. lower, digits, drop, digit runs
    out: list[str] = []
    omap: list[tuple[int, int]] = []
    for ch, span in chars:
        for c in thai_digits_to_arabic(ch.lower()):
            if not _keep(c):
                continue
            if c.isdigit():
                c = "0"
                if out and out[-1] == "0":     # a digit run (spaces between digits dropped)
                    omap[-1] = (omap[-1][0], span[1])
                    continue
            out.append(c); omap.append(span)
    return "".join(out), omap


def as_written(text: str, nmap: list[tuple[int, int]], spans: list[tuple[int, int]]) -> str:
    """Spans of the comparison text, shown as written in text, joined by ' … '."""
    pieces = []
    for s, e in spans:
        if s >= len(nmap):
            continue
        e = min(e, len(nmap))
        pieces.append(re.sub(r"\s+", " ", RE_MARKUP.sub(" ", text[nmap[s][0]:nmap[e - 1][1]])).strip())
    return " … ".join(p for p in pieces if p)


def original_spans(nmap: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the comparison text as (start, end) offsets in the original text."""
    return [(nmap[s][0], nmap[min(e, len(nmap)) - 1][1]) for s, e in spans if s < len(nmap)]
