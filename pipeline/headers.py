"""Map table column headers to canonical fields (schemas/headers.json), tolerating the
many wordings, spacing and broken characters of real reports."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from rapidfuzz import fuzz, process

from pipeline.normalize import markup_to_lines, normalize_text
from pipeline.vocab import load_json

FUZZY_MIN = 84          # rapidfuzz ratio (0-100) for a header to count as a known wording
SHORT_VARIANT = 3       # variants this short ("ที่", "แบบ") must match exactly
SUFFIX_MIN = 6          # a header may end with a known wording at least this long


def header_key(text: str) -> str:
    """Letters only: drop markup, spaces, digits, punctuation; lower-case Latin."""
    s = normalize_text(markup_to_lines(text or ""))
    return re.sub(r"[^\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4ea-z]", "", s.lower())


@lru_cache(maxsize=1)
def _variants() -> tuple[list[tuple[str, str]], dict[str, int]]:
    vocab = load_json("headers.json")
    rank = {f: i for i, f in enumerate(vocab["priority"])}
    pairs = [(header_key(v), field) for field, vs in vocab["fields"].items() for v in vs]
    pairs.sort(key=lambda p: (-len(p[0]), rank[p[1]]))
    return pairs, rank


@lru_cache(maxsize=4096)
def header_field(text: str) -> Optional[str]:
    """Canonical field of a header cell, or None when unknown."""
    key = header_key(text)
    if not key or len(key) > 60:
        return None
    pairs, _ = _variants()
    exact = next((f for v, f in pairs if v == key), None)
    if exact:
        return exact
    parts = [header_key(p) for p in re.split(r"[/|]", normalize_text(text)) if header_key(p)]
    if len(parts) > 1:  # "กิจกรรม/วิธีดำเนินการ": each part on its own, the most specific field wins
        fields = {f for part in parts if (f := _match_whole(part, pairs))}
        if fields:
            return min(fields, key=lambda f: _variants()[1][f])
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
