"""Recompute the findings: passages -> roles -> candidates -> verified copies -> findings.

Passages are the text fields of each measure row and each paragraph; only body passages
(pipeline.analyze.roles) of at least MIN_CHARS comparison characters are compared. A
verified pair (pipeline.analyze.verify) becomes
- within_report: two measure rows of one report (body text restating itself is how reports
  are written, not a pasted result);
- same_agency_other_year: the same agency's report of another fiscal year;
- cross_agency: another agency's report;
when it shares at least MIN_INFORMATIVE characters; it is boilerplate when fewer than that
lie outside standard wording (pipeline.analyze.boilerplate). Between two reports doc_a is
the earlier (pipeline.analyze.direction). Per report: names of other agencies and its own
name misspelled (names), generic result cells (generic); per file: identical files (files).
"""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Optional

import numpy as np

from pipeline import agencies
from pipeline.analyze import boilerplate, direction, roles, store
from pipeline.analyze.candidates import candidate_pairs, shingle_hashes
from pipeline.analyze.files import identical_file_findings
from pipeline.analyze.generic import generic_findings
from pipeline.analyze.minhash import TIMINGS, minhash_signatures
from pipeline.analyze.names import name_findings
from pipeline.analyze.signatures import stored_signatures
from pipeline.analyze.store import PRIORITY, Finding, finding_id
from pipeline.analyze.textkey import as_written, compare_key, compare_key_with_map
from pipeline.analyze.verify import shared_runs, verify_pairs

MIN_CHARS = 40              # passages shorter than this (comparison characters) are not compared


def _flat_spans(spans) -> list[int]:
    return [int(x) for s, e in spans for x in (s, e)]


def recompute(con, changed_doc_ids: Optional[list[str]] = None) -> dict:
    """Rebuild passages of the given documents (all if None) and recompute copy_findings.
    Incremental: with changed_doc_ids, only findings involving those documents are
    recomputed (candidate pairs need a passage of a changed document); the boilerplate
    flag of the other findings is refreshed since agency frequencies change.
    Returns {kind: number of findings} over the whole table."""
    store.ensure_schema(con)
    changed = None if changed_doc_ids is None else sorted(set(changed_doc_ids))
    store.rebuild_passages(con, changed)
    docs = {r[0]: r[1:] for r in con.execute(
        "SELECT doc_id, agency, province, district, fiscal_year FROM documents").fetchall()}
    # (passage_id, doc_id, measure_id, field, text, page, layout role)
    rows = con.execute("""SELECT p.passage_id, p.doc_id, p.measure_id, p.field, p.text, p.page, g.role
                          FROM passages p LEFT JOIN paragraphs g
                               ON p.field = 'paragraph' AND g.doc_id = p.doc_id AND g.para_no = p.para_no
                          ORDER BY p.doc_id, p.passage_id""").fetchall()
    own_pat = {d: agencies.own_name_pattern(v[0]) for d, v in docs.items()}
    akey = {d: agencies.agency_key(v[0], v[1]) or f"?{d}" for d, v in docs.items()}
    keys = [compare_key(r[4], own_pat.get(r[1])) for r in rows]
    role = roles.passage_roles(rows, keys, [r[6] for r in rows])
    store.store_passage_facts(con, (r[0] for r in rows), (len(k) for k in keys), role)
    compared = [k if len(k) >= MIN_CHARS and ro == "body" else "" for k, ro in zip(keys, role)]
    flat, offsets = shingle_hashes(compared)
    group = np.array([hash(r[2] if r[2] else r[0]) for r in rows], dtype=np.int64)
    active = None
    if changed is not None:
        cs = set(changed)
        active = np.array([r[1] in cs for r in rows], dtype=bool)
    TIMINGS["start"] = time.perf_counter()
    stored = stored_signatures(con, [r[0] for r in rows], compared, offsets)   # from a dataset's tasks
    cands = candidate_pairs(flat, offsets, group=group, active=active, signatures=stored or minhash_signatures)
    TIMINGS["candidates"] = time.perf_counter()
    ver = verify_pairs(flat, offsets, cands.pairs)
    TIMINGS["verify"] = time.perf_counter()

    long_flat, long_off = shingle_hashes(compared, k=boilerplate.L)
    agency_ids = {k: i for i, k in enumerate(sorted(set(akey.values())))}
    std = boilerplate.standard_grams(long_flat, long_off, [agency_ids.get(akey.get(r[1]), 0) for r in rows],
                                     len(agency_ids))
    TIMINGS["std"] = time.perf_counter()
    times = direction.doc_times(con)
    new: list[Finding] = []
    maps: dict = {}
    for v in ver:
        ra, rb = rows[v.a], rows[v.b]
        kind = _copy_kind(ra, rb, docs, akey)
        if kind is None or v.shared_chars < boilerplate.MIN_INFORMATIVE:
            continue
        basis = None
        if kind != "within_report":
            first, _, basis = direction.earlier_first(ra[1], rb[1], times)
            if first != ra[1]:
                v.a, v.b, v.spans_a, v.spans_b = v.b, v.a, v.spans_b, v.spans_a
                ra, rb = rb, ra
        info = boilerplate.informative_chars(long_flat[long_off[v.a]:long_off[v.a + 1]], v.spans_a, std)
        nmap = maps.get(ra[0])
        if nmap is None:
            nmap = maps[ra[0]] = compare_key_with_map(ra[4], own_pat.get(ra[1]))[1]
        new.append(Finding(finding_id(kind, ra[0], rb[0]), kind, ra[1], rb[1], ra[2], rb[2], ra[3], rb[3],
                           round(v.similarity, 4), as_written(ra[4], nmap, v.spans_a),
                           info < boilerplate.MIN_INFORMATIVE, ra[0], rb[0], PRIORITY[kind], v.shared_chars,
                           info, _flat_spans(v.spans_a), _flat_spans(v.spans_b), basis))
    TIMINGS["rows"] = time.perf_counter()
    new += _document_findings(con, docs, rows, changed)
    new += identical_file_findings(con)
    TIMINGS["signals"] = time.perf_counter()
    store.replace_findings(con, new, changed)
    if changed is not None:
        _refresh_boilerplate(con, rows, flat, offsets, long_flat, long_off, std)
    TIMINGS["store"] = time.perf_counter()
    return store.counts(con)


