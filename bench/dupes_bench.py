"""Benchmark of copy detection (pipeline.analyze): candidates + exact verification.

    python -m bench.dupes_bench            # 10k / 30k / 100k passages, engines, naive all-pairs
    python -m bench.dupes_bench --one 100000 [rensa|datasketch|stored]

Passages: ~300 characters of distinct Thai report text (tests/plant_corpus word lists);
5 % of them are planted copies of another passage (digits swapped, spacing changed, a
phrase inserted). Each size runs in a fresh process so that peak RSS (getrusage
ru_maxrss) is that size's own; "helper MB" is the peak of the MinHash helper process
(large inputs only), counted in the memory budget. Timed: normalization + shingling +
MinHash/LSH candidates + verification (not the text generation).

The product has one MinHash engine (rensa); datasketch is compared here only, through the
same LSH (pip install -e '.[bench]'). "stored" is the analysis after `ita load` of a dataset:
the signatures were computed by the ingest's tasks (not timed here), at 100k and 300k.
"""
from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time


import numpy as np

from pipeline.analyze import candidates, minhash
from pipeline.analyze.compute import MIN_CHARS
from pipeline.analyze.textkey import compare_key
from pipeline.analyze.verify import verify_pairs

SIZES = (10_000, 30_000, 100_000)
STORED_SIZES = (100_000, 300_000)
COPY_SHARE = 0.05


def make_passages(n: int, seed: int = 1) -> tuple[list[str], set]:
    from tests.plant_corpus import _Gen, _mutate
    g = _Gen(seed)
    r = g.r
    texts = []
    while len(texts) < n:
        t = g.passage(2)
        while len(t) < 270:
            t += " " + g.sentence()
        texts.append(t[:330])
    planted = set()
    for i in r.sample(range(n), int(n * COPY_SHARE)):
        j = r.randrange(n)
        if i == j:
            continue
        texts[i] = _mutate(texts[j], g, r.sample(["digits", "insert", "spacing", "markup"], 2))
        planted.add((min(i, j), max(i, j)))
    return texts, planted


def datasketch_signatures(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The same signatures' shape from datasketch (the engine the product no longer uses)."""
    from datasketch import MinHash
    n = len(offsets) - 1
    sig = np.empty((n, minhash.NUM_PERM), dtype=np.uint32)
    ident = lambda x: x  # noqa: E731  (tokens are already 64-bit hashes)
    lo = (flat & np.uint64(0xFFFFFFFF)).astype(np.uint64)
    for i in range(n):
        mh = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED % (2 ** 32), hashfunc=ident)
        seg = lo[offsets[i]:offsets[i + 1]]
        if len(seg):
            mh.update_batch(seg)
        sig[i] = mh.hashvalues.astype(np.uint32)
    sig[offsets[1:] == offsets[:-1]] = np.uint32(0xFFFFFFFF)
    return sig


ENGINES = {"rensa": minhash.minhash_signatures, "datasketch": datasketch_signatures}


def stored_engine(norms: list[str], flat: np.ndarray, off: np.ndarray):
    """The signatures a dataset ingest's tasks store, as recompute finds them after `ita
    load` (passage_id -> (key_hash, bytes)), looked up by recompute's own path
    (analyze.signatures.signatures_from). Made here untimed, 10k passages at a time, so that
    this process never holds more than the stored bytes plus what recompute builds."""
    from pipeline.analyze.signatures import key_hash, signatures_from
    got = {}
    for a in range(0, len(norms), 10_000):
        b = min(len(norms), a + 10_000)
        sub_off = off[a:b + 1] - off[a]
        sub = flat[off[a]:off[b]]
        seg_off = candidates.segment_offsets(sub, sub_off)
        sig = minhash.minhash_signatures(sub, seg_off)
        owner = np.searchsorted(sub_off, seg_off[:-1], side="right") - 1
        first = np.searchsorted(owner, np.arange(b - a), side="left")
        nseg = np.bincount(owner, minlength=b - a)
        got.update((str(a + i), (key_hash(norms[a + i]), sig[first[i]:first[i] + nseg[i]].tobytes()))
                   for i in range(b - a) if nseg[i])
    return signatures_from(got, [str(i) for i in range(len(norms))], norms, off)


