"""Candidate passage pairs, about linear in the number of passages.

1. character K-gram shingles of the comparison text, hashed with a vectorized rolling
   hash (numpy);
2. content-defined segments (a boundary where the shingle hash is 0 mod SEGMENT_MOD), one
   MinHash signature per segment (pipeline.analyze.minhash); the signature of a union of
   segments is the element-wise minimum, so every passage yields, at no extra hashing
   cost, a signature for the whole passage and one for each pair of adjacent segments.
   The segment-pair "chunks" are what make a sentence pasted inside a longer cell a
   candidate: its chunks are identical to the copy's chunks because boundaries are
   defined by content, not by position;
3. LSH banding (BANDS x ROWS, threshold ~0.6 Jaccard) over whole-passage and chunk
   signatures; candidate passage pairs = pairs sharing a bucket.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from pipeline.analyze.minhash import NUM_PERM, TIMINGS, minhash_signatures

K = 6                       # shingle length (normalized characters)
BANDS, ROWS = 21, 6         # LSH: P(candidate) 0.28 at J=0.5, 0.94 at J=0.7, ~1 at J>=0.8
SEGMENT_MOD = 40            # content-defined segment boundary: hash % SEGMENT_MOD == 0
MIN_CHUNK = 50              # chunks shorter than this (shingles) are not indexed
MAX_BUCKET = 32             # LSH buckets larger than this are standard wording: no pairs
assert BANDS * ROWS == NUM_PERM

def _unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values. (np.unique without return_* arguments takes a hash-table path
    in numpy 2.x that was ~50x slower than sorting on these int64 arrays.)"""
    s = np.sort(x)
    return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s


