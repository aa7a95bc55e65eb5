"""Post-correction of Tesseract's Thai, against the word list.

First the text layer's repairs (``thai_repair.repair_text``: nikhahit + sara aa -> sara am,
marks, split words), then the confusions Tesseract's Thai model makes, each tried only
where the text around it reads better after the edit (``thai_repair._apply_sites``: fewer
characters outside dictionary words):

* ``restore_dropped_marks``: a tone mark or mai han-akat lost over a consonant
  ("ชือ" -> "ชื่อ", "นํายืน" -> "น้ำยืน", "ทีม" stays);
* ``fix_lookalike_consonants``: consonants told apart only by a small stroke
  (ด/ค, บ/ป, ข/ช, ผ/พ, ฝ/ฟ, ถ/ภ, ท/ห, ร/ธ, ล/ถ, ม/น).
"""
from __future__ import annotations

import re

from extractors import thai_repair
from extractors.thai_repair import CONS, _apply_sites

_LOOKALIKE = {"ด": "ค", "ค": "ด", "บ": "ป", "ป": "บ", "ข": "ช", "ช": "ข", "ผ": "พ", "พ": "ผ",
              "ฝ": "ฟ", "ฟ": "ฝ", "ถ": "ภ", "ภ": "ถ", "ท": "ห", "ห": "ท", "ร": "ธ", "ธ": "ร",
              "ม": "น", "น": "ม", "ซ": "ช", "ฃ": "ข"}
_RE_LOOKALIKE = re.compile("[" + "".join(_LOOKALIKE) + "]")
_RE_BARE = re.compile(f"(?<=[{CONS}])(?=[{CONS}\u0e32\u0e33])")       # between two letters
_RE_SARA_I = re.compile("[\u0e34\u0e37](?![\u0e48-\u0e4b])")            # ิ / ื without a tone


def restore_dropped_marks(s: str) -> str:
    s = _apply_sites(s, _RE_SARA_I, lambda m: m.group(0) + "\u0e48", strict_unknown=True)
    s = _apply_sites(s, _RE_SARA_I, lambda m: m.group(0) + "\u0e49", strict_unknown=True)
    for mark in ("\u0e49", "\u0e48", "\u0e31"):
        s = _apply_sites(s, _RE_BARE, lambda m, mark=mark: mark, strict_unknown=True)
    return s


def fix_lookalike_consonants(s: str) -> str:
    return _apply_sites(s, _RE_LOOKALIKE, lambda m: _LOOKALIKE[m.group(0)], strict_unknown=True)


def repair_ocr(s: str) -> str:
    s = thai_repair.repair_text(s)
    if not re.search("[\u0e01-\u0e4e]", s):
        return s
    s = restore_dropped_marks(s)
    s = fix_lookalike_consonants(s)
    return s
