"""MinHash signatures computed with each document (in a distributed ingest's tasks) and
used by recompute instead of computing them again.

A passage's signatures are those of its content-defined segments (candidates.segment_offsets):
a function of its comparison text alone. A task computes them for every passage its own
document makes body text (document_signatures); they are stored with a hash of that text
(`passage_minhash`), and recompute takes a stored block only where its own comparison text
of the passage hashes the same (stored_signatures). Everything else is computed as before,
so stored signatures make recompute faster, never different.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Optional, Sequence

import numpy as np

from pipeline import agencies
from pipeline.analyze.candidates import segment_offsets, shingle_hashes
from pipeline.analyze.minhash import NUM_PERM, TIMINGS, minhash_signatures, serial_signatures
from pipeline.analyze.roles import passage_roles
from pipeline.analyze.store import FIELDS
from pipeline.analyze.textkey import compare_key

MINHASH_COLUMNS = ("passage_id", "doc_id", "key_hash", "minhash")


def key_hash(key: str) -> int:
    """64-bit (signed, as DuckDB BIGINT) hash of a comparison text."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _passages(rows: dict, columns: dict) -> list[tuple]:
    """(passage_id, doc_id, measure_id, field, text, page, layout role) of one document's
    rows (table -> tuples in columns[table] order), as store.rebuild_passages makes them."""
    out = []
    m = {c: i for i, c in enumerate(columns["measures"])}
    for r in rows.get("measures", ()):
        for f in FIELDS:
            text = r[m[f]]
            if text and text.strip():
                out.append((f"{r[m['measure_id']]}:{f}", r[m["doc_id"]], r[m["measure_id"]], f, text,
                            r[m["page"]], None))
    p = {c: i for i, c in enumerate(columns["paragraphs"])}
    for r in rows.get("paragraphs", ()):
        text = r[p["text"]]
        if text and text.strip():
            out.append((f"{r[p['doc_id']]}:p:{r[p['para_no']]}", r[p["doc_id"]], None, "paragraph", text,
                        r[p["page"]], r[p["role"]]))
    return out


def document_signatures(rows: dict, columns: dict) -> tuple[list[tuple], list[tuple]]:
    """For one document: (passage_id, norm_chars, role) of each passage, and a
    MINHASH_COLUMNS row (signatures as little-endian uint32, NUM_PERM per segment) of each
    passage its document alone makes body text of MIN_CHARS or more. Runs in a forked
    worker, hence rensa's serial path."""
    from pipeline.analyze.compute import MIN_CHARS
    docs = rows.get("documents") or []
    if not docs:
        return [], []
    agency = docs[0][columns["documents"].index("agency")]
    passages = _passages(rows, columns)
    own = agencies.own_name_pattern(agency)
    keys = [compare_key(r[4], own) for r in passages]
    roles = passage_roles(passages, keys, [r[6] for r in passages])
    facts = [(r[0], len(k), role) for r, k, role in zip(passages, keys, roles)]
    compared = [k if len(k) >= MIN_CHARS and role == "body" else "" for k, role in zip(keys, roles)]
    flat, offsets = shingle_hashes(compared)
    seg_off = segment_offsets(flat, offsets)
    sig = serial_signatures(flat, seg_off)
    owner = np.searchsorted(offsets, seg_off[:-1], side="right") - 1
    first = np.searchsorted(owner, np.arange(len(passages)), side="left")
    nseg = np.bincount(owner, minlength=len(passages))
    stored = [(r[0], r[1], key_hash(compared[i]), sig[first[i]:first[i] + nseg[i]].astype("<u4").tobytes())
              for i, r in enumerate(passages) if nseg[i]]
    return facts, stored


def stored_signatures(con, passage_ids: Sequence[str], compared: Sequence[str],
                      offsets: np.ndarray) -> Optional[Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """The `signatures` function for candidates.candidate_pairs over these passages (in
    this order, their comparison texts and shingle offsets): a stored block where the text
    hashes the same, rensa for the rest. None when nothing is stored."""
    # (a database made without schemas/ddl_dataset.sql has no such table: nothing stored)
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'passage_minhash' "
                       "AND database_name = current_database()").fetchall()[0][0] \
            or not con.execute("SELECT count(*) FROM passage_minhash").fetchall()[0][0]:
        return None
    got = {pid: (kh, blob) for pid, kh, blob in con.execute(
        "SELECT passage_id, key_hash, minhash FROM passage_minhash "
        "WHERE doc_id IN (SELECT doc_id FROM documents)").fetchall()}
    return signatures_from(got, passage_ids, compared, offsets)


def signatures_from(got: dict, passage_ids: Sequence[str], compared: Sequence[str],
                    offsets: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """stored_signatures() over `got`: passage_id -> (key_hash, signature bytes), used once
    (emptied by the call, to free its memory)."""
    def signatures(flat: np.ndarray, seg_off: np.ndarray) -> np.ndarray:
        n, m = len(offsets) - 1, len(seg_off) - 1
        owner = np.searchsorted(offsets, seg_off[:-1], side="right") - 1
        first = np.searchsorted(owner, np.arange(n), side="left")
        nseg = np.bincount(owner, minlength=n)
        sig = np.empty((m, NUM_PERM), dtype=np.uint32)
        todo = np.ones(m, dtype=bool)
        for i in np.flatnonzero(nseg):
            s = got.get(passage_ids[i])
            k = int(nseg[i])
            if s is None or len(s[1]) != k * NUM_PERM * 4 or s[0] != key_hash(compared[i]):
                continue
            a = int(first[i])
            sig[a:a + k] = np.frombuffer(s[1], dtype="<u4").reshape(k, NUM_PERM)
            todo[a:a + k] = False
        got.clear()                      # called once: the bytes are in sig now, free them before the LSH
        idx = np.flatnonzero(todo)
        if len(idx):
            lens = np.diff(seg_off)[idx]
            sub_off = np.zeros(len(idx) + 1, dtype=np.int64)
            np.cumsum(lens, out=sub_off[1:])
            pick = np.repeat(seg_off[idx] - sub_off[:-1], lens) + np.arange(int(sub_off[-1]), dtype=np.int64)
            sig[idx] = minhash_signatures(flat[pick], sub_off)
        TIMINGS["stored_segments"], TIMINGS["computed_segments"] = m - len(idx), len(idx)
        return sig
    return signatures
