"""Repairs for defects of Thai PDF text layers.

Every repair is a named function ``str -> str``. Two kinds:

* unconditional, always safe: ``remove_cid_tokens``, ``map_private_use``,
  ``remove_spaces_before_marks`` (also "ส ำรวจ" -> "สำรวจ"), ``fix_nikhahit_sara_aa``
  ("ดํา" = nikhahit + sara aa -> "ดำ", pdfminer's "ดำา" -> "ดำ"), ``reorder_marks``;
* dictionary-checked: a candidate edit at a suspicious site is kept only when the text
  around it reads better against a Thai word list (pythainlp ``thai_words()`` plus
  ``schemas/domain_words.txt``): fewer characters outside dictionary words, or as many
  and fewer words. ``fix_sara_am_as_space`` ("ส านัก" -> "สำนัก"),
  ``fix_sara_am_dropped`` ("ประจาปี" -> "ประจำปี"), ``fix_sara_aa_as_am``
  ("ควำม" -> "ความ"), ``fix_mai_tho_aa_as_am`` ("ด้าเนิน" -> "ดำเนิน", Canva),
  ``fix_displaced_marks`` ("เลม่" -> "เล่ม", "หนา้" -> "หน้า"), ``join_split_words``
  (justified text: "ประกรรษ วัต" style spaces inside a word; kept only when it removes
  non-dictionary characters).

``repair_text`` composes them. Work is local: each site is judged on a window of at most
``WINDOW`` characters either side, segmentations are cached, so the cost grows with the
number of suspicious sites, not with the square of the text.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pipeline.normalize import fix_nikhahit_sara_aa as normalize_nikhahit_sara_aa
from pipeline.normalize import map_private_use_glyphs, remove_spaces_before_marks  # noqa: F401 (a repair step)

WINDOW = 14                      # characters either side of a site that decide a repair
_DOMAIN_WORDS = Path(__file__).resolve().parent.parent / "schemas" / "domain_words.txt"

CONS = "\u0e01-\u0e2e"                            # ก..ฮ
TONES = "\u0e48-\u0e4b"                           # ่ ้ ๊ ๋
ABOVE = "\u0e31\u0e34-\u0e37\u0e47"               # ั ิ ี ึ ื ็
BELOW = "\u0e38-\u0e3a"                           # ุ ู ฺ
MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"        # all combining marks
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_THAI_LETTER = re.compile(f"[{CONS}]")


# ---------------------------------------------------------------- dictionary
@lru_cache(maxsize=1)
def _dictionary():
    """(word set, pythainlp Trie) built once per process."""
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from pythainlp.corpus import thai_words
    from pythainlp.util import Trie

    words = set(thai_words())
    try:
        for line in _DOMAIN_WORDS.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line)
    except OSError:
        pass
    return frozenset(words), Trie(words)


def word_set() -> frozenset:
    return _dictionary()[0]


@lru_cache(maxsize=1)
def _ngrams() -> frozenset:
    """Every 2- and 3-character substring of a dictionary word: an edit whose new
    characters do not form one with their neighbours cannot make a word (cheap filter)."""
    out = set()
    for w in word_set():
        for i in range(len(w) - 1):
            out.add(w[i:i + 2])
            out.add(w[i:i + 3])
    return frozenset(out)


@lru_cache(maxsize=200_000)
def segment(text: str) -> tuple[str, ...]:
    """newmm segmentation with the project dictionary (cached)."""
    from pythainlp.tokenize.newmm import segment as _newmm

    return tuple(_newmm(text, custom_dict=_dictionary()[1]))


def is_thai_word_token(tok: str) -> bool:
    return bool(_THAI_LETTER.search(tok))


@lru_cache(maxsize=200_000)
def cost(text: str) -> tuple[int, int]:
    """(characters of Thai tokens not in the dictionary, number of Thai tokens)."""
    words = word_set()
    unknown = n = 0
    for tok in segment(text):
        if not is_thai_word_token(tok):
            continue
        n += 1
        if tok not in words:
            unknown += len(tok)
    return unknown, n


_ABBREV = re.compile(r"(?<![\u0e01-\u0e4e])(?:[\u0e01-\u0e4e]{1,4}\.)+")


def unknown_words(text: str) -> list[str]:
    """Thai tokens of ``text`` that are not dictionary words (for measurements)."""
    words = word_set()
    out = []
    # abbreviations ("พ.ศ.", "ต.ค.", "อบต.") are not words of the word list
    text = _ABBREV.sub(" ", text)
    for span in re.findall(r"[\u0e00-\u0e7f]+", text):
        out.extend(t for t in segment(span) if is_thai_word_token(t) and t not in words)
    return out


# ---------------------------------------------------------------- unconditional
_CID = re.compile(r"\(cid:\d+\)")


def remove_cid_tokens(s: str) -> str:
    """Drop pdfminer's "(cid:N)" placeholders for glyphs without a Unicode mapping."""
    return _CID.sub("", s) if "(cid:" in s else s


