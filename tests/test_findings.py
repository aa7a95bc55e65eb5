"""Findings an auditor can act on (issue 12): roles, informative text, standard texts,
own name vs foreign name, direction, pairs; files and exports through the CLI in-process."""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipeline import cli, dupes
from pipeline.analyze import boilerplate, pairs, roles
from pipeline.records import PageInfo, Paragraph
from tests.plant_corpus import generate, load

ROOT = Path(__file__).resolve().parent.parent
COPIED_BODY = ("คณะทำงานได้ลงพื้นที่สำรวจบ่อบาดาลทั้งสิบสองแห่งร่วมกับผู้ใหญ่บ้าน และพบว่าสามแห่งต้องเปลี่ยนปั๊มน้ำ"
               "ใหม่ทั้งชุด จึงได้ตั้งงบซ่อมแซมไว้ในข้อบัญญัติปีถัดไป")
HEADING = "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน (รอบ 6 เดือน)"
AGENCIES = {"a": ("องค์การบริหารส่วนตำบลโชคเหนือ", "สุรินทร์"), "b": ("เทศบาลตำบลเมืองคง", "ศรีสะเกษ"),
            "c": ("เทศบาลเมืองวังน้ำเย็น", "สระแก้ว")}


def _db(docs: dict, paragraphs: list, pages=()):
    """docs: id -> (agency key in AGENCIES, fiscal year); paragraphs: (doc, text[, page, role])."""
    con = duckdb.connect()
    con.execute((ROOT / "schemas" / "ddl.sql").read_text(encoding="utf-8"))
    dupes.ensure_schema(con)
    for d, (ag, year) in docs.items():
        name, province = AGENCIES[ag]
        con.execute("INSERT INTO documents (doc_id, source_path, sha256, status, agency, province, fiscal_year) "
                    "VALUES (?, ?, ?, 'ok', ?, ?, ?)", [d, f"/r/{d}.txt", d, name, province, year])
    for i, p in enumerate(paragraphs, start=1):
        doc, text, page, role = (tuple(p) + (None, None))[:4]
        con.execute("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?)", [doc, i, page, i, text, role])
    for doc, page in pages:
        con.execute("INSERT INTO pages (doc_id, page, method) VALUES (?, ?, 'ocr')", [doc, page])
    dupes.recompute(con)
    return con


def _kinds(con, kind):
    return dupes.findings(con, kind=kind)


# ---- roles and informative text ----------------------------------------------------------
def test_a_shared_title_is_not_copying_but_stays_in_passages():
    con = _db({"x": ("a", 2567), "y": ("b", 2567)},
              [("x", HEADING), ("y", HEADING), ("x", "ขั้นตอนการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน\n"
                                                    "ของหน่วยงานภาครัฐ (Integrity and Transparency Assessment : ITA)"),
               ("y", "ขั้นตอนการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน\n"
                     "ของหน่วยงานภาครัฐ (Integrity and Transparency Assessment : ITA)"),
               ("x", COPIED_BODY), ("y", COPIED_BODY)])
    cross = _kinds(con, "cross_agency")
    assert len(cross) == 1 and "บ่อบาดาล" in cross[0]["shared_text"]
    got = dict(con.execute("SELECT text, any_value(role) FROM passages GROUP BY text").fetchall())
    assert got[HEADING] == "title" and got[COPIED_BODY] == "body"


def test_the_layout_role_wins_over_text():
    running = "เทศบาลตำบลเมืองคง " + COPIED_BODY         # long, but the extractor says page header
    con = _db({"x": ("a", 2567), "y": ("b", 2567)}, [("x", running, 1, "running"), ("y", running, 1, "running")])
    assert not _kinds(con, "cross_agency")
    con = _db({"x": ("a", 2567), "y": ("b", 2567)}, [("x", running, 1, None), ("y", running, 1, None)])
    assert len(_kinds(con, "cross_agency")) == 1