def _unique_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and how often each occurs."""
    s = np.sort(x)
    if not len(s):
        return s, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    return s[starts], np.diff(np.r_[starts, len(s)])


_P = np.uint64(1099511628211)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def shingle_hashes(norms: Sequence[str], k: int = K) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of all k-grams of each text, in text order, concatenated.
    Returns (flat hashes, offsets) with text i's shingles at flat[offsets[i]:offsets[i+1]]
    (shingle j starts at normalized character j). Texts shorter than k have none."""
    lens = np.fromiter((len(s) for s in norms), dtype=np.int64, count=len(norms))
    counts = np.maximum(lens - k + 1, 0)
    offsets = np.zeros(len(norms) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    if total == 0:
        return np.zeros(0, dtype=np.uint64), offsets
    codes = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = len(codes) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(m, dtype=np.uint64)
        for j in range(k):              # in place: no 8-bytes-per-character temporaries
            h *= _P
            h += codes[j:j + m]
        h ^= h >> np.uint64(31)
        h *= _M1
        h ^= h >> np.uint64(29)
        h *= _M2
        h ^= h >> np.uint64(32)
    starts = np.zeros(len(norms), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    # index of shingle j of text i in h: starts[i] + j
    idx = np.repeat(starts - offsets[:-1], counts) + np.arange(total, dtype=np.int64)
    return h[idx], offsets




def segment_offsets(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Where each content-defined segment starts in flat (a passage's first shingle, and
    every shingle whose hash is 0 mod SEGMENT_MOD), then len(flat): segments depend on a
    passage's own text only, so a task can compute a document's (pipeline.analyze.signatures).
    (No per-shingle owner/position arrays: at 100k passages they cost ~0.5 GB.)"""
    boundary = (flat % np.uint64(SEGMENT_MOD)) == 0
    boundary[offsets[:-1][np.diff(offsets) > 0]] = True
    return np.append(np.flatnonzero(boundary), len(flat)).astype(np.int64)


@dataclass
class Candidates:
    pairs: np.ndarray            # (m, 2) int64 passage indices, a < b
    big_buckets: int             # buckets skipped because larger than MAX_BUCKET


def candidate_pairs(flat: np.ndarray, offsets: np.ndarray, *,
                    group: Optional[np.ndarray] = None, active: Optional[np.ndarray] = None,
                    signatures: Callable[[np.ndarray, np.ndarray], np.ndarray] = minhash_signatures
                    ) -> Candidates:
    """Candidate passage pairs by MinHash LSH over whole passages and content-defined
    chunks. group: passages with the same group id are never paired (e.g. same measure
    row); active: if given, only pairs with at least one active passage are kept;
    signatures: the MinHash function (the bench swaps in another engine)."""
    n = len(offsets) - 1
    counts = np.diff(offsets)
    seg_off = segment_offsets(flat, offsets)
    seg_owner = np.searchsorted(offsets, seg_off[:-1], side="right") - 1
    TIMINGS["cand_segments"] = time.perf_counter()
    seg_sig = signatures(flat, seg_off)
    TIMINGS["cand_minhash"] = time.perf_counter()
    # whole-passage signature = min over its segments; chunk = two adjacent segments of
    # the same passage (only where a passage has >= 3 segments; with 2 the pair is the
    # whole passage). Built band by band to keep memory low.
    has = counts > 0
    first_seg = np.searchsorted(seg_owner, np.arange(n), side="left")[has]
    pass_ids = np.flatnonzero(has)
    nseg = np.bincount(seg_owner, minlength=n)
    seg_len = np.diff(seg_off)
    ci = np.flatnonzero((seg_owner[:-1] == seg_owner[1:]) & (nseg[seg_owner[:-1]] >= 3)
                        & (seg_len[:-1] + seg_len[1:] >= MIN_CHUNK))
    ids = np.concatenate([pass_ids, seg_owner[ci]]).astype(np.int64)
    n_whole = len(pass_ids)
    n_rows = len(ids)
    pairs = []
    big = 0
    if len(pass_ids) == 0:
        return Candidates(np.zeros((0, 2), dtype=np.int64), 0)
    for b in range(BANDS):
        cols = seg_sig[:, b * ROWS:(b + 1) * ROWS]
        band = np.concatenate([np.minimum.reduceat(cols, first_seg, axis=0),
                               np.minimum(cols[ci], cols[ci + 1])]).astype(np.uint64)
        with np.errstate(over="ignore"):
            key = np.full(len(band), np.uint64(b + 1) * _M1, dtype=np.uint64)
            for r in range(ROWS):
                key = (key ^ band[:, r]) * _M2
                key ^= key >> np.uint64(29)
        band_pairs, n_big = _bucket_pairs(key, n_rows)
        big += n_big
        if len(band_pairs):
            pairs.append(band_pairs)
    if not pairs:
        return Candidates(np.zeros((0, 2), dtype=np.int64), big)
    TIMINGS["cand_bands"] = time.perf_counter()
    # distinct colliding row pairs (a row = a whole passage or a chunk)
    rp = _unique(np.concatenate(pairs))
    del pairs
    ra, rb = rp // n_rows, rp % n_rows
    pa, pb = ids[ra], ids[rb]
    keep = pa != pb
    if group is not None:
        keep &= group[pa] != group[pb]
    if active is not None:
        keep &= active[pa] | active[pb]
    ra, rb, pa, pb = ra[keep], rb[keep], pa[keep], pb[keep]
    code = np.minimum(pa, pb) * np.int64(n) + np.maximum(pa, pb)
    # a pair is a candidate when a whole passage is involved (near-duplicate, or a short
    # passage inside a longer one's chunk) or when >= 2 distinct chunks collide: one
    # shared chunk alone is usually a common phrase, a copy shares several (on both sides)
    # whole-vs-chunk counts only for a short passage (no chunks of its own): a long
    # passage's whole signature can collide with a chunk through one common phrase
    short_row = np.zeros(n_rows, dtype=bool)
    short_row[:n_whole] = nseg[pass_ids] < 3
    wa, wb = ra < n_whole, rb < n_whole
    whole = (wa & wb) | (wa & short_row[ra]) | (wb & short_row[rb])
    cw = _unique(code[whole])
    whole |= wa | wb
    ch = ~whole
    cch, ra_c, rb_c = code[ch], ra[ch], rb[ch]
    lo_row = np.where(ids[ra_c] < ids[rb_c], ra_c, rb_c)      # chunk of the lower passage
    hi_row = np.where(ids[ra_c] < ids[rb_c], rb_c, ra_c)
    # distinct chunks per pair on each side (1-D int64 keys: pair code * rows + row)
    c1, n1 = _unique_counts(_unique(cch * np.int64(n_rows) + lo_row) // np.int64(n_rows))
    c2, n2 = _unique_counts(_unique(cch * np.int64(n_rows) + hi_row) // np.int64(n_rows))
    code = _unique(np.concatenate([cw, np.intersect1d(c1[n1 >= 2], c2[n2 >= 2], assume_unique=True)]))
    return Candidates(np.stack([code // n, code % n], axis=1), big)


def _bucket_pairs(key: np.ndarray, n_rows: int) -> tuple[np.ndarray, int]:
    """Row pairs (codes min*n_rows+max) that share a key, in buckets of 2..MAX_BUCKET rows;
    and the number of larger buckets. Rows are grouped by sorting the key with the row index
    packed into its low bits: a plain sort is several times faster than an argsort, and the
    bits lost from the 64-bit key only add a rare spurious pair (verified anyway)."""
    bits = max(1, int(n_rows - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    packed = np.sort((key & ~low) | np.arange(n_rows, dtype=np.uint64))
    members = (packed & low).astype(np.int64)          # rows, by bucket, ascending within
    hi = packed >> np.uint64(bits)
    starts = np.flatnonzero(np.r_[True, hi[1:] != hi[:-1]])
    sizes = np.diff(np.r_[starts, n_rows])
    keep = (sizes >= 2) & (sizes <= MAX_BUCKET)
    n_big = int((sizes > MAX_BUCKET).sum())
    if not keep.any():
        return np.zeros(0, dtype=np.int64), n_big
    in_kept = np.repeat(keep, sizes)
    members = members[in_kept]
    rid = np.repeat(np.arange(len(starts)), sizes)[in_kept]
    out = []
    # pairs at distance d inside a bucket (members are ascending, so a < c)
    for d in range(1, int(sizes[keep].max())):
        m = rid[:-d] == rid[d:]
        if not m.any():
            break
        out.append(members[:-d][m] * np.int64(n_rows) + members[d:][m])
    return np.concatenate(out), n_big