def run_one(n: int, engine: str = "rensa") -> dict:
    texts, planted = make_passages(n)
    t0 = time.perf_counter()
    norms = [compare_key(t) for t in texts]
    norms = [s if len(s) >= MIN_CHARS else "" for s in norms]
    flat, off = candidates.shingle_hashes(norms)
    signatures = ENGINES.get(engine)
    if engine == "stored":              # signatures from a dataset's tasks: not timed, the tasks paid for them
        p0 = time.perf_counter()
        signatures = stored_engine(norms, flat, off)
        t0 += time.perf_counter() - p0
    t1 = time.perf_counter()
    cands = candidates.candidate_pairs(flat, off, signatures=signatures)
    t2 = time.perf_counter()
    ver = verify_pairs(flat, off, cands.pairs)
    t3 = time.perf_counter()
    found = {(min(v.a, v.b), max(v.a, v.b)) for v in ver}
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # MinHash helper process (minhash._rensa_signatures, only for many rows): its own peak
    helper_mb = minhash.TIMINGS.get("helper_peak_mb", 0)
    return dict(n=n, engine=engine, shingle_s=round(t1 - t0, 2), candidates_s=round(t2 - t1, 2),
                verify_s=round(t3 - t2, 2), total_s=round(t3 - t0, 2), candidate_pairs=int(len(cands.pairs)),
                verified=len(found), planted=len(planted),
                planted_recall=round(len(found & planted) / max(1, len(planted)), 4),
                peak_rss_mb=round(rss_mb), helper_peak_mb=round(helper_mb))


def naive_all_pairs(n: int = 10_000, sample_pairs: int = 1_000_000, full: bool = False) -> dict:
    """Exact all-pairs comparison (set intersection of shingles per pair, the cheapest exact
    test) — timed on a random sample of pairs and extrapolated to n(n-1)/2 unless full."""
    texts, _ = make_passages(n)
    norms = [compare_key(t) for t in texts]
    flat, off = candidates.shingle_hashes(norms)
    t0 = time.perf_counter()
    sets = [set(flat[off[i]:off[i + 1]].tolist()) for i in range(n)]
    t_sets = time.perf_counter() - t0
    total = n * (n - 1) // 2
    r = random.Random(3)
    if full:
        pairs = ((i, j) for i in range(n) for j in range(i + 1, n))
        m = total
    else:
        m = sample_pairs
        pairs = [(r.randrange(n), r.randrange(n)) for _ in range(m)]
    t0 = time.perf_counter()
    hits = 0
    for i, j in pairs:
        a, b = sets[i], sets[j]
        inter = len(a & b)
        if inter and inter / min(len(a), len(b)) >= 0.5:
            hits += 1
    dt = time.perf_counter() - t0
    return dict(n=n, pairs_total=total, pairs_timed=m, timed_s=round(dt, 2),
                all_pairs_s=round(t_sets + dt * total / m, 1), extrapolated=not full)


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.dupes_bench", *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(int(argv[1]), argv[2] if len(argv) > 2 else "rensa")))
        return 0
    if argv[:1] == ["--naive"]:
        print(json.dumps(naive_all_pairs(int(argv[1]), full="--full" in argv)))
        return 0
    print(f"copy detection: MinHash LSH ({candidates.BANDS}x{candidates.ROWS}, {candidates.K}-char shingles) + exact "
          f"verification; {COPY_SHARE:.0%} planted copies; 2 cores; each size in a fresh process")
    print(f"{'passages':>9} {'engine':>10} {'shingle':>8} {'cands':>7} {'verify':>7} {'total s':>8} "
          f"{'cand.pairs':>10} {'found':>6} {'recall':>7} {'peak MB':>8} {'helper MB':>9}")
    rows = [_child(["--one", str(n)]) for n in SIZES]
    # after `ita load` of a dataset: the signatures come from the tasks (up to what size one machine does)
    rows += [_child(["--one", str(n), "stored"]) for n in STORED_SIZES]
    try:
        import datasketch  # noqa: F401
        rows.append(_child(["--one", "10000", "datasketch"]))
    except ImportError:
        print("(datasketch not installed: pip install -e '.[bench]' to compare engines)")
    for r in rows:
        print(f"{r['n']:>9} {r['engine']:>10} {r['shingle_s']:>8} {r['candidates_s']:>7} {r['verify_s']:>7} "
              f"{r['total_s']:>8} {r['candidate_pairs']:>10} {r['verified']:>6} {r['planted_recall']:>7} "
              f"{r['peak_rss_mb']:>8} {r['helper_peak_mb']:>9}")
    big = rows[2]
    # the helper process runs at the same time as the main one: count both
    ok = big["total_s"] <= 60 and big["peak_rss_mb"] + big["helper_peak_mb"] <= 2048
    print(f"100k budget (<= 60 s, <= 2048 MB main + helper process): {'OK' if ok else 'OVER'}")
    nv = _child(["--naive", "10000"])
    print(f"naive all-pairs at {nv['n']}: {nv['pairs_total']:,} pairs, ~{nv['all_pairs_s']} s "
          f"({'extrapolated from ' + format(nv['pairs_timed'], ',') + ' timed pairs' if nv['extrapolated'] else 'measured'})"
          f" vs LSH {rows[0]['total_s']} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