@pytest.mark.parametrize("text,field,role", [
    (HEADING, "paragraph", "title"),
    ("ส่วนที่ 2 การวิเคราะห์ผลการประเมิน", "paragraph", "title"),
    ("2.1 การประเมินผลการดำเนินงาน", "paragraph", "heading"),
    ("- 3 -", "paragraph", "running"),
    ("(นางสาวพีพรรณ ศรีทับทิม)\nนักทรัพยากรบุคคลชำนาญการ", "paragraph", "signature"),
    ("มาตรการเผยแพร่ข้อมูลต่อสาธารณะ", "measure", "heading"),
    (COPIED_BODY, "paragraph", "body"),
    (COPIED_BODY, "result", "body"),
])
def test_text_roles(text, field, role):
    from pipeline.analyze.textkey import compare_key
    assert roles.text_role(text, compare_key(text), field) == role


def test_layout_roles_from_boxes_and_fonts():
    body = [Paragraph("บรรทัด\nหนึ่ง\nสอง\nสาม " * 3, page=1, bbox=(72, 200 + 60 * i, 523, 250 + 60 * i),
                      font_size=16) for i in range(3)]
    bold = Paragraph("การวิเคราะห์ผล", page=1, bbox=(72, 100, 300, 116), font_size=16, bold=True)
    centred = Paragraph("บทสรุป", page=1, bbox=(270, 150, 325, 166), font_size=16)
    big = Paragraph("แผนปฏิบัติการ", page=1, bbox=(72, 170, 300, 190), font_size=20)
    header = [Paragraph("เทศบาลตำบลเมืองคง", page=p, bbox=(400, 30, 523, 42), font_size=12) for p in (1, 2, 3)]
    txt = Paragraph("ข้อความจากไฟล์ TXT")
    given = Paragraph("ข้อความ", role="heading")
    pages = [PageInfo(p, 100, 1.0, "text", width=595, height=842) for p in (1, 2, 3)]
    got = roles.layout_roles(body + [bold, centred, big, *header, txt, given], pages)
    assert got == ["body"] * 3 + ["heading", "heading", "heading", "running", "running", "running", None, "heading"]


def test_standard_text_shared_by_two_agencies_is_boilerplate():
    iit = next(t for t in boilerplate.standard_texts() if "Internal Integrity" in t and len(t) > 300)
    assert len(iit) > 300
    con = _db({"x": ("a", 2567), "y": ("b", 2567)}, [("x", "1. " + iit), ("y", iit.replace(" ", "  "))])
    cross = _kinds(con, "cross_agency")
    assert cross and all(f["boilerplate"] for f in cross)
    assert pairs.by_pair(con) == []                # boilerplate makes no pair


def test_informative_threshold_is_measured_in_comparison_characters():
    assert boilerplate.MIN_INFORMATIVE == 30      # the README states it; planted recall depends on it
    short_copy = COPIED_BODY[:28]                 # fewer than MIN_INFORMATIVE shared characters
    con = _db({"x": ("a", 2567), "y": ("b", 2567)},
              [("x", "หน่วยงานได้ประชุมคณะทำงานเพื่อทบทวนแผน " + short_copy),
               ("y", "ผู้บริหารได้ลงพื้นที่ตรวจติดตามโครงการ " + short_copy)])
    assert not _kinds(con, "cross_agency")


# ---- names --------------------------------------------------------------------------------
def test_own_name_typo_is_a_variant_counted_once_with_pages():
    con = _db({"x": ("a", 2567)}, [("x", "เผยแพร่บนเว็บไซต์ อบต.โขกเหนือ ให้เป็นปัจจุบัน", 2),
                                   ("x", "ประชาชนติดต่อ อบต.โขกเหนือ ได้ทุกวัน", 3),
                                   ("x", "ผลงานของ อบต.โขกเหนือ ในปีนี้", 3)])
    assert not _kinds(con, "foreign_agency_name")
    [v] = _kinds(con, "own_name_variant")
    assert (v["shared_text"], v["occurrences"], v["pages"]) == ("อบต.โขกเหนือ", 3, [2, 3])
    everything = dupes.findings(con)
    assert everything[-1]["kind"] == "own_name_variant" or all(f["kind"] == "own_name_variant" for f in everything)


