"""Text normalization for Thai report text, one small function per fix.

Every function accepts any ``str`` and never raises. ``normalize_text`` composes
them and is idempotent; ``normalize_cell`` first turns cell markup into lines.
"""
from __future__ import annotations

import html
import math
import re
from functools import lru_cache

from pythainlp.util import normalize as _pythainlp_normalize

# --- digits -----------------------------------------------------------------

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ARABIC_DIGITS = "0123456789"
_TO_ARABIC = str.maketrans(_THAI_DIGITS, _ARABIC_DIGITS)
_TO_THAI = str.maketrans(_ARABIC_DIGITS, _THAI_DIGITS)
_RE_THAI_DIGITS = re.compile(f"[{_THAI_DIGITS}]+")


def _translate_where(pattern: re.Pattern, table: dict, s: str) -> str:
    """s.translate(table), applied only to the runs `pattern` finds: str.translate costs
    ~0.3 us a character on Thai text, a regex scan a hundredth of that, and most text has
    nothing to translate."""
    if not pattern.search(s):
        return s
    return pattern.sub(lambda m: m.group().translate(table), s)


def thai_digits_to_arabic(s: str) -> str:
    """'๒๕๖๔' -> '2564'."""
    return _translate_where(_RE_THAI_DIGITS, _TO_ARABIC, s)


def arabic_digits_to_thai(s: str) -> str:
    """'2564' -> '๒๕๖๔'."""
    return s.translate(_TO_THAI)


# --- invisible characters ------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_RE_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]+")
_SOFT_HYPHEN = {0x00AD: None}
_RE_SOFT_HYPHEN = re.compile("\u00ad+")


def remove_zero_width(s: str) -> str:
    """Drop ZWSP, ZWNJ, ZWJ, word joiner and BOM (PDF text layers are full of them)."""
    return _translate_where(_RE_ZERO_WIDTH, _ZERO_WIDTH, s)


def remove_soft_hyphens(s: str) -> str:
    return _translate_where(_RE_SOFT_HYPHEN, _SOFT_HYPHEN, s)


