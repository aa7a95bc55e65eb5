"""Copied-text findings: the tell-tale signs of a paper exercise.

Passages are the text fields of each measure row (measure, method, issue, result, outcome)
and each body paragraph. They are compared on normalized text: markup, spaces and
punctuation removed, Thai and Arabic digits equal (every run of digits becomes "0"), Latin
lower-cased, and the report's own agency name masked as "@" so that a report copied from
another agency with the name swapped still matches.

Pipeline (cost about linear in the number of passages):

1. character 6-gram shingles, hashed with a vectorized rolling hash (numpy);
2. content-defined segments (a boundary where the shingle hash is 0 mod 40), one MinHash
   signature per segment (rensa, 126 permutations, half of the segments in a helper
   process for large inputs; datasketch gives the same signatures but was ~20x slower
   here, see bench/dupes_bench.py); the signature of a union of
   segments is the element-wise minimum, so every passage yields, at no extra hashing
   cost, a signature for the whole passage and one for each pair of adjacent segments.
   The segment-pair "chunks" are what make a sentence pasted inside a longer cell a
   candidate: its chunks are identical to the copy's chunks because boundaries are
   defined by content, not by position;
3. LSH banding (21 bands x 6 rows, threshold ~0.6 Jaccard) over whole-passage and chunk
   signatures; candidate passage pairs = pairs sharing a bucket;
4. exact verification: the positions of a's shingles that occur in b, grouped into runs
   of consecutive shingles; runs covering >= MIN_RUN normalized characters are the shared
   spans. similarity = share of the smaller passage covered by shared spans (containment;
   equal to 1.0 for verbatim copies and for a sentence pasted inside a longer one).
   A pair is a finding when similarity >= MIN_SIMILARITY or the spans cover >= MIN_SHARED
   characters;
5. boilerplate: 32-character grams of the reference list (schemas/boilerplate.txt) and
   32-character grams found in the reports of many agencies (>= max(BOILERPLATE_MIN_AGENCIES,
   BOILERPLATE_SHARE x agencies)) are "standard wording" (a 6-gram is in every report, a
   32-character stretch is not). A finding whose shared spans have fewer than MIN_RUN
   characters (and less than 15 %) outside standard wording is boilerplate: stored and listed, but ranked
   below real copying.

Besides copied text, two per-report signals: names of other agencies (foreign names
forgotten in a copied report) and result cells that say nothing ("ดำเนินการแล้วเสร็จ").
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

# ---- parameters ---------------------------------------------------------------------------
K = 6                       # shingle length (normalized characters)
NUM_PERM = 126              # MinHash permutations (= BANDS * ROWS)
BANDS, ROWS = 21, 6         # LSH: P(candidate) 0.28 at J=0.5, 0.94 at J=0.7, ~1 at J>=0.8
SEGMENT_MOD = 40            # content-defined segment boundary: hash % SEGMENT_MOD == 0
MIN_CHUNK = 50              # chunks shorter than this (shingles) are not indexed
MAX_BUCKET = 32             # LSH buckets larger than this are standard wording: no pairs
MIN_CHARS = 40              # passages shorter than this (normalized) are not compared
MIN_RUN = 30                # shared span: at least this many consecutive normalized chars
MIN_SIMILARITY = 0.6        # default: share of the smaller passage inside shared spans
MIN_SHARED = 150            # ... or at least this many shared normalized characters
L = 32                      # long grams for standard wording (reference list, agency frequency)
BOILERPLATE_MIN_AGENCIES = 5
BOILERPLATE_SHARE = 0.10
FREE_SHARE = 0.15           # ... or this share of the shared text outside standard wording
SEED = 20240601
TIMINGS: dict = {}            # perf_counter checkpoints of the last recompute (diagnostics)

FIELDS = ("measure", "method", "issue", "result", "outcome")
KINDS = ("within_report", "cross_agency", "same_agency_other_year", "foreign_agency_name",
         "generic_result")
# ranking of kinds among non-boilerplate findings (real copying first)
KIND_RANK = {"cross_agency": 0, "same_agency_other_year": 1, "within_report": 2,
             "foreign_agency_name": 3, "generic_result": 4}

# ---- normalization ------------------------------------------------------------------------
_TAG = re.compile(r"<[^<>]{0,200}>|&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,6});")
# normalize() keeps Thai digits (\u0e50-\u0e59) through the drop and folds them into the
# digit runs: same output as translating them to 0-9 first, but str.translate is slow
# on Thai text (about half of normalize's time)
_DROP = re.compile(r"[^\u0e01-\u0e4f\u0e50-\u0e59a-z0-9@]+")
_DIGIT_RUNS = re.compile(r"[0-9\u0e50-\u0e59]+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _keep(ch: str) -> bool:
    return ("\u0e01" <= ch <= "\u0e4f") or ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch == "@"


def _pre(text: str) -> str:
    """Markup to spaces; uses pipeline.normalize when the team's module is present."""
    return _TAG.sub(" ", text)