def test_recipients_and_oversight_are_not_foreign():
    con = _db({"x": ("b", 2567)}, [
        ("x", "สำเนาเรียน นายกองค์การบริหารส่วนตำบลบ้านโนน", 1),
        ("x", "ถึง อบต.นาแก้ว อบต.หนองบัว และ ทต.ท่าช้าง", 1),
        ("x", "รายงานต่อ ป.ป.ช. และสำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดศรีสะเกษ", 2),
        ("x", "ทต.เมืองคง ได้ประสานกับ อบต.ดอนแก้ว เพื่อขอข้อมูล และ อบต.ดอนแก้ว ได้ตอบกลับ", 4)])
    [f] = _kinds(con, "foreign_agency_name")
    assert (f["shared_text"], f["occurrences"], f["pages"]) == ("อบต.ดอนแก้ว", 2, [4])


def test_ocr_misreading_of_own_name_on_an_ocr_page():
    # one ordinary letter off: another agency on a text page, a misreading on an OCR'd page
    text = "ทต.เมืองคอ ได้รายงานผลการดำเนินงาน"
    con = _db({"x": ("b", 2567)}, [("x", text, 1)])
    assert [f["shared_text"] for f in _kinds(con, "foreign_agency_name")] == ["ทต.เมืองคอ"]
    con = _db({"x": ("b", 2567)}, [("x", text, 1)], pages=[("x", 1)])
    assert not _kinds(con, "foreign_agency_name") and len(_kinds(con, "own_name_variant")) == 1


# ---- direction and pairs -------------------------------------------------------------------
def test_direction_by_fiscal_year_then_written_date():
    con = _db({"new": ("a", 2567), "old": ("b", 2566)}, [("new", COPIED_BODY), ("old", COPIED_BODY)])
    [f] = _kinds(con, "cross_agency")
    assert (f["doc_a"], f["doc_b"], f["order_basis"]) == ("old", "new", "fiscal_year")
    con = _db({"p": ("a", 2567), "q": ("b", 2567)},
              [("p", "วันที่ 12 กุมภาพันธ์ 2567"), ("q", "ณ วันที่ ๓ มกราคม ๒๕๖๗"), ("p", COPIED_BODY), ("q", COPIED_BODY)])
    [f] = _kinds(con, "cross_agency")
    assert (f["doc_a"], f["order_basis"]) == ("q", "report_date")
    con = _db({"p": ("a", 2567), "q": ("b", 2567)}, [("p", COPIED_BODY), ("q", COPIED_BODY)])
    assert _kinds(con, "cross_agency")[0]["order_basis"] is None


def test_pairs_give_each_documents_share():
    own = "คณะกรรมการชุมชนได้ร่วมกันสำรวจความต้องการของผู้สูงอายุในหมู่ที่สามและจัดทำทะเบียนผู้ป่วยติดเตียงใหม่ทั้งหมด"
    con = _db({"old": ("a", 2566), "new": ("b", 2567)}, [("old", COPIED_BODY), ("new", COPIED_BODY), ("old", own)])
    [p] = pairs.by_pair(con)
    total = dict(con.execute("SELECT doc_id, sum(norm_chars) FROM passages GROUP BY doc_id").fetchall())
    assert (p["doc_a"], p["doc_b"], p["share_b"]) == ("old", "new", 1.0)
    assert p["share_a"] == pytest.approx(p["shared_chars_a"] / total["old"], abs=1e-4) and p["share_a"] < 0.6
    assert "repeats" in p["headline"] and "100%" in p["headline"]


