"""Post-correction of Tesseract's Thai, against the word list.

First the text layer's repairs (``thai_repair.repair_text``: nikhahit + sara aa -> sara am,
marks, split words), then the confusions Tesseract's Thai model makes, each tried only
where the text around it reads better after the edit (``thai_repair._apply_sites``: fewer
characters outside dictionary words):

* ``restore_dropped_marks``: a tone mark or mai han-akat lost over a consonant
  ("ชือ" -> "ชื่อ", "ตัวชีวัด" -> "ตัวชี้วัด", "ทีม" stays), mai ek read for mai tho;
* ``fix_lookalike_consonants``: consonants told apart only by a small stroke
  (ด/ค, บ/ป, ข/ช, ผ/พ, ฝ/ฟ, ถ/ภ, ท/ห, ร/ธ, ล/ถ, ม/น);
* ``fix_place_names``: a district or province name (``schemas/districts.txt``,
  ``provinces.txt``) read with its tone marks or sara am wrong ("นำยืน", "น่ายืน" ->
  "น้ำยืน"): the text's letters without marks equal the name's; both spellings are words,
  so the word list cannot tell.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors import thai_repair
from extractors.thai_repair import CONS, _apply_sites

_LOOKALIKE = {"ด": "ค", "ค": "ด", "บ": "ป", "ป": "บ", "ข": "ช", "ช": "ข", "ผ": "พ", "พ": "ผ",
              "ฝ": "ฟ", "ฟ": "ฝ", "ถ": "ภ", "ภ": "ถ", "ท": "ห", "ห": "ท", "ร": "ธ", "ธ": "ร",
              "ม": "น", "น": "ม", "ซ": "ช", "ฃ": "ข"}
_RE_LOOKALIKE = re.compile("[" + "".join(_LOOKALIKE) + "]")
_RE_BARE = re.compile(f"(?<=[{CONS}])(?=[{CONS}\u0e32\u0e33])")       # between two letters
_RE_SARA_I = re.compile("[\u0e34-\u0e37](?![\u0e48-\u0e4b])")             # ิ ี ึ ื without a tone


_RE_TONE = re.compile("[\u0e48\u0e49]")


def restore_dropped_marks(s: str) -> str:
    # over sara i / sara ue a tone is often lost ("ตัวชีวัด", "หน้าที"): kept when the text
    # then reads as fewer words, since both readings are often words
    s = _apply_sites(s, _RE_SARA_I, lambda m: m.group(0) + "\u0e48")
    s = _apply_sites(s, _RE_SARA_I, lambda m: m.group(0) + "\u0e49")
    s = _apply_sites(s, _RE_TONE, lambda m: "\u0e49" if m.group(0) == "\u0e48" else "\u0e48")  # ดังนี่
    for mark in ("\u0e49", "\u0e48", "\u0e31"):
        s = _apply_sites(s, _RE_BARE, lambda m, mark=mark: mark, strict_unknown=True)
    return s


def fix_lookalike_consonants(s: str) -> str:
    return _apply_sites(s, _RE_LOOKALIKE, lambda m: _LOOKALIKE[m.group(0)], strict_unknown=True)


_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _skeleton(s: str) -> str:
    """Letters only: marks dropped, sara am read as sara aa."""
    return _MARKS.sub("", s.replace("\u0e33", "\u0e32"))


@lru_cache(maxsize=1)
def _places() -> dict[str, list[tuple[str, str]]]:
    """Skeleton -> name of the districts and provinces whose names carry marks, indexed by
    their first three letters."""
    from pipeline.vocab import load_lines

    out: dict[str, list[tuple[str, str]]] = {}
    for name in (*load_lines("districts.txt"), *load_lines("provinces.txt")):
        sk = _skeleton(name)
        if len(sk) >= 4 and sk != name:           # names without marks cannot be misread so
            out.setdefault(sk[:3], []).append((sk, name))
    return out


def fix_place_names(s: str) -> str:
    places = _places()
    for run in set(re.findall("[\u0e01-\u0e4e]{4,}", s)):
        sk = _skeleton(run)
        found = [(i, key, name) for i in range(len(sk) - 3) for key, name in places.get(sk[i:i + 3], ())
                 if sk.startswith(key, i)]
        for k, key, name in found[:1]:
            # the span of ``run`` whose skeleton is ``key``: walk letters, keep marks
            pos, letters, start = 0, 0, None
            for pos, c in enumerate(run):
                if not _MARKS.match(c):
                    if letters == k and start is None:
                        start = pos
                    letters += 1
                    if letters == k + len(key):
                        end = pos + 1
                        while end < len(run) and _MARKS.match(run[end]):
                            end += 1
                        break
            else:
                continue
            if start is not None and run[start:end] != name:
                s = s.replace(run, run[:start] + name + run[end:])
                run = run[:start] + name + run[end:]
                sk = _skeleton(run)
    return s


def repair_ocr(s: str) -> str:
    s = thai_repair.repair_text(s)
    if not re.search("[\u0e01-\u0e4e]", s):
        return s
    s = restore_dropped_marks(s)
    s = fix_lookalike_consonants(s)
    s = fix_place_names(s)
    return s
