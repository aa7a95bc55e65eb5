"""Names of other agencies left in a report, and the report's own name misspelled.

A name (pipeline.agencies.mentions) is
- the report's own when it is its core name (or begins it, or is begun by it);
- an own_name_variant when it is within a small edit distance of the own name (a typo, or
  an OCR misreading on an OCR'd page): shown to auditors, ranked low;
- not foreign when it is an oversight or parent body (schemas/oversight_bodies.txt, an
  agencies.json type marked "oversight", or a type whose "rank" is above the report's own:
  a hospital's ministry), the report's province or district, or a recipient:
  on an addressee line (schemas/addressee_cues.txt: เรียน…, สำเนาเรียน…, ส่ง…) or in a list
  of names (names separated only by spaces, commas or "และ");
- a foreign_agency_name otherwise.
One finding per distinct name per document, with how often and on which pages it stands.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, Sequence

from pipeline import agencies
from pipeline.analyze.store import PRIORITY, Finding, finding_id
from pipeline.analyze.textkey import compare_key
from pipeline.normalize import RE_MARKUP
from pipeline.vocab import load_lines

_LIST_GAP = re.compile(r"^[\s,;/、]*(?:(?:และ|หรือ|กับ)\s*)?(?:[0-9๐-๙]+[.)]\s*)?$")


@lru_cache(maxsize=1)
def _oversight_keys() -> tuple[str, ...]:
    return tuple(sorted({compare_key(x) for x in load_lines("oversight_bodies.txt")} - {""}, key=len,
                        reverse=True))


@lru_cache(maxsize=1)
def _cue_re() -> re.Pattern:
    cues = sorted(load_lines("addressee_cues.txt"), key=len, reverse=True)
    return re.compile(r"(?m)^[ \t]*(?:[0-9๐-๙]+[.)][ \t]*)?(?:" + "|".join(map(re.escape, cues)) + r")(?![\u0e30-\u0e4e])")


def _recipient_ranges(text: str, found: Sequence[agencies.Mention]) -> list[tuple[int, int]]:
    """Ranges of text that name recipients: addressee lines and lists of names."""
    ranges = []
    for m in _cue_re().finditer(text):
        end = text.find("\n", m.end())
        ranges.append((m.start(), len(text) if end < 0 else end))
    for a, b in zip(found, found[1:]):
        if _LIST_GAP.match(text[a.end:b.start]):
            ranges.append((a.start, b.end))
    return ranges


def _is_oversight(m: agencies.Mention, own_rank: int) -> bool:
    """An oversight body, or a parent one: its type ranks above the report's own (a
    hospital's report names its ministry and its provincial health office)."""
    if agencies.is_oversight_type(m.type_entry) or agencies.type_rank(m.type_entry) > own_rank:
        return True
    key = compare_key(m.written)
    core_key = compare_key(m.core)
    return any(key.startswith(o) or core_key == compare_key(agencies.agency_core(o)) for o in _oversight_keys())


@dataclass
class _Name:
    kind: str
    written: str
    first: tuple                     # the passage row of the first occurrence
    count: int = 0
    pages: set = field(default_factory=set)
    distance: float = 0.0


def name_findings(doc_id: str, agency: Optional[str], province: Optional[str], district: Optional[str],
                  rows: Sequence[tuple], known_cores: Sequence[str], ocr_pages: frozenset = frozenset()
                  ) -> list[Finding]:
    """Findings of one document. rows: its passages (passage_id, doc_id, measure_id, field,
    text, page); known_cores: agencies' core names, longest first; ocr_pages: its OCR'd pages."""
    found = []
    for r in rows:
        flat = RE_MARKUP.sub(" ", r[4] or "")
        ms = agencies.mentions(flat, known_cores)
        if ms:
            ranges = _recipient_ranges(flat, ms)
            found += [(r, m, any(s <= m.start < e for s, e in ranges)) for m in ms]
    own = agencies.agency_core(agency)
    if not own and found:
        own = Counter(m.core for _, m, _ in found).most_common(1)[0][0]
    own_rank = agencies.type_rank(agencies.agency_type_entry(agency))
    skip = {re.sub(r"^(จังหวัด|อำเภอ)", "", compare_key(x)) for x in (province, district) if x}
    names: dict[str, _Name] = {}
    for r, m, recipient in found:
        core = m.core
        if not own or core.startswith(own) or own.startswith(core):
            continue
        ocr = r[5] in ocr_pages
        if agencies.is_variant_of(core, own, ocr=ocr):
            kind = "own_name_variant"
        elif recipient or compare_key(core) in skip or _is_oversight(m, own_rank):
            continue
        else:
            kind = "foreign_agency_name"
        n = names.get(core)
        if n is None:
            n = names[core] = _Name(kind, m.written, r, distance=agencies.name_distance(core, own))
        n.count += 1
        if r[5] is not None:
            n.pages.add(int(r[5]))
    out = []
    for core, n in names.items():
        r = n.first
        sim = round(max(0.0, 1 - n.distance / max(len(own), 1)), 4) if n.kind == "own_name_variant" else 1.0
        out.append(Finding(finding_id(n.kind, doc_id, core), n.kind, doc_id, measure_a=r[2], field_a=r[3],
                           similarity=sim, shared_text=n.written, passage_a=r[0], priority=PRIORITY[n.kind],
                           occurrences=n.count, pages=sorted(n.pages)))
    return out