# ---- files and exports through the CLI -------------------------------------------------------
def test_identical_files_in_two_agencies_folders(tmp_path, capsys):
    seed = ROOT / "corpus" / "003_348cd1245a6f7d44.txt"
    for rel in ("เทศบาลตำบลเมืองคง/รายงาน ITA.txt", "อบต.บ้านโนน/ita report.txt", "อบต.บ้านโนน/ita report (1).txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, tmp_path / rel)
    db = tmp_path / "ita.duckdb"
    assert cli.main(["ingest", str(tmp_path), "--db", str(db), "--no-progress", "--workers", "1"]) == 0
    capsys.readouterr()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM files").fetchone() == (3, 1)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    con.close()
    assert cli.main(["dupes", "--db", str(db), "--kind", "identical_file", "--format", "json"]) == 0
    [f] = json.loads(capsys.readouterr().out.lstrip("\ufeff"))
    assert len(f["paths"]) == 3 and f["priority"] == 0 and f["occurrences"] == 3


def test_csv_has_every_row_and_a_bom_table_says_how_many_more(tmp_path, capsys):
    db = tmp_path / "planted.duckdb"
    con = duckdb.connect(str(db))
    load(con, generate(30, seed=5))
    dupes.recompute(con)
    n = con.execute("SELECT count(*) FROM copy_findings").fetchone()[0]
    con.close()
    assert n > 100
    assert cli.main(["dupes", "--db", str(db), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff") and out.count("\n") > n     # header + n rows (some span lines)
    import io
    import pandas as pd
    assert len(pd.read_csv(io.StringIO(out.lstrip("\ufeff")))) == n
    assert cli.main(["dupes", "--db", str(db), "--limit", "5"]) == 0
    assert f"… {n - 5} more, use --limit {n}" in capsys.readouterr().out
    assert cli.main(["dupes", "--db", str(db), "--by-pair", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"headline", "share_a", "share_b", "shared_chars_b"} <= set(rows[0])


def test_files_keep_first_seen_while_bytes_stay(tmp_path):
    from pipeline.analyze.files import record_files
    from pipeline.records import SourceFile
    con = _db({"x": ("a", 2567)}, [])
    f = tmp_path / "r.txt"
    f.write_text("x", encoding="utf-8")
    record_files(con, [SourceFile(str(f), "x" * 64, 1)])
    first = con.execute("SELECT first_seen FROM files").fetchall()[0][0]
    record_files(con, [SourceFile(str(f), "x" * 64, 1)])
    assert con.execute("SELECT first_seen FROM files").fetchall()[0][0] == first
    record_files(con, [SourceFile(str(f), "y" * 64, 1)])
    assert con.execute("SELECT first_seen, sha256 FROM files").fetchall()[0][0] > first
    assert isinstance(first, datetime)


def test_seed_reports_give_evidence_not_headings(seed_txt_db):
    """The real seed reports (corpus/, through `ita ingest`): every copy finding is body text
    of measure rows, the own-name typo is a variant, the memo's addressee is not foreign."""
    con = duckdb.connect(str(seed_txt_db), read_only=True)
    try:
        roles_of = con.execute("""SELECT DISTINCT p.role FROM copy_findings f
                                  JOIN passages p ON p.passage_id IN (f.passage_a, f.passage_b)
                                  WHERE f.kind IN ('cross_agency', 'within_report', 'same_agency_other_year')""").fetchall()
        assert roles_of == [("body",)]
        assert con.execute("SELECT count(*) FROM copy_findings WHERE kind = 'cross_agency' AND NOT boilerplate"
                           ).fetchone()[0] == 0
        names = con.execute("SELECT kind, shared_text, occurrences FROM copy_findings WHERE kind LIKE '%name%'").fetchall()
        assert ("own_name_variant", "อบต.โขกเหนือ", 6) in names
        assert not [n for n in names if n[0] == "foreign_agency_name"], names
    finally:
        con.close()


def test_parent_bodies_rank_above_the_report_are_not_foreign():
    con = _db({"x": ("b", 2567)}, [("x", "ทต.เมืองคง รายงานผลต่อกระทรวงมหาดไทย และกรมบัญชีกลาง แล้วประสานกับ "
                                         "โรงพยาบาลราษีไศล เพื่อขอข้อมูล", 1)])
    assert [f["shared_text"] for f in _kinds(con, "foreign_agency_name")] == ["โรงพยาบาลราษีไศล"]