def normalize(text: Optional[str], own_name: Optional[re.Pattern] = None) -> str:
    """Normalized comparison text (see module doc). Same output as normalize_with_map."""
    if not text:
        return ""
    s = _pre(text)
    if own_name is not None:
        s = own_name.sub("@", s)
    s = _DROP.sub("", s.lower())
    return _DIGIT_RUNS.sub("0", s)


def normalize_with_map(text: Optional[str], own_name: Optional[re.Pattern] = None
                       ) -> tuple[str, list[tuple[int, int]]]:
    """normalize() plus, for each normalized character, the (start, end) span of the
    original text it comes from — to show a shared span as written."""
    if not text:
        return "", []
    # 1. markup -> one space, keeping a map into the original
    inter: list[str] = []
    imap: list[tuple[int, int]] = []
    pos = 0
    for m in _TAG.finditer(text):
        for i in range(pos, m.start()):
            inter.append(text[i]); imap.append((i, i + 1))
        inter.append(" "); imap.append((m.start(), m.end()))
        pos = m.end()
    for i in range(pos, len(text)):
        inter.append(text[i]); imap.append((i, i + 1))
    s = "".join(inter)
    # 2. own agency name -> "@"
    chars: list[tuple[str, tuple[int, int]]] = []
    pos = 0
    if own_name is not None:
        for m in own_name.finditer(s):
            if m.end() == m.start():
                continue
            chars.extend((s[i], imap[i]) for i in range(pos, m.start()))
            chars.append(("@", (imap[m.start()][0], imap[m.end() - 1][1])))
            pos = m.end()
    chars.extend((s[i], imap[i]) for i in range(pos, len(s)))
    # 3. lower, digits, drop, digit runs
    out: list[str] = []
    omap: list[tuple[int, int]] = []
    for ch, span in chars:
        for c in ch.lower().translate(_THAI_DIGITS):
            if not _keep(c):
                continue
            if c.isdigit():
                c = "0"
                if out and out[-1] == "0":     # a digit run (spaces between digits dropped)
                    omap[-1] = (omap[-1][0], span[1])
                    continue
            out.append(c); omap.append(span)
    return "".join(out), omap


# ---- agency names -------------------------------------------------------------------------
_PREFIXES = [
    ("องค์การบริหารส่วนตำบล", "อบต"), ("องค์การบริหารส่วนจังหวัด", "อบจ"),
    ("เทศบาลตำบล", "ทต"), ("เทศบาลเมือง", "ทม"), ("เทศบาลนคร", "ทน"),
]
# abbreviations need their dot, or to stand alone ("ตรวจสอบจากภายนอก" contains "อบจ")
_PREFIX_RE = (r"(?:องค์การบริหารส่วนตำบล|องค์การบริหารส่วนจังหวัด|เทศบาลตำบล|เทศบาลเมือง|เทศบาลนคร"
              r"|(?<![\u0e01-\u0e4e])(?:อบต|อบจ)(?=\s)|(?:อบต|อบจ|ทต|ทม|ทน)\.)")
_THAI_NAME_CH = r"[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]"
_MENTION = re.compile(_PREFIX_RE + r"[ \t\u00a0]{0,2}\n?[ \t]{0,2}(" + _THAI_NAME_CH + r"{2,40})")
# words that end a name written without a following space
_NAME_STOP = ("ได้รับ", "ได้มี", "ได้", "มีการ", "มี", "ที่", "และ", "ของ", "ซึ่ง", "โดย", "ประจำ",
              "อำเภอ", "จังหวัด", "ดังนี้", "เพื่อ", "จึง", "ให้", "เป็น", "ไม่", "ต่อ", "กับ", "จาก",
              "ว่า", "ทุก", "นั้น", "นี้", "แล้ว", "ร่วม", "คือ", "อยู่", "ปีงบ", "ประจำปี", "เรื่อง",
              "สำนัก", "กอง", "ส่วน", "ในการ", "ในปี", "ในพื้นที่", "ในเขต", "ด้วย", "เมื่อ", "ตาม",
              "รวม", "ทั้ง", "หรือ", "แห่ง", "พบว่า", "ควร", "ต้อง", "จะ", "ก็", "นำ", "ยัง",
              "เห็น", "สามารถ", "รายงาน", "ดำเนิน", "อย่าง", "ตำบล", "หมู่", "ม.", "ครั้ง", "ผ่าน")