_PUA_RE = re.compile("[\ue000-\uf8ff]")


def map_private_use(s: str) -> str:
    """Private-use glyph code points -> Thai characters (the table is pipeline.normalize's)."""
    return map_private_use_glyphs(s) if _PUA_RE.search(s) else s


_AM_AA = re.compile(f"\u0e33([{TONES}]?)\u0e32")
_NIK_AM = re.compile(f"\u0e4d([{TONES}]?)\u0e33")


def fix_nikhahit_sara_aa(s: str) -> str:
    """nikhahit + sara aa ("ดํา") -> sara am (pipeline.normalize); also pdfminer's
    duplicated "ดำา" and nikhahit + sara am -> sara am."""
    s = normalize_nikhahit_sara_aa(s)
    if "\u0e4d" in s:
        s = _NIK_AM.sub("\\1\u0e33", s)
    if "\u0e33" in s:
        s = _AM_AA.sub("\\1\u0e33", s)
    return s


_TONE_ABOVE = re.compile(f"([{TONES}\u0e4c])([{ABOVE}])")
_TONE_BELOW = re.compile(f"([{TONES}\u0e4c])([{BELOW}])")
_DUP_MARK = re.compile(f"([{MARKS}])\\1+")
_TONE_AM = re.compile(f"\u0e33([{TONES}])")


def reorder_marks(s: str) -> str:
    """Canonical mark order: vowel mark before tone ("ก่ี" -> "กี่"), tone before sara am,
    no doubled marks ("ค่่มือ" -> "ค่มือ")."""
    s = _DUP_MARK.sub("\\1", s)
    s = _TONE_ABOVE.sub("\\2\\1", s)
    s = _TONE_BELOW.sub("\\2\\1", s)
    s = _TONE_AM.sub("\\1\u0e33", s)
    return s


# ---------------------------------------------------------------- dictionary-checked
def _better(before: tuple[int, int], after: tuple[int, int], strict_unknown: bool) -> bool:
    if after[0] < before[0]:
        return True
    if strict_unknown:
        return False
    return after[0] == before[0] and after[1] < before[1]


def _apply_sites(s: str, pattern: re.Pattern, edit: Callable[[re.Match], str],
                 strict_unknown: bool = False) -> str:
    """Walk the matches of ``pattern``; replace a match by ``edit(m)`` when the window
    around it reads better. At most one evaluation per position: bounded."""
    pos = 0
    n_guard = 0
    while True:
        m = pattern.search(s, pos)
        if not m:
            return s
        n_guard += 1
        if n_guard > len(s) + 10:       # cannot happen; belt and braces against loops
            return s
        a, b = m.start(), m.end()
        new = edit(m)
        left = s[a - 1] if a > 0 and _THAI.match(s[a - 1]) else ""
        right = s[b] if b < len(s) and _THAI.match(s[b]) else ""
        ctx = left + new + right
        ng = _ngrams()
        if len(ctx) >= 2 and not all(ctx[i:i + 3] in ng for i in range(max(1, len(ctx) - 2))):
            pos = a + 1
            continue
        lo = a
        while lo > 0 and a - lo < WINDOW and _THAI.match(s[lo - 1]):
            lo -= 1
        hi = b
        while hi < len(s) and hi - b < WINDOW and _THAI.match(s[hi]):
            hi += 1
        before = s[lo:hi]
        cb = cost(before)
        if strict_unknown and cb[0] == 0:      # nothing unknown here: nothing to gain
            pos = a + 1
            continue
        after = s[lo:a] + new + s[b:hi]
        if _better(cb, cost(after), strict_unknown):
            s = s[:a] + new + s[b:]
            pos = a + max(1, len(new))
        else:
            pos = a + 1