def _copy_kind(ra, rb, docs, akey) -> Optional[str]:
    da, db = ra[1], rb[1]
    if da == db:
        return "within_report" if ra[2] is not None and rb[2] is not None else None
    if akey.get(da) == akey.get(db):
        ya, yb = docs[da][3], docs[db][3]
        # the same agency and year: another version of the same report
        return "same_agency_other_year" if ya is not None and yb is not None and ya != yb else None
    return "cross_agency"


def _document_findings(con, docs, rows, changed) -> list[Finding]:
    """Names and generic results of the documents recomputed."""
    targets = list(docs) if changed is None else [d for d in changed if d in docs]
    known = sorted({agencies.agency_core(v[0]) for v in docs.values() if agencies.agency_core(v[0])},
                   key=len, reverse=True)
    ocr = defaultdict(set)
    for d, page in con.execute("SELECT doc_id, page FROM pages WHERE method = 'ocr'").fetchall():
        ocr[d].add(page)
    by_doc = defaultdict(list)
    for r in rows:
        by_doc[r[1]].append(r)
    out = []
    for d in targets:
        agency, province, district = docs[d][0], docs[d][1], docs[d][2]
        out += name_findings(d, agency, province, district, by_doc.get(d, []), known, frozenset(ocr[d]))
        out += generic_findings(d, by_doc.get(d, []))
    return out


def _refresh_boilerplate(con, rows, flat, offsets, long_flat, long_off, std) -> None:
    """Re-evaluate the boilerplate flag of findings not recomputed in this run (agency
    frequencies change as documents are added)."""
    idx = {r[0]: i for i, r in enumerate(rows)}
    upd = []
    for fid, pa, pb, flag in con.execute("""SELECT finding_id, passage_a, passage_b, boilerplate
                                            FROM copy_findings WHERE passage_b IS NOT NULL""").fetchall():
        a, b = idx.get(pa), idx.get(pb)
        if a is None or b is None:
            continue
        spans = shared_runs(flat[offsets[a]:offsets[a + 1]], flat[offsets[b]:offsets[b + 1]])
        info = boilerplate.informative_chars(long_flat[long_off[a]:long_off[a + 1]], spans, std)
        if (info < boilerplate.MIN_INFORMATIVE) != bool(flag):
            upd.append((info < boilerplate.MIN_INFORMATIVE, info, fid))
    if upd:
        con.executemany("UPDATE copy_findings SET boilerplate = ?, informative_chars = ? WHERE finding_id = ?", upd)