_NOT_A_NAME = {"แห่งประเทศไทย", "ทุกแห่ง", "ต่างๆ", "อื่น", "อื่นๆ", "นั้น", "นี้", "ดังกล่าว",
               "และ", "หรือ", "ใกล้เคียง", "ทั่วประเทศ", "ทั้งหมด"}


def agency_core(name: Optional[str]) -> str:
    """Name without the type prefix, spaces and dots: 'เทศบาลตำบล เมืองคง' -> 'เมืองคง'."""
    if not name:
        return ""
    s = re.sub(r"\s+", "", name)
    s = re.sub(r"^(?:องค์การบริหารส่วนตำบล|องค์การบริหารส่วนจังหวัด|เทศบาลตำบล|เทศบาลเมือง|เทศบาลนคร"
               r"|อบต\.?|อบจ\.?|ทต\.|ทม\.|ทน\.)", "", s)
    return s.strip(". ")


def agency_key(name: Optional[str], province: Optional[str] = None) -> str:
    core = agency_core(name)
    return f"{core}|{re.sub(r'[^ก-๙]', '', province or '').replace('จังหวัด', '')}" if core else ""


def own_name_pattern(agency: Optional[str]) -> Optional[re.Pattern]:
    """Regex for the report's own name (any prefix, abbreviation or spacing) or bare core."""
    core = agency_core(agency)
    if len(core) < 2:
        return None
    body = r"\s*".join(re.escape(c) for c in core)
    return re.compile(r"(?:" + _PREFIX_RE + r"\s*)?" + body)


def _cut_name(raw: str) -> str:
    cut = len(raw)
    for w in _NAME_STOP:
        i = raw.find(w, 2)
        if 0 <= i < cut:
            cut = i
    return raw[:cut]


@lru_cache(maxsize=1)
def _oversight() -> tuple[str, ...]:
    return tuple(normalize(x) for x in _lines("oversight_bodies.txt"))


def agency_mentions(text: str, known_cores: Sequence[str] = ()) -> list[tuple[str, str, int]]:
    """(name as written, core, offset) for every local-government agency named in text.
    known_cores (longest first) delimit names written without a following space."""
    out = []
    if not text:
        return out
    flat = _TAG.sub(" ", text)
    for m in _MENTION.finditer(flat):
        raw = m.group(1)
        core = next((c for c in known_cores if raw.startswith(c)), None) or _cut_name(raw)
        if len(core) < 2 or core in _NOT_A_NAME or any(core.startswith(w) for w in _NAME_STOP):
            continue
        before = normalize(flat[max(0, m.start() - 12):m.start()])
        if before.endswith(("สมาคม", "สันนิบาต")):
            continue
        written = flat[m.start():m.start(1)] + core
        out.append((re.sub(r"\s+", " ", written).strip(), core, m.start()))
    return out


# ---- reference lists ----------------------------------------------------------------------
def _lines(name: str) -> list[str]:
    p = SCHEMAS / name
    if not p.exists():
        return []
    return [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def _generic_res() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r"(?:" + ln + r")") for ln in _lines("generic_results.txt"))


_RESULT_LEAD = re.compile(r"^(ผลการดำเนินการ|ผลการดำเนินงาน|output)+")


def is_generic_result(text: Optional[str]) -> bool:
    """A result cell that says nothing specific ("ดำเนินการแล้วเสร็จ", "ดำเนินการแล้ว 100%")."""
    if not text or not text.strip():
        return False
    s = _RESULT_LEAD.sub("", normalize(text))
    if not s:
        return bool(re.fullmatch(r"[\s\-–—.·]+", _TAG.sub(" ", text)))   # "-", "..."
    return any(p.fullmatch(s) for p in _generic_res())


@lru_cache(maxsize=1)
def reference_long_grams() -> np.ndarray:
    norms = [normalize(x) for x in _lines("boilerplate.txt")]
    flat, _ = shingle_hashes(norms, k=L)
    return _unique(flat)


