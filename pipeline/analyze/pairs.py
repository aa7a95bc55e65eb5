"""Copy findings grouped by pair of documents, so an auditor reads "B (2567) repeats 63 % of
its text from A (2566)" before the fragments.

A document's share = its compared text (body passages of at least MIN_CHARS comparison
characters) covered by the shared spans of the pair's real (not boilerplate) findings, the
spans of one passage merged first. doc_a is the earlier report (findings are stored so).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Optional

from pipeline.analyze.compute import MIN_CHARS
from pipeline.analyze.store import in_list

PAIR_KINDS = ("cross_agency", "same_agency_other_year", "within_report")
BASIS_LABEL = {"fiscal_year": "fiscal year", "report_date": "date written in the report",
               "file_date": "file date", None: "unknown (no year or date tells them apart)"}


def _merged(spans: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


def _pairs_of(flat: Optional[list]) -> list[tuple[int, int]]:
    flat = list(flat or [])
    return list(zip(flat[0::2], flat[1::2]))


def compared_chars(con) -> dict[str, int]:
    return dict(con.execute(f"""SELECT doc_id, coalesce(sum(norm_chars), 0) FROM passages
                                WHERE role = 'body' AND norm_chars >= {MIN_CHARS} GROUP BY doc_id""").fetchall())


def doc_shares(con) -> dict[str, float]:
    """doc_id -> share of its compared text inside real copy findings of any pair."""
    spans: dict = defaultdict(list)
    for da, db, pa, pb, sa, sb in con.execute(f"""
            SELECT doc_a, doc_b, passage_a, passage_b, spans_a, spans_b FROM copy_findings
            WHERE kind IN ({in_list(PAIR_KINDS)}) AND NOT boilerplate AND passage_b IS NOT NULL""").fetchall():
        spans[(da, pa)] += _pairs_of(sa)
        spans[(db, pb)] += _pairs_of(sb)
    shared: dict = defaultdict(int)
    for (d, _), sp in spans.items():
        shared[d] += _merged(sp)
    total = compared_chars(con)
    return {d: min(1.0, n / total[d]) for d, n in shared.items() if total.get(d)}


def by_pair(con, kinds=PAIR_KINDS, doc: Optional[str] = None) -> list[dict]:
    """One row per pair of documents with real copy findings between them, ranked by the
    share of the later document that is shared text (same-agency resubmissions by how much
    of the later report is old text)."""
    where = f"kind IN ({in_list(kinds)}) AND NOT boilerplate AND passage_b IS NOT NULL"
    if doc:
        where += f" AND (doc_a = {in_list([doc])} OR doc_b = {in_list([doc])})"
    rows = con.execute(f"""SELECT doc_a, doc_b, kind, passage_a, passage_b, spans_a, spans_b, order_basis,
                                  shared_text, finding_id
                           FROM copy_findings WHERE {where}""").fetchall()
    total = compared_chars(con)
    meta = {d: (agency, year, path) for d, agency, year, path in con.execute(
        "SELECT doc_id, agency, fiscal_year, source_path FROM documents").fetchall()}
    groups: dict = defaultdict(lambda: {"spans": defaultdict(list), "findings": [], "kinds": set(), "basis": set()})
    for da, db, kind, pa, pb, sa, sb, basis, text, fid in rows:
        g = groups[(da, db)]
        g["spans"][(da, pa)] += _pairs_of(sa)
        g["spans"][(db, pb)] += _pairs_of(sb)
        g["findings"].append((fid, text))
        g["kinds"].add(kind)
        g["basis"].add(basis)
    out = []
    for (da, db), g in groups.items():
        shared = defaultdict(int)
        for (d, _), spans in g["spans"].items():
            shared[d] += _merged(spans)
        ma, mb = meta.get(da, (None, None, None)), meta.get(db, (None, None, None))
        share_a = min(1.0, shared[da] / total[da]) if total.get(da) else 0.0
        share_b = min(1.0, shared[db] / total[db]) if total.get(db) else 0.0
        kind = sorted(g["kinds"], key=PAIR_KINDS.index)[0]
        basis = next((b for b in g["basis"] if b), None)
        row = dict(kind=kind, doc_a=da, doc_b=db, agency_a=ma[0], agency_b=mb[0], year_a=ma[1], year_b=mb[1],
                   source_a=ma[2], source_b=mb[2], findings=len(g["findings"]),
                   shared_chars_a=shared[da], shared_chars_b=shared[db],
                   share_a=round(share_a, 4), share_b=round(share_b, 4), order_basis=basis,
                   finding_ids=[f for f, _ in g["findings"]])
        row["headline"] = headline(row)
        out.append(row)
    # the later report's share of old or foreign text first; repetition inside one report last
    out.sort(key=lambda r: (r["kind"] == "within_report", -r["share_b"], -r["shared_chars_b"], r["doc_a"], r["doc_b"]))
    return out


def _who(agency, year, doc_id) -> str:
    return f"{agency or doc_id}" + (f" ({year})" if year else "")


def headline(r: dict) -> str:
    """One line an auditor reads first."""
    a, b = _who(r["agency_a"], r["year_a"], r["doc_a"]), _who(r["agency_b"], r["year_b"], r["doc_b"])
    if r["kind"] == "within_report":
        return f"{a}: {r['findings']} passage(s) repeated across its measures ({r['share_a']:.0%} of its text)"
    order = "repeats" if r["order_basis"] else "shares text with"
    return (f"{b} {order} {a}: {r['share_b']:.0%} of {b.split(' (')[0]}'s compared text "
            f"({r['shared_chars_b']} characters, {r['findings']} passage(s)); "
            f"{r['share_a']:.0%} of the other's; earlier by {BASIS_LABEL[r['order_basis']]}")
