"""Exact verification of candidate pairs: the positions of a's shingles that occur in b,
grouped into runs of consecutive shingles; runs covering >= MIN_RUN normalized characters
are the shared spans. similarity = share of the smaller passage covered by shared spans
(containment: 1.0 for verbatim copies and for a sentence pasted inside a longer one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy as np

from pipeline.analyze.candidates import K, shingle_hashes
from pipeline.analyze.textkey import compare_key_with_map, original_spans

MIN_RUN = 30                # shared span: at least this many consecutive normalized chars
MIN_SIMILARITY = 0.6        # a pair is a finding at this share of the smaller passage ...
MIN_SHARED = 150            # ... or at least this many shared normalized characters

def shared_runs(ha, hb, min_run: int = MIN_RUN, exclude=None) -> list[tuple[int, int]]:
    """Spans (start, end) of normalized text a covered by runs of consecutive shingles that
    also occur in b, at least min_run characters long. ha: a's shingle hashes in order
    (list or array); hb: b's shingles (a set, or an array); exclude: shingles that do not
    count (a set)."""
    if len(ha) == 0 or len(hb) == 0:
        return []
    if not isinstance(hb, (set, frozenset)):
        hb = set(np.asarray(hb).tolist())
    if not isinstance(ha, list):
        ha = np.asarray(ha).tolist()
    # hit flags as bytes (map over the set's C method) and runs found by a regex: both
    # run at C speed, where a Python loop over every shingle was most of verification
    if exclude:
        hit = bytes(h in hb and h not in exclude for h in ha)
    else:
        hit = bytes(map(hb.__contains__, ha))
    need = max(1, min_run - K + 1)    # shingles in a run of min_run characters
    return [(m.start(), m.end() - 1 + K) for m in _run_re(need).finditer(hit)]


@lru_cache(maxsize=8)
def _run_re(need: int) -> re.Pattern:
    return re.compile(b"\x01{%d,}" % need)


def _covered(spans: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


@dataclass
class Verified:
    a: int
    b: int
    similarity: float
    spans_a: list
    spans_b: list
    shared_chars: int


def verify_pairs(flat: np.ndarray, offsets: np.ndarray, pairs: np.ndarray,
                 min_similarity: float = MIN_SIMILARITY) -> list[Verified]:
    """Exact check of candidate pairs: shared runs in both passages, containment.
    Building Python sets of shingles was most of the cost: a's list and set are reused
    while consecutive pairs share a (candidate_pairs sorts pairs by a), b's set is only
    built for pairs that pass the cheap bound (set.intersection takes b's list as is)."""
    out = []
    pre_min = MIN_RUN - K + 1
    cur_a, la_, sa_ = None, [], set()
    for a, b in pairs.tolist():
        if a != cur_a:
            cur_a = a
            la_ = flat[offsets[a]:offsets[a + 1]].tolist()
            sa_ = set(la_)
        lb_ = flat[offsets[b]:offsets[b + 1]].tolist()
        if not la_ or not lb_:
            continue
        inter = len(sa_.intersection(lb_))
        # cheap bound: too few shared shingles for a finding
        if inter < pre_min:
            continue
        sb_ = None
        if inter < MIN_SHARED - 50 and inter < 0.3 * len(sa_):
            sb_ = set(lb_)
            if inter < 0.3 * len(sb_):        # i.e. inter < 0.3 * min(|a|, |b|)
                continue
        spa = shared_runs(la_, sb_ if sb_ is not None else set(lb_))
        if not spa:
            continue
        spb = shared_runs(lb_, sa_)
        if not spb:
            continue
        ca, cb = _covered(spa), _covered(spb)
        la, lb = len(la_) + K - 1, len(lb_) + K - 1
        sim = max(ca / la, cb / lb)
        shared = min(ca, cb)
        if sim >= min_similarity or shared >= MIN_SHARED:
            out.append(Verified(a, b, min(1.0, sim), spa, spb, shared))
    return out




def locate_shared(text_a: str, text_b: str, own_a: Optional[re.Pattern] = None,
                  own_b: Optional[re.Pattern] = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans (in the ORIGINAL texts) shared by a and b, for highlighting."""
    na, ma = compare_key_with_map(text_a, own_a)
    nb, mb = compare_key_with_map(text_b, own_b)
    flat, off = shingle_hashes([na, nb])
    ha, hb = flat[off[0]:off[1]], flat[off[1]:off[2]]
    return (original_spans(ma, shared_runs(ha, hb)), original_spans(mb, shared_runs(hb, ha)))