def is_real_copy(long_a: np.ndarray, spans_a: list[tuple[int, int]], std: np.ndarray) -> bool:
    """True when at least MIN_RUN characters of the shared spans of passage a are NOT
    covered by standard wording (an L-gram of the reference list or one found in many
    agencies' reports). long_a: a's L-gram hashes (position = start character)."""
    if not spans_a:
        return False
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
    free = sum(int((~covered[s:e]).sum()) for s, e in spans_a)
    total = sum(e - s for s, e in spans_a)
    return free >= MIN_RUN or free >= FREE_SHARE * total


# ---- shingles and signatures --------------------------------------------------------------
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


def minhash_signatures(flat: np.ndarray, offsets: np.ndarray, engine: str = "rensa") -> np.ndarray:
    """(rows, NUM_PERM) uint32 MinHash signatures of flat[offsets[i]:offsets[i+1]].
    Empty rows get all-0xFFFFFFFF."""
    n = len(offsets) - 1
    if n == 0:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    if engine == "rensa":
        flat = np.ascontiguousarray(flat, dtype=np.uint64)
        offsets = np.asarray(offsets, dtype=np.int64)
        sig = _rensa_signatures(flat, offsets)
    elif engine == "datasketch":
        from datasketch import MinHash
        sig = np.empty((n, NUM_PERM), dtype=np.uint32)
        ident = lambda x: x  # noqa: E731  (tokens are already 64-bit hashes)
        lo = (flat & np.uint64(0xFFFFFFFF)).astype(np.uint64)
        for i in range(n):
            mh = MinHash(num_perm=NUM_PERM, seed=SEED % (2 ** 32), hashfunc=ident)
            seg = lo[offsets[i]:offsets[i + 1]]
            if len(seg):
                mh.update_batch(seg)
            sig[i] = mh.hashvalues.astype(np.uint32)
    else:
        raise ValueError(f"unknown MinHash engine {engine!r}")
    empty = offsets[1:] == offsets[:-1]
    sig[empty] = np.uint32(0xFFFFFFFF)
    return sig


PARALLEL_MIN_ROWS = 200_000   # below this a second process costs more than it saves


def _rensa_signatures(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """rensa signatures, the second half of the rows computed by a helper process when
    there are many rows and more than one CPU. Most of the time is rensa's to_rows()
    building Python ints (it has no array export) under the GIL: threads would not help.
    The helper is a fresh interpreter fed through a pipe (not multiprocessing: a forked
    child deadlocks once rensa's thread pool exists, and spawn re-runs the caller's
    unguarded __main__ script)."""
    n = len(offsets) - 1
    if n < PARALLEL_MIN_ROWS or (os.cpu_count() or 1) < 2:
        return _rensa_block(flat, offsets)
    cut = n // 2
    lo = int(offsets[cut])
    sub_off = (offsets[cut:] - lo).astype(np.int64)
    sub_flat = np.ascontiguousarray(flat[lo:], dtype=np.uint64)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SCHEMAS.parent)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    # the helper writes its signatures to a file as it goes: through a pipe it would stall
    # on a full pipe until this process, busy with its own half, reads
    fd, result_path = tempfile.mkstemp(prefix="dupes-minhash-", suffix=".u32")
    os.close(fd)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from pipeline.dupes import _rensa_stdio; _rensa_stdio()",
             result_path], stdin=subprocess.PIPE, env=env)

        def feed():
            try:
                with proc.stdin:
                    proc.stdin.write(np.array([len(sub_off), len(sub_flat)], dtype=np.int64).tobytes())
                    proc.stdin.write(sub_off.tobytes())
                    proc.stdin.write(memoryview(sub_flat).cast("B"))
            except OSError:               # helper died: handled below
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        sig = np.empty((n, NUM_PERM), dtype=np.uint32)
        sig[:cut] = _rensa_block(flat[:lo], offsets[:cut + 1])
        writer.join()
        ok = proc.wait() == 0
        out = sig[cut:].reshape(-1).view(np.uint8)
        with open(result_path, "rb") as f:
            ok = ok and f.readinto(memoryview(out)) == len(out)
            peak = f.read(8)
    finally:
        os.unlink(result_path)
    if not ok or len(peak) != 8:
        # helper failed (its error is on stderr): compute that half here instead
        sig[cut:] = _rensa_block(sub_flat, sub_off)
    else:
        TIMINGS["helper_peak_mb"] = int(np.frombuffer(peak, dtype=np.int64)[0]) // 1024
    return sig