# C0 controls but tab and the line breaks (\n \r \v \f \x1c-\x1e, which collapse_whitespace
# turns into newlines), DEL, C1 controls but NEL (\x85, a line break too); an ESC starting a
# terminal escape sequence goes with the whole sequence (CSI "\x1b[31m", OSC "\x1b]0;title\x07").
# NULs come from UTF-16 and PDF conversions, escape sequences from terminal captures.
# (bounded, never across a tab or a line: an ESC before ordinary text takes only itself)
CONTROL_CHARACTERS = re.compile("\x1b(?:\\[[0-?]{0,32}[ -/]{0,8}[@-~]|\\][^\x07\x1b\t\n\r]{0,256}(?:\x07|\x1b\\\\)"
                                "|[@-Z\\\\-_])"
                                "|[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


# The same C0 controls and DEL as bytes (UTF-8 and cp874 never use bytes below 0x80 inside a
# character), mapped to 0 and every other byte to 1: a membership test after bytes.translate
# runs at memory speed, where a regex scan of Thai text costs ~50 ns a character.
CONTROL_BYTES = bytes(0 if b < 0x09 or 0x0E <= b <= 0x1B or b in (0x1F, 0x7F) else 1 for b in range(256))
C1_UTF8 = re.compile(b"\xc2[\x80-\x84\x86-\x9f]")     # C1 controls as UTF-8 (a literal prefix: fast)


def has_control_characters(s: str) -> bool:
    """Whether remove_control_characters would change `s` (fast)."""
    b = s.encode("utf-8", "surrogatepass")
    return 0 in b.translate(CONTROL_BYTES) or (b"\xc2" in b and C1_UTF8.search(b) is not None)


def remove_control_characters(s: str) -> str:
    """'\x00มาตรการ\x00' -> 'มาตรการ', '\x1b[31mแดง\x1b[0m' -> 'แดง'. Tabs and line breaks
    stay (they are table and line structure). Used where text enters (extractors/txt.py, on
    the decoded file, which warns where it removed any) and in normalize_text."""
    return CONTROL_CHARACTERS.sub("", s) if has_control_characters(s) else s


# --- private-use glyphs --------------------------------------------------------
# Fonts without OpenType Thai tables position marks with pre-shifted glyphs in the
# Private Use Area; PDF text extraction then yields these code points instead of the
# real characters. Table per HarfBuzz hb-ot-shaper-thai.cc (Windows set U+F700..F71A,
# Mac/Adobe set U+F884..F89E). Shift direction: SL left, SD down, SDL down-left,
# RD = consonant with its descender removed.
_PUA_TO_THAI = {
    # Windows (Microsoft) set
    0xF700: "\u0e10",  # THO THAN, RD
    0xF701: "\u0e34", 0xF702: "\u0e35", 0xF703: "\u0e36", 0xF704: "\u0e37",  # SARA I..UEE, SL
    0xF705: "\u0e48", 0xF706: "\u0e49", 0xF707: "\u0e4a", 0xF708: "\u0e4b",  # tone marks, SDL
    0xF709: "\u0e4c",  # THANTHAKHAT, SDL
    0xF70A: "\u0e48", 0xF70B: "\u0e49", 0xF70C: "\u0e4a", 0xF70D: "\u0e4b",  # tone marks, SD
    0xF70E: "\u0e4c",  # THANTHAKHAT, SD
    0xF70F: "\u0e0d",  # YO YING, RD
    0xF710: "\u0e31",  # MAI HAN-AKAT, SL
    0xF711: "\u0e4d",  # NIKHAHIT, SL
    0xF712: "\u0e47",  # MAITAIKHU, SL
    0xF713: "\u0e48", 0xF714: "\u0e49", 0xF715: "\u0e4a", 0xF716: "\u0e4b",  # tone marks, SL
    0xF717: "\u0e4c",  # THANTHAKHAT, SL
    0xF718: "\u0e38", 0xF719: "\u0e39", 0xF71A: "\u0e3a",  # SARA U, SARA UU, PHINTHU, SD
    # Mac / Adobe set
    0xF884: "\u0e31",  # MAI HAN-AKAT, SL
    0xF885: "\u0e34", 0xF886: "\u0e35", 0xF887: "\u0e36", 0xF888: "\u0e37",  # SARA I..UEE, SL
    0xF889: "\u0e47",  # MAITAIKHU, SL
    0xF88A: "\u0e48", 0xF88B: "\u0e48", 0xF88C: "\u0e48",  # MAI EK: SL, SD, SDL
    0xF88D: "\u0e49", 0xF88E: "\u0e49", 0xF88F: "\u0e49",  # MAI THO
    0xF890: "\u0e4a", 0xF891: "\u0e4a", 0xF892: "\u0e4a",  # MAI TRI
    0xF893: "\u0e4b", 0xF894: "\u0e4b", 0xF895: "\u0e4b",  # MAI CHATTAWA
    0xF896: "\u0e4c", 0xF897: "\u0e4c", 0xF898: "\u0e4c",  # THANTHAKHAT
    0xF899: "\u0e4d",  # NIKHAHIT, SL
    0xF89A: "\u0e0d",  # YO YING, RD
    0xF89B: "\u0e38", 0xF89C: "\u0e39", 0xF89D: "\u0e3a",  # SARA U, SARA UU, PHINTHU, SD
    0xF89E: "\u0e10",  # THO THAN, RD
}


_RE_PUA = re.compile("[\uf700-\uf71a\uf884-\uf89e]+")


def map_private_use_glyphs(s: str) -> str:
    """Replace Thai presentation glyphs from the Private Use Area with real characters."""
    return _translate_where(_RE_PUA, _PUA_TO_THAI, s)


# --- combining marks -------------------------------------------------------------

# Above/below vowels, tone marks and signs, plus SARA AM, which PDF extraction often
# separates from its consonant with a space ("ส ำรวจ").
_MARKS = "\u0e31\u0e33\u0e34-\u0e3a\u0e47-\u0e4e"
_RE_SPACE_BEFORE_MARK = re.compile(f"[^\\S\\n]+(?=[{_MARKS}])")
_RE_NIKHAHIT_AA = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def remove_spaces_before_marks(s: str) -> str:
    """'ส ำรวจ' -> 'สำรวจ', 'เพิ ่ม' -> 'เพิ่ม' (newlines are kept)."""
    return _RE_SPACE_BEFORE_MARK.sub("", s)


def fix_nikhahit_sara_aa(s: str) -> str:
    """NIKHAHIT + [tone] + SARA AA -> [tone] + SARA AM: 'นํ้า' -> 'น้ำ'."""
    return _RE_NIKHAHIT_AA.sub("\\1\u0e33", s)


def _pythainlp_trigger() -> re.Pattern | None:
    """One regex that matches wherever pythainlp's normalize would change something,
    built from pythainlp's own rules; None (always call it) if those are not found."""
    try:
        import importlib
        from pythainlp import thai_tonemarks
        pn = importlib.import_module("pythainlp.util.normalize")  # the function shadows the module
        parts = [pattern for pattern, _ in pn._REORDER_PAIRS]
        parts += [f"(?P<rep>[{re.escape(pn._NOREPEAT_CHARS)}])[ ]*(?P=rep)", f"[{thai_tonemarks}]{{2,}}",
                  pn._RE_REMOVE_DANGLINGS.pattern, pn._RE_REMOVE_DANGLINGS_AFTER_SPACE.pattern,
                  pn._RE_REMOVE_SPACES_BEFORE_NONBASE.pattern, "[\u200b\u200c]|  "]
        return re.compile("|".join(f"(?:{p})" for p in parts))
    except (ImportError, AttributeError, TypeError, re.error):
        return None


_PYTHAINLP_TRIGGER = _pythainlp_trigger()


def normalize_marks(s: str) -> str:
    """pythainlp's normalize (dedup and reorder marks), made safe for split words.

    pythainlp deletes a mark that follows a space ('เพิ ่ม' -> 'เพิ ม'), so the
    space goes first. It is called only where one of its rules applies: it costs
    ~0.3 ms a call whatever the length, and most text needs nothing.
    """
    s = remove_spaces_before_marks(s)
    if _PYTHAINLP_TRIGGER is not None and not _PYTHAINLP_TRIGGER.search(s):
        return s
    return _pythainlp_normalize(s)


# --- whitespace and markup ---------------------------------------------------------

_RE_LINE_BREAKS = re.compile("\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_RE_INLINE_SPACE = re.compile(r"[^\S\n]+")  # any whitespace but newline, incl. NBSP


def collapse_whitespace(s: str) -> str:
    """One space for each run of blanks; strip lines; drop empty lines; keep newlines."""
    s = _RE_LINE_BREAKS.sub("\n", s)
    s = _RE_INLINE_SPACE.sub(" ", s)
    return "\n".join(line.strip() for line in s.split("\n") if line.strip())


_BLOCK_TAGS = "p|li|br|ul|ol|div|tr|td|th|table|tbody|thead|h[1-6]|hr|blockquote|pre"
_INLINE_TAGS = "span|font|b|i|u|s|strong|em|small|big|sup|sub|a|strike|center|code|label|img"
_RE_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^<>]*>", re.IGNORECASE)
_RE_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_TAGS})\b[^<>]*>", re.IGNORECASE)


