"""MinHash signatures (rensa) of rows of token hashes: flat[offsets[i]:offsets[i+1]].

One engine in the product: rensa. datasketch gives the same candidates ~8x slower; it is
compared in bench/dupes_bench.py only. For many rows the second half is computed by a
helper process (see _rensa_signatures).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
from itertools import chain
from pathlib import Path

import numpy as np

NUM_PERM = 126              # MinHash permutations (= BANDS * ROWS of the LSH)
SEED = 20240601
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
TIMINGS: dict = {}          # helper_peak_mb of the last large run (diagnostics, bench)


def minhash_signatures(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """(rows, NUM_PERM) uint32 MinHash signatures of flat[offsets[i]:offsets[i+1]].
    Empty rows get all-0xFFFFFFFF."""
    n = len(offsets) - 1
    if n == 0:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    flat = np.ascontiguousarray(flat, dtype=np.uint64)
    offsets = np.asarray(offsets, dtype=np.int64)
    sig = _rensa_signatures(flat, offsets)
    empty = offsets[1:] == offsets[:-1]
    sig[empty] = np.uint32(0xFFFFFFFF)
    return sig

# rensa hands 256 rows or more to its thread pool, which deadlocks in a process forked
# after its parent used that pool; a document's rows in smaller batches stay on its serial path
SERIAL_ROWS = 200


def serial_signatures(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """minhash_signatures() for a forked worker (a document at a time): the same values,
    computed without rensa's thread pool."""
    flat = np.ascontiguousarray(flat, dtype=np.uint64)
    offsets = np.asarray(offsets, dtype=np.int64)
    sig = np.empty((len(offsets) - 1, NUM_PERM), dtype=np.uint32)
    for s, part in _rensa_batches(flat, offsets, step=SERIAL_ROWS):
        sig[s:s + len(part)] = part
    sig[offsets[1:] == offsets[:-1]] = np.uint32(0xFFFFFFFF)
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
        [str(PACKAGE_ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    # the helper writes its signatures to a file as it goes: through a pipe it would stall
    # on a full pipe until this process, busy with its own half, reads
    fd, result_path = tempfile.mkstemp(prefix="dupes-minhash-", suffix=".u32")
    os.close(fd)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from pipeline.analyze.minhash import _rensa_stdio; _rensa_stdio()",
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

