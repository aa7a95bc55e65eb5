"""Terminal output (pipeline/termout.py and the commands that print): widths per grapheme,
cells cut to the terminal, one spelling for empty, typed csv/json, escaped control
characters in cells and file names."""
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from pipeline.termout import Result, display_width, fit, print_result, safe_text, table_lines
from tests.conftest import CORPUS, run_ita

THAI = "องค์การบริหารส่วนตำบลโชคเหนือ"          # 29 code points, 25 columns (4 marks)


@pytest.mark.parametrize("text, width", [
    ("abc", 3), ("", 0), (THAI, 25), ("ที่", 1), ("น้ำ", 2), ("กำ", 2), ("ปี่", 1), ("ผู้รับผิดชอบ", 8),
    ("漢字", 4), ("e\u0301", 1), ("๒๕๖๔", 4),
])
def test_display_width(text, width):
    assert display_width(text) == width


@pytest.mark.parametrize("text, width, expected", [
    ("abcdef", 4, "abc…"), ("abc", 5, "abc  "), ("ที่ทำการ", 3, "ที่ท…"), ("ผู้รับผิดชอบ", 4, "ผู้รับ…"),
    ("กำ", 2, "กำ"), ("漢字漢字", 5, "漢字…"), ("漢字漢字", 4, "漢… "),
])
def test_fit_cuts_between_graphemes_and_pads(text, width, expected):
    assert fit(text, width) == expected and display_width(fit(text, width)) == width


@given(st.text(alphabet=st.sampled_from(list("กขคงabc ่้๊ิีุูำั็์漢") + ["\u0301"]), max_size=40),
       st.integers(min_value=1, max_value=30))
def test_fit_is_exactly_the_width_and_keeps_marks_with_their_base(text, width):
    out = fit(text, width)
    assert display_width(out) == width
    kept = out.rstrip(" ").removesuffix("…")
    assert text.startswith(kept)
    rest = text[len(kept):]
    assert not rest or display_width(rest[0]) > 0        # never cut before a mark


def _thai_result():
    rows = [(THAI, 2564, 47.04, date(2020, 10, 1), "ผู้รับผิดชอบ " * 30),
            ("เทศบาลตำบลเมืองคง", None, float("nan"), None, "กองคลัง"),
            ("ก" * 5, 2568, 91.23, date(2024, 9, 30), None)]
    return Result(["agency", "fiscal_year", "ita_score", "period_start", "owner"],
                  ["VARCHAR", "INTEGER", "DOUBLE", "DATE", "VARCHAR"], rows)


@pytest.mark.parametrize("columns", [40, 60, 80, 200])
def test_thai_rows_have_the_visible_width_of_the_header(columns):
    lines = [ln for ln in table_lines(_thai_result(), columns) if not ln.startswith("(")]   # not the note
    assert len(lines) == 5
    widths = {display_width(line) for line in lines}
    assert len(widths) == 1 and widths.pop() <= columns, lines


def test_wide_shows_every_cell_whole():
    lines = table_lines(_thai_result(), None)
    assert ("ผู้รับผิดชอบ " * 30).strip() in lines[2] and "…" not in "".join(lines)
    assert len({display_width(line) for line in lines}) == 1


def test_columns_that_cannot_fit_are_left_out_with_a_note():
    res = Result([f"column_{i}" for i in range(30)], ["INTEGER"] * 30, [tuple(range(30))])
    lines = table_lines(res, 80)
    assert lines[-1].startswith("(") and "of 30 columns shown" in lines[-1] and "--wide" in lines[-1]
    assert len({display_width(line) for line in lines[:-1]}) == 1 and display_width(lines[0]) <= 80


def test_one_spelling_for_empty_and_integers_stay_integers(capsys):
    print_result(_thai_result(), "csv")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "agency,fiscal_year,ita_score,period_start,owner"
    assert out[1].startswith(f"{THAI},2564,47.04,2020-10-01,")
    assert out[2] == "เทศบาลตำบลเมืองคง,,,,กองคลัง"
    table = "\n".join(table_lines(_thai_result(), 200))
    for spelling in ("None", "nan", "NaN", "<NA>", "NaT"):
        assert spelling not in table