def _rensa_stdio() -> None:
    """Helper process of _rensa_signatures: offsets and token hashes on stdin; signatures,
    then its own peak memory in kB, to the file named by argv[1] (VmHWM: getrusage in a
    child started by a large process reports the parent's size)."""
    inp = sys.stdin.buffer
    n_off, n_flat = np.frombuffer(inp.read(16), dtype=np.int64)
    offsets = np.frombuffer(inp.read(8 * int(n_off)), dtype=np.int64)
    flat = np.frombuffer(inp.read(8 * int(n_flat)), dtype=np.uint64)
    with open(sys.argv[1], "wb") as out:
        for _, part in _rensa_batches(flat, offsets):  # streamed: no full matrix here
            out.write(memoryview(part).cast("B"))
        hwm = re.search(r"VmHWM:\s*(\d+)", Path("/proc/self/status").read_text())
        out.write(np.array([int(hwm.group(1)) if hwm else 0], dtype=np.int64).tobytes())


def _rensa_block(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    sig = np.empty((len(offsets) - 1, NUM_PERM), dtype=np.uint32)
    for s, part in _rensa_batches(flat, offsets):
        sig[s:s + len(part)] = part
    return sig


def _rensa_batches(flat: np.ndarray, offsets: np.ndarray, step: int = 20000):
    """(first row, signatures) of consecutive batches of rows: to_rows() makes Python ints,
    so the conversion goes batch by batch to bound memory."""
    from rensa import RMinHash
    n = len(offsets) - 1
    for s in range(0, n, step):
        e = min(n, s + step)
        off = offsets[s:e + 1]
        mat = RMinHash.digest_matrix_from_flat_token_hashes(
            flat[int(off[0]):int(off[-1])], (off - off[0]).astype(np.uint64), NUM_PERM, SEED)
        rows = mat.to_rows()
        del mat
        # one flat pass (fromiter) is faster than np.array on a list of lists
        yield s, np.fromiter(chain.from_iterable(rows), dtype=np.uint32,
                             count=(e - s) * NUM_PERM).reshape(e - s, NUM_PERM)


@dataclass
class Candidates:
    pairs: np.ndarray            # (m, 2) int64 passage indices, a < b
    big_buckets: int             # buckets skipped because larger than MAX_BUCKET


def candidate_pairs(flat: np.ndarray, offsets: np.ndarray, *, engine: str = "rensa",
                    group: Optional[np.ndarray] = None, active: Optional[np.ndarray] = None
                    ) -> Candidates:
    """Candidate passage pairs by MinHash LSH over whole passages and content-defined
    chunks. group: passages with the same group id are never paired (e.g. same measure
    row); active: if given, only pairs with at least one active passage are kept."""
    n = len(offsets) - 1
    counts = np.diff(offsets)
    # content-defined segment boundaries (positions where a new segment starts)
    # (no per-shingle owner/position arrays: at 100k passages they cost ~0.5 GB)
    boundary = (flat % np.uint64(SEGMENT_MOD)) == 0
    boundary[offsets[:-1][counts > 0]] = True
    seg_start = np.flatnonzero(boundary)
    del boundary
    seg_owner = np.searchsorted(offsets, seg_start, side="right") - 1
    seg_off = np.append(seg_start, len(flat)).astype(np.int64)
    TIMINGS["cand_segments"] = time.perf_counter()
    seg_sig = minhash_signatures(flat, seg_off, engine)
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


# ---- database -----------------------------------------------------------------------------
def ensure_schema(con) -> None:
    con.execute((SCHEMAS / "ddl_findings.sql").read_text(encoding="utf-8"))


def _in_list(ids: Iterable[str]) -> str:
    return ",".join("'" + str(x).replace("'", "''") + "'" for x in ids)


def _rebuild_passages(con, doc_ids: Optional[list[str]]) -> None:
    if doc_ids is None:
        con.execute("DELETE FROM passages")
        where_m = where_p = ""
    else:
        if not doc_ids:
            return
        lst = _in_list(doc_ids)
        con.execute(f"DELETE FROM passages WHERE doc_id IN ({lst})")
        where_m = f"WHERE m.doc_id IN ({lst})"
        where_p = f"WHERE p.doc_id IN ({lst})"
    for f in FIELDS:
        con.execute(f"""
            INSERT INTO passages
            SELECT m.measure_id || ':{f}', m.doc_id, m.measure_id, '{f}', NULL, m.page, m.line,
                   m.{f}, NULL
            FROM measures m {where_m} {'AND' if where_m else 'WHERE'} m.{f} IS NOT NULL
                 AND length(trim(m.{f})) > 0""")
    con.execute(f"""
        INSERT INTO passages
        SELECT p.doc_id || ':p:' || p.para_no, p.doc_id, NULL, 'paragraph', p.para_no, p.page,
               p.line, p.text, NULL
        FROM paragraphs p {where_p} {'AND' if where_p else 'WHERE'} p.text IS NOT NULL
             AND length(trim(p.text)) > 0""")
    # passages of documents that no longer exist
    con.execute("DELETE FROM passages WHERE doc_id NOT IN (SELECT doc_id FROM documents)")


def _fid(*parts) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def _span_text(text: str, nmap: list[tuple[int, int]], spans: list[tuple[int, int]]) -> str:
    pieces = []
    for s, e in spans:
        if s >= len(nmap):
            continue
        e = min(e, len(nmap))
        pieces.append(re.sub(r"\s+", " ", _TAG.sub(" ", text[nmap[s][0]:nmap[e - 1][1]])).strip())
    return " … ".join(p for p in pieces if p)


def locate_shared(text_a: str, text_b: str, own_a: Optional[str] = None,
                  own_b: Optional[str] = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans (in the ORIGINAL texts) shared by a and b — for highlighting."""
    pa, pb = own_name_pattern(own_a), own_name_pattern(own_b)
    na, ma = normalize_with_map(text_a, pa)
    nb, mb = normalize_with_map(text_b, pb)
    flat, off = shingle_hashes([na, nb])
    ha, hb = flat[off[0]:off[1]], flat[off[1]:off[2]]
    res = []
    for h, other, m in ((ha, hb, ma), (hb, ha, mb)):
        spans = shared_runs(h, other)
        res.append([(m[s][0], m[min(e, len(m)) - 1][1]) for s, e in spans if s < len(m)])
    return res[0], res[1]


def recompute(con, changed_doc_ids: Optional[list[str]] = None, *, engine: str = "rensa") -> dict:
    """Rebuild passages of the given documents (all if None) and recompute copy_findings.
    Incremental: with changed_doc_ids, only findings involving those documents are
    recomputed (candidate pairs need at least one passage of a changed document); the
    boilerplate flag of all findings is refreshed since agency frequencies change.
    Returns {kind: number of findings} over the whole table."""
    ensure_schema(con)
    changed = None if changed_doc_ids is None else sorted(set(changed_doc_ids))
    _rebuild_passages(con, changed)
    docs = {r[0]: r[1:] for r in con.execute(
        "SELECT doc_id, agency, province, district, fiscal_year FROM documents").fetchall()}
    rows = con.execute("""SELECT passage_id, doc_id, measure_id, field, text FROM passages
                          ORDER BY doc_id, passage_id""").fetchall()
    # per-document own-name patterns and agency keys
    own_pat = {d: own_name_pattern(v[0]) for d, v in docs.items()}
    akey = {d: agency_key(v[0], v[1]) or f"?{d}" for d, v in docs.items()}
    norms = [normalize(r[4], own_pat.get(r[1])) for r in rows]
    _store_norm_chars(con, rows, norms)
    # short passages are not compared
    norms_cmp = [s if len(s) >= MIN_CHARS else "" for s in norms]
    flat, offsets = shingle_hashes(norms_cmp)
    group = np.array([hash(r[2] if r[2] else r[0]) for r in rows], dtype=np.int64)
    active = None
    if changed is not None:
        cs = set(changed)
        active = np.array([r[1] in cs for r in rows], dtype=bool)
    TIMINGS["start"] = time.perf_counter()
    cands = candidate_pairs(flat, offsets, engine=engine, group=group, active=active)
    TIMINGS["candidates"] = time.perf_counter()
    ver = verify_pairs(flat, offsets, cands.pairs)

    # standard wording: LONG-gram hashes of the reference list and of text found in the
    # reports of many agencies
    TIMINGS["verify"] = time.perf_counter()
    long_flat, long_off = shingle_hashes(norms_cmp, k=L)
    n_agencies = len(set(akey.values()))
    min_df = max(BOILERPLATE_MIN_AGENCIES, int(np.ceil(BOILERPLATE_SHARE * n_agencies)))
    std = reference_long_grams()
    if n_agencies >= min_df and len(long_flat):
        keys = sorted(set(akey.values()))
        kidx = {k: i for i, k in enumerate(keys)}
        row_agency = np.array([kidx[akey[r[1]]] if r[1] in akey else 0 for r in rows], dtype=np.uint64)
        owner_ag = np.repeat(row_agency, np.diff(long_off))
        # distinct (gram, agency) pairs, then agencies per gram
        o = np.lexsort((owner_ag, long_flat))
        gs, ag = long_flat[o], owner_ag[o]
        first = np.r_[True, (gs[1:] != gs[:-1]) | (ag[1:] != ag[:-1])]
        g, cnt = _unique_counts(gs[first])
        std = _unique(np.concatenate([std, g[cnt >= min_df]]))
        del o, gs, ag, first, g, cnt

    TIMINGS["std"] = time.perf_counter()
    new_rows = []
    pat_cache = {}
    for v in ver:
        ra, rb = rows[v.a], rows[v.b]
        da, db = ra[1], rb[1]
        if da == db:
            if ra[2] is None or rb[2] is None:
                # body text repeating itself (titles restated, page headers) or restating a
                # measure of the same report: how reports are written, not pasted results
                continue
            kind = "within_report"
        else:
            ka, kb = akey.get(da), akey.get(db)
            if ka and ka == kb:
                ya, yb = docs[da][3], docs[db][3]
                if ya is not None and yb is not None and ya != yb:
                    kind = "same_agency_other_year"
                else:
                    continue      # another version of the same report
            else:
                kind = "cross_agency"
        # order: earlier fiscal year / doc id first
        if kind != "within_report":
            ya, yb = docs[da][3] or 0, docs[db][3] or 0
            if (yb, db) < (ya, da):
                v = Verified(v.b, v.a, v.similarity, v.spans_b, v.spans_a, v.shared_chars)
                ra, rb = rb, ra
        boiler = not is_real_copy(long_flat[long_off[v.a]:long_off[v.a + 1]], v.spans_a, std)
        nmap = pat_cache.get(ra[0])
        if nmap is None:
            nmap = pat_cache[ra[0]] = normalize_with_map(ra[4], own_pat.get(ra[1]))[1]
        text = _span_text(ra[4], nmap, v.spans_a)
        new_rows.append((_fid(kind, ra[0], rb[0]), kind, ra[1], rb[1], ra[2], rb[2], ra[3], rb[3],
                         round(v.similarity, 4), text, boiler, ra[0], rb[0]))

    TIMINGS["rows"] = time.perf_counter()
    # per-document signals
    doc_targets = list(docs) if changed is None else [d for d in changed if d in docs]
    known = sorted({agency_core(v[0]) for v in docs.values() if agency_core(v[0])}, key=len, reverse=True)
    by_doc = defaultdict(list)
    for r in rows:
        by_doc[r[1]].append(r)
    for d in doc_targets:
        new_rows.extend(_foreign_names(d, docs[d], by_doc.get(d, []), known))
        new_rows.extend(_generic_results(d, by_doc.get(d, [])))

    TIMINGS["signals"] = time.perf_counter()
    if changed is None:
        con.execute("DELETE FROM copy_findings")
    else:
        lst = _in_list(changed) if changed else "''"
        con.execute(f"DELETE FROM copy_findings WHERE doc_a IN ({lst}) OR doc_b IN ({lst})")
        con.execute("""DELETE FROM copy_findings WHERE doc_a NOT IN (SELECT doc_id FROM documents)
                       OR (doc_b IS NOT NULL AND doc_b NOT IN (SELECT doc_id FROM documents))""")
    seen = set()
    uniq_rows = []
    for r in new_rows:
        if r[0] not in seen:
            seen.add(r[0]); uniq_rows.append(r)
    if uniq_rows:
        import pandas as pd
        cols = ["finding_id", "kind", "doc_a", "doc_b", "measure_a", "measure_b", "field_a",
                "field_b", "similarity", "shared_text", "boilerplate", "passage_a", "passage_b"]
        df = pd.DataFrame(uniq_rows, columns=cols).astype(object)
        con.register("_dupes_new", df)
        try:
            con.execute(f"INSERT INTO copy_findings ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _dupes_new")
        finally:
            con.unregister("_dupes_new")
    if changed is not None:
        _refresh_boilerplate(con, rows, flat, offsets, long_flat, long_off, std)
    TIMINGS["store"] = time.perf_counter()
    counts = dict(con.execute("SELECT kind, count(*) FROM copy_findings GROUP BY kind").fetchall())
    return {k: int(counts.get(k, 0)) for k in KINDS}


def _store_norm_chars(con, rows, norms) -> None:
    import pandas as pd
    df = pd.DataFrame({"pid": [r[0] for r in rows], "n": [len(x) for x in norms]})
    con.register("_dupes_norm", df)
    try:
        con.execute("""UPDATE passages SET norm_chars = t.n FROM _dupes_norm t
                       WHERE passages.passage_id = t.pid""")
    finally:
        con.unregister("_dupes_norm")


def _refresh_boilerplate(con, rows, flat, offsets, long_flat, long_off, std) -> None:
    """Re-evaluate the boilerplate flag of findings not recomputed in this run (agency
    frequencies change as documents are added)."""
    idx = {r[0]: i for i, r in enumerate(rows)}
    olds = con.execute("""SELECT finding_id, passage_a, passage_b, boilerplate FROM copy_findings
                          WHERE passage_b IS NOT NULL""").fetchall()
    upd = []
    for fid, pa, pb, flag in olds:
        a, b = idx.get(pa), idx.get(pb)
        if a is None or b is None:
            continue
        spans = shared_runs(flat[offsets[a]:offsets[a + 1]], flat[offsets[b]:offsets[b + 1]])
        boiler = not is_real_copy(long_flat[long_off[a]:long_off[a + 1]], spans, std)
        if boiler != bool(flag):
            upd.append((boiler, fid))
    if upd:
        con.executemany("UPDATE copy_findings SET boilerplate = ? WHERE finding_id = ?", upd)


def _foreign_names(doc_id, meta, prow, known_cores) -> list[tuple]:
    agency, province, district = meta[0], meta[1], meta[2]
    own = agency_core(agency)
    mentions = []
    for r in prow:
        for written, core, _ in agency_mentions(r[4] or "", known_cores):
            mentions.append((r, written, core))
    if not own and mentions:
        own = Counter(c for _, _, c in mentions).most_common(1)[0][0]
    skip = {normalize(x) for x in (province, district) if x}
    skip = {re.sub(r"^(จังหวัด|อำเภอ)", "", s) for s in skip}
    out = []
    seen = set()
    for r, written, core in mentions:
        if not own or core.startswith(own) or own.startswith(core):
            continue
        nc = normalize(core)
        if nc in skip or any(nc == normalize(agency_core(o)) for o in _oversight()):
            continue
        if (r[0], core) in seen:
            continue
        seen.add((r[0], core))
        out.append((_fid("foreign_agency_name", r[0], core), "foreign_agency_name", doc_id, None,
                    r[2], None, r[3], None, 1.0, written, False, r[0], None))
    return out


def _generic_results(doc_id, prow) -> list[tuple]:
    results = [r for r in prow if r[3] == "result"]
    gen = [r for r in results if is_generic_result(r[4])]
    if not gen:
        return []
    share = len(gen) / len(results)
    return [(_fid("generic_result", r[0]), "generic_result", doc_id, None, r[2], None, "result",
             None, round(share, 4), re.sub(r"\s+", " ", _TAG.sub(" ", r[4])).strip(), False, r[0], None)
            for r in gen]


def findings(con, kind: Optional[str] = None, min_similarity: Optional[float] = None,
             limit: Optional[int] = None) -> list[dict]:
    """Findings ranked: real copying first (cross-agency, same agency other year, within
    report, foreign names, generic results), then boilerplate; by similarity and length."""
    ensure_schema(con)
    where, args = [], []
    if kind:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ValueError(f"unknown kind {bad[0]!r}; one of {', '.join(KINDS)}")
        where.append(f"kind IN ({','.join('?' for _ in kinds)})"); args += kinds
    if min_similarity is not None:
        where.append("similarity >= ?"); args.append(float(min_similarity))
    rank = " ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_RANK.items())
    sql = f"""
        SELECT f.*, da.source_path AS source_a, da.agency AS agency_a, da.fiscal_year AS year_a,
               db.source_path AS source_b, db.agency AS agency_b, db.fiscal_year AS year_b,
               pa.page AS page_a, pa.line AS line_a, pa.para_no AS para_a, pa.text AS text_a,
               pb.page AS page_b, pb.line AS line_b, pb.para_no AS para_b, pb.text AS text_b
        FROM copy_findings f
        LEFT JOIN documents da ON da.doc_id = f.doc_a
        LEFT JOIN documents db ON db.doc_id = f.doc_b
        LEFT JOIN passages pa ON pa.passage_id = f.passage_a
        LEFT JOIN passages pb ON pb.passage_id = f.passage_b
        {'WHERE ' + ' AND '.join(where) if where else ''}
        ORDER BY f.boilerplate, CASE f.kind {rank} ELSE 9 END, f.similarity DESC,
                 length(f.shared_text) DESC, f.finding_id
        {'LIMIT ' + str(int(limit)) if limit else ''}"""
    cur = con.execute(sql, args)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
