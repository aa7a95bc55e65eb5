"""`ita dupes` and `ita report`: arguments and output.

csv and json print every finding (a file for Excel or a script must not stop at 100 rows
without saying so); --limit applies to the terminal table only, which says how many more
there are. CSV starts with a UTF-8 byte-order mark: Excel then reads Thai as Thai.
"""
from __future__ import annotations

import sys

TABLE_LIMIT = 100
TABLE_COLUMNS = ("kind", "boilerplate", "similarity", "agency_a", "year_a", "agency_b", "year_b", "field_a",
                 "page_a", "occurrences", "pages", "shared_text")
PAIR_COLUMNS = ("headline", "kind", "share_b", "share_a", "shared_chars_b", "findings", "order_basis",
                "agency_a", "year_a", "source_a", "agency_b", "year_b", "source_b", "doc_a", "doc_b")
BOM = "\ufeff"


def add_dupes_arguments(s) -> None:
    from pipeline.analyze.store import KINDS
    from pipeline.termout import FORMATS
    s.add_argument("--kind", choices=KINDS, help="only findings of this kind")
    s.add_argument("--min-similarity", type=float, dest="min_similarity", metavar="X",
                   help="only findings at least this similar (0..1)")
    s.add_argument("--by-pair", action="store_true", dest="by_pair",
                   help="one row per pair of documents: shared characters, each one's share, which is earlier")
    s.add_argument("--limit", type=int, metavar="N", help=f"rows of the terminal table (default {TABLE_LIMIT}); "
                                                          "csv, json and markdown always print every row")
    s.add_argument("--recompute", action="store_true", help="recompute findings before listing")
    s.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")


def add_report_arguments(s) -> None:
    s.add_argument("--out", default="audit.html", metavar="FILE", help="the HTML file (default: audit.html)")
    s.add_argument("--base-url", dest="base_url", metavar="URL",
                   help="prefix of the links to the reports' files (default: paths relative to the "
                        "report's folder, so the folder can be sent as it is)")


def print_rows(rows: list[dict], fmt: str, limit, table_columns, wide: bool = False) -> None:
    from pipeline.termout import Result, print_result
    if fmt != "table":
        if fmt == "csv":
            sys.stdout.write(BOM)
        print_result(Result.from_dicts(rows), fmt)
        return
    limit = TABLE_LIMIT if limit is None else limit
    shown = rows[:limit] if limit > 0 else rows
    columns = [c for c in table_columns if shown and c in shown[0]] or None
    print_result(Result.from_dicts(shown, columns), "table", wide=wide)
    if len(rows) > len(shown):
        print(f"… {len(rows) - len(shown)} more, use --limit {len(rows)} (or --format csv / json for all)")


def dupes(a, con) -> int:
    from pipeline.analyze import pairs, store
    if a.by_pair:
        rows = pairs.by_pair(con)
        if a.kind:
            rows = [r for r in rows if r["kind"] == a.kind]
        print_rows(rows, a.format, a.limit, PAIR_COLUMNS, a.wide)
    else:
        rows = store.findings(con, kind=a.kind, min_similarity=a.min_similarity)
        print_rows(rows, a.format, a.limit, TABLE_COLUMNS, a.wide)
    return 0


def report(a, con) -> int:
    from pipeline import report as html_report
    html_report.write_report(con, a.out, base_url=a.base_url)
    print(f"wrote {a.out}")
    return 0
