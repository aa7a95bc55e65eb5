"""What a table header cell says (schemas/headers.json), tolerating the many wordings,
spacing and broken characters of real reports.

``header_kind(text)`` -> ``HeaderKind``: a field ("measure", "owner", …), a known column
with no field ("ignore": หมายเหตุ, งบประมาณ, KPI …), a status sub-column (ดำเนินการแล้ว),
a period tick sub-column (ไตรมาส 2, ต.ค., 2567), or unknown. ``header_field`` is the field
alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from rapidfuzz import fuzz, process

from pipeline.dates import parse_month_name
from pipeline.normalize import markup_to_lines, normalize_text
from pipeline.vocab import load_json

FUZZY_MIN = 84          # rapidfuzz ratio (0-100) for a header to count as a known wording
SHORT_VARIANT = 3       # variants this short ("ที่", "แบบ") must match exactly
SUFFIX_MIN = 6          # a header may end with a known wording at least this long
IGNORE = "ignore"       # pseudo-field of known columns without a field

_QUARTER = re.compile(r"^(?:ไตรมาส(?:ที่)?|q)\s*([1-4])\b", re.I)
_YEAR = re.compile(r"^(?:พ\.?\s*ศ\.?\s*)?(25\d\d|20\d\d)$")
_MONTH_YEAR = re.compile(r"^([^\d]+?)\s*(\d{2}|\d{4})?$")
_MONTH_RANGE = re.compile(r"^([^\d\-–]+?)\s*[-–]\s*([^\d\-–]+?)$")


@dataclass(frozen=True)
class HeaderKind:
    kind: Optional[str]                 # field | ignore | status | tick | None
    field: Optional[str] = None         # for kind == field
    tick: Optional[tuple] = None        # ("q", n) | ("m", month, year or None) | ("mr", first, last) | ("y", year)
    label: Optional[str] = None         # the status wording, for kind == status

    @property
    def known(self) -> bool:
        return self.kind is not None


UNKNOWN = HeaderKind(None)


def header_key(text: str) -> str:
    """Letters only: drop markup, spaces, digits, punctuation; lower-case Latin."""
    s = normalize_text(markup_to_lines(text or ""))
    return re.sub(r"[^\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4ea-z]", "", s.lower())


@lru_cache(maxsize=1)
def _vocab() -> dict:
    return load_json("headers.json")


@lru_cache(maxsize=1)
def _variants() -> tuple[list[tuple[str, str]], dict[str, int]]:
    vocab = _vocab()
    rank = {f: i for i, f in enumerate(vocab["priority"])}
    rank[IGNORE] = len(rank)
    pairs = [(header_key(v), f) for f, vs in vocab["fields"].items() for v in vs]
    pairs += [(header_key(v), IGNORE) for v in vocab["ignore"]]
    pairs = [(k, f) for k, f in pairs if k]
    pairs.sort(key=lambda p: (-len(p[0]), rank[p[1]]))
    return pairs, rank


@lru_cache(maxsize=1)
def _status_keys() -> dict[str, str]:
    return {header_key(s): s for s in _vocab()["status_labels"]}


def is_measure_parent(text: str) -> bool:
    """A parent header naming the measures ("แนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติ…")."""
    key = header_key(text)
    return any(key.startswith(header_key(p)) for p in _vocab()["measure_parents"])


def tick_label(text: str) -> Optional[tuple]:
    """A period sub-column: a quarter, a month (with its year if written) or a year."""
    s = normalize_text(markup_to_lines(text or "")).strip()
    if not s or len(s) > 24:
        return None
    if m := _QUARTER.match(s):
        return ("q", int(m.group(1)))
    if m := _YEAR.match(s):
        return ("y", int(m.group(1)))
    if m := _MONTH_RANGE.match(s):           # "ต.ค. - ธ.ค.": a quarter written as its months
        first, last = parse_month_name(m.group(1).strip()), parse_month_name(m.group(2).strip())
        if first and last:
            return ("mr", first, last)
    if m := _MONTH_YEAR.match(s):
        month = parse_month_name(m.group(1).strip())
        if month:
            year = int(m.group(2)) if m.group(2) else None
            if year is not None and year < 100:
                year += 2500                       # "ต.ค. 66": a two-digit BE year
            return ("m", month, year)
    return None


def status_label(text: str) -> Optional[str]:
    key = header_key(text)
    return _status_keys().get(key) if key else None


@lru_cache(maxsize=4096)
def header_kind(text: str) -> HeaderKind:
    if tick := tick_label(text):
        return HeaderKind("tick", tick=tick)
    if label := status_label(text):
        return HeaderKind("status", label=label)
    f = _match(text)
    if f == IGNORE:
        return HeaderKind(IGNORE)
    if f:
        return HeaderKind("field", field=f)
    return UNKNOWN


def header_field(text: str) -> Optional[str]:
    """Canonical field of a header cell, or None when unknown or a column without a field."""
    k = header_kind(text)
    return k.field if k.kind == "field" else None


def _match(text: str) -> Optional[str]:
    key = header_key(text)
    if not key or len(key) > 80:
        return None
    pairs, rank = _variants()
    exact = next((f for v, f in pairs if v == key), None)
    if exact:
        return exact
    parts = [header_key(p) for p in re.split(r"[/|]", normalize_text(text)) if header_key(p)]
    if len(parts) > 1:  # "กิจกรรม/วิธีดำเนินการ": each part on its own, the most specific field wins
        fields = {f for part in parts if (f := _match_whole(part, pairs)) and f != IGNORE}
        if fields:
            return min(fields, key=lambda f: rank[f])
    return _match_whole(key, pairs) or _match_fuzzy(key, pairs)


def _match_whole(key: str, pairs: list[tuple[str, str]]) -> Optional[str]:
    for variant, field in pairs:  # exact
        if key == variant:
            return field
    for variant, field in pairs:  # the header starts with a known wording (longest first)
        if len(variant) > SHORT_VARIANT and key.startswith(variant):
            return field
    for variant, field in pairs:  # ... or ends with one ("กอง/ฝ่ายที่รับผิดชอบ")
        if len(variant) >= SUFFIX_MIN and key.endswith(variant):
            return field
    return None


def _match_fuzzy(key: str, pairs: list[tuple[str, str]]) -> Optional[str]:
    choices = [v for v, _ in pairs if len(v) > SHORT_VARIANT]
    best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    if best:
        return dict(pairs)[best[0]]
    return None