# Any tag or character entity, for code that must see markup as a gap between words and
# keep positions in the original text (the copy analysis); markup_to_lines removes it.
RE_MARKUP = re.compile(r"<[^<>]{0,200}>|&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,6});")


def markup_to_lines(s: str) -> str:
    """'<p>๑.ปรับปรุง</p> <p>๒. แจก</p>' -> '๑.ปรับปรุง\\n๒. แจก'.

    Paragraphs, list items and <br> end a line; inline tags go without a trace
    (they can sit inside a word); entities are unescaped last so that '&lt;p&gt;'
    stays text.
    """
    s = _RE_BLOCK_TAG.sub("\n", s)
    s = _RE_INLINE_TAG.sub("", s)
    s = html.unescape(s)
    return "\n".join(line.strip() for line in s.splitlines() if line.strip())


# --- composition -------------------------------------------------------------------

def _normalize_once(s: str, arabic_digits: bool) -> tuple[str, bool]:
    """One round of fixes; also says whether the mark reordering changed anything."""
    s = map_private_use_glyphs(remove_control_characters(s))
    s = remove_soft_hyphens(remove_zero_width(s))
    if arabic_digits:
        s = thai_digits_to_arabic(s)
    s = collapse_whitespace(s)
    s = fix_nikhahit_sara_aa(remove_spaces_before_marks(s))
    marked = normalize_marks(s)
    return collapse_whitespace(marked), marked != s


@lru_cache(maxsize=16384)
def normalize_text(s: str, *, arabic_digits: bool = True) -> str:
    """All fixes above except markup. Idempotent.

    Set arabic_digits=False to keep Thai digits (e.g. for text shown to people).
    Cached: the same cell and paragraph texts are normalized by several stages.
    """
    # pythainlp's reordering can expose a new fix (a mark moved next to a space, a
    # duplicate made adjacent), so go round again while it changes something.
    for _ in range(8):
        s, marks_changed = _normalize_once(s, arabic_digits)
        if not marks_changed:
            break
    return s


def normalize_cell(s: str, *, arabic_digits: bool = True) -> str:
    """Cell text from a converted report: markup to lines, then normalize_text."""
    return normalize_text(markup_to_lines(s), arabic_digits=arabic_digits)


_RE_NUMBER = re.compile(r"[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|[-+]?\.[0-9]+")


def thai_number(s: str) -> float | None:
    """'๗๖.๖๓' / '76.63' / '1,234.50' -> float; anything else -> None."""
    t = collapse_whitespace(remove_zero_width(thai_digits_to_arabic(s)))
    if not _RE_NUMBER.fullmatch(t):
        return None
    value = float(t.replace(",", ""))
    return value if math.isfinite(value) else None
