"""The analysis tables in DuckDB: passages in, findings out, findings listed."""
from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, fields
from typing import Iterable, Optional

from pipeline.vocab import SCHEMAS

FIELDS = ("measure", "method", "issue", "result", "outcome")
KINDS = ("identical_file", "cross_agency", "same_agency_other_year", "within_report",
         "foreign_agency_name", "own_name_variant", "generic_result")
# rank among non-boilerplate findings, 0 first: the strongest evidence of copying first
PRIORITY = {"identical_file": 0, "cross_agency": 1, "same_agency_other_year": 2, "within_report": 3,
            "foreign_agency_name": 4, "generic_result": 5, "identical_file_same_folder": 6,
            "own_name_variant": 7}


@dataclass
class Finding:
    finding_id: str
    kind: str
    doc_a: str
    doc_b: Optional[str] = None
    measure_a: Optional[str] = None
    measure_b: Optional[str] = None
    field_a: Optional[str] = None
    field_b: Optional[str] = None
    similarity: Optional[float] = None
    shared_text: Optional[str] = None
    boilerplate: bool = False
    passage_a: Optional[str] = None
    passage_b: Optional[str] = None
    priority: Optional[int] = None
    shared_chars: Optional[int] = None
    informative_chars: Optional[int] = None
    spans_a: Optional[list] = None
    spans_b: Optional[list] = None
    order_basis: Optional[str] = None
    occurrences: Optional[int] = None
    pages: Optional[list] = None
    paths: Optional[list] = None


COLUMNS = [f.name for f in fields(Finding)]


def finding_id(*parts) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def ensure_schema(con) -> None:
    con.execute((SCHEMAS / "ddl_findings.sql").read_text(encoding="utf-8"))


def in_list(ids: Iterable[str]) -> str:
    return ",".join("'" + str(x).replace("'", "''") + "'" for x in ids) or "''"


def rebuild_passages(con, doc_ids: Optional[list[str]]) -> None:
    """passages of the given documents (all if None) from measures and paragraphs; the
    paragraph's layout role is copied as a first guess (recompute sets the final role)."""
    if doc_ids is None:
        con.execute("DELETE FROM passages")
        where_m = where_p = ""
    else:
        if not doc_ids:
            return
        lst = in_list(doc_ids)
        con.execute(f"DELETE FROM passages WHERE doc_id IN ({lst})")
        where_m = f"AND m.doc_id IN ({lst})"
        where_p = f"AND p.doc_id IN ({lst})"
    for f in FIELDS:
        con.execute(f"""
            INSERT INTO passages (passage_id, doc_id, measure_id, field, para_no, page, line, text)
            SELECT m.measure_id || ':{f}', m.doc_id, m.measure_id, '{f}', NULL, m.page, m.line, m.{f}
            FROM measures m WHERE m.{f} IS NOT NULL AND length(trim(m.{f})) > 0 {where_m}""")
    con.execute(f"""
        INSERT INTO passages (passage_id, doc_id, measure_id, field, para_no, page, line, text, role)
        SELECT p.doc_id || ':p:' || p.para_no, p.doc_id, NULL, 'paragraph', p.para_no, p.page,
               p.line, p.text, p.role
        FROM paragraphs p WHERE p.text IS NOT NULL AND length(trim(p.text)) > 0 {where_p}""")
    con.execute("DELETE FROM passages WHERE doc_id NOT IN (SELECT doc_id FROM documents)")


def store_passage_facts(con, passage_ids, norm_chars, roles) -> None:
    import pandas as pd
    df = pd.DataFrame({"pid": list(passage_ids), "n": list(norm_chars), "role": list(roles)})
    con.register("_analyze_facts", df)
    try:
        con.execute("""UPDATE passages SET norm_chars = t.n, role = t.role FROM _analyze_facts t
                       WHERE passages.passage_id = t.pid""")
    finally:
        con.unregister("_analyze_facts")


def replace_findings(con, new: list[Finding], changed: Optional[list[str]],
                     kinds_recomputed_fully: tuple = ("identical_file",)) -> None:
    """Delete the findings that involve changed documents (all if changed is None) and those
    of documents that are gone, then insert new ones (first of each id wins)."""
    if changed is None:
        con.execute("DELETE FROM copy_findings")
    else:
        lst = in_list(changed)
        con.execute(f"DELETE FROM copy_findings WHERE doc_a IN ({lst}) OR doc_b IN ({lst}) "
                    f"OR kind IN ({in_list(kinds_recomputed_fully)})")
        con.execute("""DELETE FROM copy_findings WHERE doc_a NOT IN (SELECT doc_id FROM documents)
                       OR (doc_b IS NOT NULL AND doc_b NOT IN (SELECT doc_id FROM documents))""")
    seen, rows = set(), []
    for f in new:
        if f.finding_id not in seen:
            seen.add(f.finding_id)
            rows.append(astuple(f))
    if not rows:
        return
    import pandas as pd
    df = pd.DataFrame(rows, columns=COLUMNS).astype(object)
    con.register("_analyze_new", df)
    try:
        con.execute(f"INSERT INTO copy_findings ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} "
                    "FROM _analyze_new")
    finally:
        con.unregister("_analyze_new")


def counts(con) -> dict:
    got = dict(con.execute("SELECT kind, count(*) FROM copy_findings GROUP BY kind").fetchall())
    return {k: int(got.get(k, 0)) for k in KINDS}


def findings(con, kind=None, min_similarity: Optional[float] = None, limit: Optional[int] = None,
             doc: Optional[str] = None) -> list[dict]:
    """Findings ranked: real evidence first (by priority: identical files, cross-agency
    copies, same agency other year, within report, foreign names, generic results, own-name
    typos), then boilerplate; by similarity and length within a rank."""
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
    if doc:
        where.append("(f.doc_a = ? OR f.doc_b = ?)"); args += [doc, doc]
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
        ORDER BY f.boilerplate, coalesce(f.priority, 9), f.similarity DESC NULLS LAST,
                 coalesce(f.shared_chars, length(f.shared_text)) DESC, f.finding_id
        {'LIMIT ' + str(int(limit)) if limit else ''}"""
    cur = con.execute(sql, args)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