def test_json_nests_json_columns_as_objects(capsys):
    res = Result(["measure_id", "raw", "warnings", "when"], ["VARCHAR", "JSON", "VARCHAR[]", "DATE"],
                 [("a:1:1", '{"0:มาตรการ": {"text": "x", "page": 3}}', ["w1"], date(2021, 3, 31)),
                  ("a:1:2", None, [], None)])
    print_result(res, "json")
    items = json.loads(capsys.readouterr().out)
    assert items[0]["raw"] == {"0:มาตรการ": {"text": "x", "page": 3}}
    assert items[0]["warnings"] == ["w1"] and items[0]["when"] == "2021-03-31"
    assert items[1] == {"measure_id": "a:1:2", "raw": None, "warnings": [], "when": None}


def test_markdown_escapes_pipes_and_line_breaks(capsys):
    print_result(Result(["a", "n"], ["VARCHAR", "INTEGER"], [("x | y\nz", 3)]), "markdown")
    assert capsys.readouterr().out.splitlines() == ["| a | n |", "|---|---:|", "| x \\| y<br>z | 3 |"]


@pytest.mark.parametrize("raw, shown", [
    ("\x1b[2J\x1b]0;owned\x07", "\\x1b[2J\\x1b]0;owned\\x07"), ("a\x9bb", "a\\x9bb"),
    ("abc\u202edcba", "abc\\u202edcba"), ("ok\tthai ไทย", "ok\tthai ไทย"),
    (os.fsdecode(b"r\xe0\xb9.txt"), "r\\xe0\\xb9.txt"),             # a TIS-620 file name, undecodable
])
def test_safe_text_escapes_control_characters(raw, shown):
    assert safe_text(raw) == shown
    assert safe_text("line\nforged", newlines=False) == "line\\nforged"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """A report whose cells and file name carry ESC sequences and a newline."""
    folder = tmp_path_factory.mktemp("hostile")
    text = (CORPUS / "003_348cd1245a6f7d44.txt").read_text(encoding="utf-8")
    text = text.replace("กองคลัง", "กองคลัง\x1b[2J\x1b]0;pwned\x07", 1)
    name = "evil\x1b[31mred\nFAILED forged.txt"
    (folder / name).write_text(text, encoding="utf-8")
    shutil.copy(CORPUS / "000_eec639967c242c08.txt", folder)
    db = folder / "h.duckdb"
    out = run_ita("ingest", folder, "--db", db, "--no-progress", "--no-dupes")
    return folder, name, db, out


def test_ingest_summary_cannot_be_forged_by_a_file_name(hostile_db):
    *_, out = hostile_db
    assert "\x1b" not in out.stdout
    assert not any(line.startswith("FAILED forged") for line in out.stdout.splitlines())


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json"])
def test_query_output_has_no_raw_escape_sequences(hostile_db, ita, fmt):
    _, _, db, _ = hostile_db
    code, out, _ = ita("query", "select source_path, owner from measures_by_agency", "--db", db, "--format", fmt)
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "x1b[31m" in out or "u001b[31m" in out                # the file name's: escaped, still visible
    assert "[2J" not in out and "pwned" not in out                # the cell's: removed at ingest (normalize)


def test_show_output_has_no_raw_escape_sequences(hostile_db, ita):
    folder, name, db, _ = hostile_db
    code, out, _ = ita("show", folder / name, "--db", db)
    assert code == 0 and "\x1b" not in out and "measures (7)" in out
    assert "evil\\x1b[31mred\\nFAILED forged.txt" in out.splitlines()[0]


def test_query_table_fits_the_terminal(seed_txt_db, ita, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    code, out, _ = ita("query", "select agency, measure, owner, period_text from measures_by_agency", "--db",
                       seed_txt_db)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 + 17
    assert {display_width(line) for line in lines} == {display_width(lines[0])} and display_width(lines[0]) <= 70
    code, wide, _ = ita("query", "select agency, measure from measures_by_agency", "--db", seed_txt_db, "--wide")
    assert max(display_width(line) for line in wide.splitlines()) > 70


def test_csv_years_are_integers(seed_txt_db, ita):
    code, out, _ = ita("query", "select fiscal_year, ita_score_year from documents order by 1", "--db", seed_txt_db,
                       "--format", "csv")
    assert code == 0 and out.splitlines()[1:] == ["2564,2563", "2564,2563", "2568,2567"]
