"""Standard wording: text every report may quote, so sharing it is not copying.

Two signals, both as L-character grams of the comparison text (a 6-gram is in every
report, a 32-character stretch is not):
1. a reference: schemas/boilerplate.txt (phrases) and schemas/standard_texts.txt (the ITA
   framework's indicator and item descriptions and the NACC's standard recommendations,
   gathered from real reports);
2. frequency: grams found in the reports of many agencies (>= max(MIN_AGENCIES,
   SHARE x agencies)).

informative_chars() counts the characters of shared spans that neither covers; a finding
with fewer than MIN_INFORMATIVE of them is boilerplate (kept, ranked last).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from pipeline.analyze.candidates import _unique, _unique_counts, shingle_hashes
from pipeline.analyze.textkey import compare_key
from pipeline.vocab import SCHEMAS, load_lines

L = 32                      # long grams for standard wording
MIN_AGENCIES = 5
SHARE = 0.10
# shared text outside standard wording that makes a finding (normalized characters);
# chosen by measurement (README, "Copy-paste findings"): headings shared by two reports
# stay below it, every planted copy is above it
MIN_INFORMATIVE = 30


def standard_texts() -> list[str]:
    """The reference: one phrase a line in boilerplate.txt; paragraphs (separated by blank
    lines) in standard_texts.txt."""
    texts = list(load_lines("boilerplate.txt"))
    path = SCHEMAS / "standard_texts.txt"
    if path.exists():
        block: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            if line.lstrip().startswith("#"):
                continue
            if line.strip():
                block.append(line.strip())
            elif block:
                texts.append(" ".join(block))
                block = []
    return texts


@lru_cache(maxsize=1)
def reference_grams() -> np.ndarray:
    flat, _ = shingle_hashes([compare_key(x) for x in standard_texts()], k=L)
    return _unique(flat)


def frequent_grams(long_flat: np.ndarray, long_off: np.ndarray, agency_of_row: Sequence[int],
                   n_agencies: int) -> np.ndarray:
    """Grams found in the passages of at least max(MIN_AGENCIES, SHARE x n) agencies."""
    min_df = max(MIN_AGENCIES, int(np.ceil(SHARE * n_agencies)))
    if n_agencies < min_df or not len(long_flat):
        return np.zeros(0, dtype=np.uint64)
    owner = np.repeat(np.asarray(agency_of_row, dtype=np.uint64), np.diff(long_off))
    o = np.lexsort((owner, long_flat))             # distinct (gram, agency), then agencies per gram
    gs, ag = long_flat[o], owner[o]
    first = np.r_[True, (gs[1:] != gs[:-1]) | (ag[1:] != ag[:-1])]
    g, cnt = _unique_counts(gs[first])
    return g[cnt >= min_df]


def standard_grams(long_flat, long_off, agency_of_row, n_agencies) -> np.ndarray:
    return _unique(np.concatenate([reference_grams(),
                                   frequent_grams(long_flat, long_off, agency_of_row, n_agencies)]))


def informative_chars(long_a: np.ndarray, spans_a: list[tuple[int, int]], std: np.ndarray) -> int:
    """Characters of a's shared spans not covered by standard wording. long_a: a's L-gram
    hashes (position = start character)."""
    if not spans_a:
        return 0
    n = int(max(max(e for _, e in spans_a), len(long_a)))
    cov = np.zeros(n + L + 1, dtype=np.int32)
    if len(std) and len(long_a):
        i = np.searchsorted(std, long_a)
        i[i >= len(std)] = 0
        p = np.flatnonzero(std[i] == long_a)
        if len(p):
            np.add.at(cov, p, 1)
            np.add.at(cov, p + L, -1)
    covered = np.cumsum(cov) > 0
    return sum(int((~covered[s:e]).sum()) for s, e in spans_a)


def is_boilerplate(long_a: np.ndarray, spans_a: list[tuple[int, int]], std: np.ndarray) -> bool:
    return informative_chars(long_a, spans_a, std) < MIN_INFORMATIVE
