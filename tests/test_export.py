"""`ita export`: xlsx that opens in openpyxl with the database's rows, a frozen header and a
Thai font; CSV with a BOM; Parquet with the database's types. Integers stay integers, NULL
stays empty, dates are ISO."""
import csv
import shutil
from datetime import date

import duckdb
import openpyxl
import pytest

from pipeline.export import TABLES, XLSX_FONT


@pytest.fixture(scope="module")
def db_with_findings(seed_txt_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("export") / "e.duckdb"
    shutil.copy(seed_txt_db, db)
    return db


def _db_rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_xlsx_has_the_rows_of_the_database(db_with_findings, ita, tmp_path):
    code, out, err = ita("export", "--db", db_with_findings, "--out", tmp_path / "x", "--format", "xlsx")
    assert code == 0, err
    for table in TABLES:
        assert f"{table}.xlsx" in out
    wb = openpyxl.load_workbook(tmp_path / "x" / "measures.xlsx")
    ws = wb.active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:6] == ["agency", "agency_type", "district", "province", "fiscal_year", "source_path"]
    assert {"page", "line", "table_no", "row_no", "raw", "measure_id"} <= set(header)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    db = _db_rows(db_with_findings, "select measure_id, fiscal_year, period_start, page from measures_by_agency "
                                    "order by source_path, table_no, row_no")
    col = {h: i for i, h in enumerate(header)}
    got = [(r[col["measure_id"]], r[col["fiscal_year"]], r[col["period_start"]], r[col["page"]]) for r in rows]
    assert len(got) == 17
    assert [(m, y, p.date() if p else None, pg) for m, y, p, pg in got] == db
    assert all(isinstance(r[col["fiscal_year"]], int) for r in rows)          # not 2564.0
    assert all(r[col["page"]] is None for r in rows)                           # NULL stays empty (TXT)
    assert ws.cell(row=2, column=1).font.name == XLSX_FONT
    assert ws.column_dimensions["A"].width > 10
    docs = openpyxl.load_workbook(tmp_path / "x" / "documents.xlsx").active
    assert docs.max_row - 1 == 3


def test_csv_starts_with_a_bom_and_keeps_types(db_with_findings, ita, tmp_path):
    code, _, err = ita("export", "--db", db_with_findings, "--out", tmp_path, "--format", "csv",
                       "--table", "measures", "--table", "documents")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents.csv", "measures.csv"]
    raw = (tmp_path / "measures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 17
    assert {r["fiscal_year"] for r in rows} <= {"2564", "2568"}
    assert all(r["page"] == "" for r in rows)
    assert all(date.fromisoformat(r["period_start"]) for r in rows if r["period_start"])
    assert any("ผู้รับผิดชอบ" in r["raw"] for r in rows)


def test_parquet_has_the_database_types(db_with_findings, ita, tmp_path):
    code, _, err = ita("export", "--db", db_with_findings, "--out", tmp_path, "--format", "parquet")
    assert code == 0, err
    con = duckdb.connect()
    types = {r[0]: r[1] for r in con.execute(f"describe select * from '{tmp_path / 'measures.parquet'}'").fetchall()}
    assert types["fiscal_year"] == "INTEGER" and types["period_start"] == "DATE" and types["row_no"] == "INTEGER"
    n = con.execute(f"select count(*) from '{tmp_path / 'measures.parquet'}'").fetchone()[0]
    assert n == 17
    warnings = con.execute(f"describe select warnings from '{tmp_path / 'documents.parquet'}'").fetchone()[1]
    assert warnings == "VARCHAR[]"


def test_findings_export_has_both_sides(db_with_findings, ita, tmp_path):
    code, _, _ = ita("dupes", "--db", db_with_findings, "--recompute", "--format", "csv")
    assert code == 0
    n = _db_rows(db_with_findings, "select count(*) from copy_findings")[0][0]
    code, out, _ = ita("export", "--db", db_with_findings, "--out", tmp_path, "--format", "xlsx", "--table", "findings")
    ws = openpyxl.load_workbook(tmp_path / "findings.xlsx").active
    header = [c.value for c in ws[1]]
    assert code == 0 and ws.max_row - 1 == n > 0
    assert {"kind", "similarity", "agency_a", "agency_b", "source_a", "shared_text"} <= set(header)