_RE_AM_SPACE = re.compile(f"(?<=[{CONS}])([{TONES}]?)[ \u00a0]\u0e32")


def fix_sara_am_as_space(s: str) -> str:
    """"ส านักงาน" -> "สำนักงาน": the nikhahit of sara am extracted as a space."""
    if " \u0e32" not in s and "\u00a0\u0e32" not in s:
        return s
    return _apply_sites(s, _RE_AM_SPACE, lambda m: m.group(1) + "\u0e33")


_RE_AA = re.compile(f"(?<=[{CONS}])([{TONES}]?)\u0e32")


def fix_sara_am_dropped(s: str) -> str:
    """"ประจาปี" -> "ประจำปี", "ดาเนิน" -> "ดำเนิน": the nikhahit of sara am dropped."""
    if "\u0e32" not in s:
        return s
    return _apply_sites(s, _RE_AA, lambda m: m.group(1) + "\u0e33")


_RE_AM = re.compile(f"(?<=[{CONS}])([{TONES}]?)\u0e33")


def fix_sara_aa_as_am(s: str) -> str:
    """"ควำม" -> "ความ", "บริกำร" -> "บริการ": sara aa extracted as sara am."""
    if "\u0e33" not in s:
        return s
    return _apply_sites(s, _RE_AM, lambda m: m.group(1) + "\u0e32")


_RE_THO_AA = re.compile(f"(?<=[{CONS}])\u0e49\u0e32")


def fix_mai_tho_aa_as_am(s: str) -> str:
    """"ด้าเนิน" -> "ดำเนิน", "ส้าหรับ" -> "สำหรับ" (Canva): sara am extracted as mai tho + sara aa."""
    if "\u0e49\u0e32" not in s:
        return s
    return _apply_sites(s, _RE_THO_AA, lambda m: "\u0e33")


_RE_DISPLACED = re.compile(f"([{CONS}])([{CONS}\u0e32\u0e30])([{TONES}{ABOVE}{BELOW}\u0e4c]+)")


def fix_displaced_marks(s: str) -> str:
    """"เลม่" -> "เล่ม", "หนา้" -> "หน้า", "เนนิ" -> "เนิน": marks written after the
    following character. The mark moves back onto the previous consonant."""
    return _apply_sites(s, _RE_DISPLACED, lambda m: m.group(1) + m.group(3) + m.group(2))


# a space between two Thai runs of 2+ characters each, the right one not an abbreviation
_RE_SPLIT = re.compile("(?<=[\u0e01-\u0e4e][\u0e01-\u0e4e]) "
                       "(?=[\u0e01-\u0e2e\u0e40-\u0e44][\u0e01-\u0e4e]+(?![.\u0e01-\u0e4e]))")


def join_split_words(s: str) -> str:
    """Spaces inside a word (justified text): removed only when that removes
    non-dictionary characters."""
    if " " not in s:
        return s
    return _apply_sites(s, _RE_SPLIT, lambda m: "", strict_unknown=True)


_LEADING_VOWEL_SPACE = re.compile("([\u0e40-\u0e44])[ \u00a0]+(?=[\u0e01-\u0e2e])")


def remove_space_after_leading_vowel(s: str) -> str:
    """"เ ม.ย." -> "เม.ย.": a leading vowel (เ แ โ ใ ไ) is always followed by its consonant,
    so a space between them is a gap the text layer made up."""
    return _LEADING_VOWEL_SPACE.sub(r"\1", s)


UNCONDITIONAL = (remove_cid_tokens, map_private_use, fix_nikhahit_sara_aa,
                 remove_spaces_before_marks, remove_space_after_leading_vowel, reorder_marks)
CHECKED = (fix_sara_am_as_space, fix_mai_tho_aa_as_am, fix_displaced_marks,
           fix_sara_aa_as_am, fix_sara_am_dropped, join_split_words)


def repair_text(s: str) -> str:
    """All repairs, in order. Text without Thai passes through untouched (fast path)."""
    if not s:
        return s
    s = remove_cid_tokens(s)
    if not _THAI.search(s) and not _PUA_RE.search(s):
        return s
    for f in UNCONDITIONAL:
        s = f(s)
    for f in CHECKED:
        s = f(s)
    return s
