"""Owner cells ("ผู้รับผิดชอบ") -> units with canonical names.

Known units come from schemas/units.json and are found with a spaCy PhraseMatcher
(blank Thai pipeline, pythainlp tokenizer) run on a copy of each line with the
spaces taken out, so names broken by stray spaces still match ('สำนัก ปลัดเทศบาล').
Text left over is split on separators and kept as units of its own.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span
from spacy.util import filter_spans

from pipeline.normalize import collapse_whitespace, normalize_cell
from pipeline.records import OwnerUnit

_UNITS_FILE = Path(__file__).resolve().parent.parent / "schemas" / "units.json"
_FUZZY_CUTOFF = 92          # fuzz.ratio on space-free names; lower starts to merge different units

# Item-code notes: 'ข้อ 027', '(ข้อ 27)', '(O27)'
_RE_ITEM_CODE = re.compile(
    r"\(\s*ข้อ\s*[OoIi]?[0-9]+(?:[./-][0-9]+)*\s*\)|ข้อ\s*[OoIi]?[0-9]+(?:[./-][0-9]+)*|\(\s*[OoIi][0-9]{1,2}\s*\)"
)
_RE_PIECE = re.compile(r"[^/,;|、，]+")  # text between separators
_RE_SPACE = re.compile(r"\s+")
# bullets and list numbers at the start of a piece, brackets and dashes at its ends
_RE_LEAD = re.compile(r"^(?:[-•*·–—]+|[0-9]+[.)])\s*")
_TRIM = " \t-–—:()[]\"'"
_RE_NAME_CHAR = re.compile(r"[ก-ฮA-Za-z]")


@dataclass(frozen=True)
class _Units:
    nlp: Language
    matcher: PhraseMatcher
    by_compact: dict          # space-free variant -> canonical
    qualifiers: tuple
    connectors: tuple


def _compact(s: str) -> str:
    return _RE_SPACE.sub("", s)


@lru_cache(maxsize=1)
def _units() -> _Units:
    data = json.loads(_UNITS_FILE.read_text(encoding="utf-8"))
    nlp = spacy.blank("th")
    matcher = PhraseMatcher(nlp.vocab)
    by_compact = {}
    for canonical, variants in data["units"].items():
        names = {_compact(n) for n in [canonical, *variants]}
        for n in names:
            by_compact[n] = canonical
        matcher.add(canonical, [nlp.make_doc(n) for n in sorted(names)])
    return _Units(nlp, matcher, by_compact,
                  tuple(_compact(q) for q in data["qualifiers"]), tuple(data["connectors"]))


def strip_item_codes(s: str) -> str:
    """'กองคลัง (ข้อ 27)' -> 'กองคลัง '."""
    return _RE_ITEM_CODE.sub(" ", s)


def _clean_piece(s: str, connectors: tuple) -> str:
    s = collapse_whitespace(s).strip(_TRIM)
    s = _RE_LEAD.sub("", s)
    changed = True
    while changed and s:      # connectors at either end: 'และ กองช่าง' -> 'กองช่าง'
        changed = False
        for c in connectors:
            if s.startswith(c + " ") or s == c:
                s, changed = s[len(c):].strip(_TRIM), True
            elif s.endswith(" " + c):
                s, changed = s[: -len(c)].strip(_TRIM), True
    return s


def canonical_unit(name: str) -> str:
    """Canonical name of a unit: 'สำนักงาน ปลัด' -> 'สำนักปลัด'; unknown -> cleaned text."""
    u = _units()
    cleaned = _clean_piece(strip_item_codes(normalize_cell(name)).replace("\n", " "), u.connectors)
    key = _compact(cleaned)
    if not key:
        return cleaned
    if key in u.by_compact:
        return u.by_compact[key]
    best = process.extractOne(key, u.by_compact.keys(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return u.by_compact[best[0]] if best else cleaned


def _matches(line: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical) of known units in line, offsets into line; longest match wins."""
    u = _units()
    keep = [i for i, ch in enumerate(line) if not ch.isspace()]   # compact index -> line index
    compact = "".join(line[i] for i in keep)
    if not compact:
        return []
    doc = u.nlp.make_doc(compact)
    spans = [Span(doc, s, e, label=m) for m, s, e in u.matcher(doc)]
    return [(keep[sp.start_char], keep[sp.end_char - 1] + 1, sp.label_) for sp in filter_spans(spans)]


def _leftovers(line: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
    """Pieces of line outside the matches, split on separators, as (offset, raw text).

    A piece glued to a unit without a space or separator ('ผู้อำนวยการกองคลัง',
    'สำนักปลัด อบต.โขกเหนือ') qualifies that unit and is not a unit itself; so does
    one that starts with an agency word ('เทศบาล…').
    """
    u = _units()
    bounds = {s for s, _, _ in matches} | {e for _, e, _ in matches}
    gaps, pos = [], 0
    for s, e, _ in matches:
        gaps.append((pos, s))
        pos = e
    gaps.append((pos, len(line)))
    pieces = []
    for gs, ge in gaps:
        for m in _RE_PIECE.finditer(line, gs, ge):
            raw = m.group().strip()
            if not raw:
                continue
            rs = m.start() + len(m.group()) - len(m.group().lstrip())
            if rs in bounds or rs + len(raw) in bounds:
                continue
            if matches and _compact(raw).startswith(u.qualifiers):
                continue
            pieces.append((rs, raw))
    return pieces


def split_owners(cell_text: str) -> list[OwnerUnit]:
    """Owner cell -> one OwnerUnit per unit named, in order, without repeats.

    'กองยุทธศาสตร์ และ งบประมาณ / ทุกส่วนราชการ'
      -> [OwnerUnit('กองยุทธศาสตร์และงบประมาณ', 'กองยุทธศาสตร์ และ งบประมาณ'),
          OwnerUnit('ทุกส่วนราชการ', 'ทุกส่วนราชการ')]
    """
    u = _units()
    text = strip_item_codes(normalize_cell(cell_text))
    found: list[tuple[int, int, OwnerUnit]] = []
    for line_no, line in enumerate(text.split("\n")):
        matches = _matches(line)
        for s, e, canonical in matches:
            found.append((line_no, s, OwnerUnit(canonical, line[s:e])))
        for offset, raw in _leftovers(line, matches):
            cleaned = _clean_piece(raw, u.connectors)
            if _RE_NAME_CHAR.search(cleaned):
                found.append((line_no, offset, OwnerUnit(canonical_unit(cleaned), cleaned)))
    out, seen = [], set()
    for _, _, owner in sorted(found, key=lambda f: (f[0], f[1])):
        if owner.unit not in seen:
            seen.add(owner.unit)
            out.append(owner)
    return out
