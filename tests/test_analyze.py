"""Copy findings (pipeline.analyze) on planted corpora and on the real seed reports."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline import agencies, dupes
from pipeline.analyze import candidates, minhash
from pipeline.analyze.generic import is_generic_result
from pipeline.analyze.textkey import compare_key, compare_key_with_map
from tests.plant_corpus import generate, load, load_seed_txt

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus"   # the TXT seeds


def _db():
    con = duckdb.connect()
    con.execute((ROOT / "schemas" / "ddl.sql").read_text(encoding="utf-8"))
    dupes.ensure_schema(con)
    return con


def _pairs(fs, kind):
    return {frozenset({f["passage_a"], f["passage_b"]}) for f in fs
            if f["kind"] == kind and not f["boilerplate"]}


@pytest.fixture(scope="module", params=[(40, 7), (60, 21)], ids=lambda p: f"docs{p[0]}-seed{p[1]}")
def planted(request):
    n, seed = request.param
    corpus = generate(n, seed=seed)
    con = duckdb.connect()
    load(con, corpus)
    counts = dupes.recompute(con)
    return corpus, con, counts, dupes.findings(con)


@pytest.mark.parametrize("kind", ["cross_agency", "within_report"])
def test_planted_precision_recall(planted, kind):
    corpus, _, _, fs = planted
    pred, truth = _pairs(fs, kind), corpus.truth[kind]
    tp = len(pred & truth)
    recall, precision = tp / len(truth), tp / max(1, len(pred))
    print(f"{kind}: truth={len(truth)} predicted={len(pred)} recall={recall:.3f} precision={precision:.3f}")
    assert recall >= 0.95, sorted(map(sorted, truth - pred))[:5]
    assert precision >= 0.95, sorted(map(sorted, pred - truth))[:5]


def test_planted_same_agency_other_year(planted):
    corpus, _, _, fs = planted
    pred, truth = _pairs(fs, "same_agency_other_year"), corpus.truth["same_agency_other_year"]
    assert len(pred & truth) / len(truth) >= 0.9
    assert not (pred & corpus.truth["cross_agency"])


def test_every_planted_foreign_name_found(planted):
    corpus, _, _, fs = planted
    found = {(f["doc_a"], f["shared_text"]) for f in fs if f["kind"] == "foreign_agency_name"}
    for doc_id, core in corpus.truth["foreign"]:
        assert any(d == doc_id and core in t for d, t in found), (doc_id, core)
    # and nothing else: the corpus has no other foreign names
    assert len(found) == len(corpus.truth["foreign"])


def test_ranking_real_copying_before_boilerplate(planted):
    _, _, _, fs = planted
    flags = [f["boilerplate"] for f in fs]
    assert flags == sorted(flags)                  # False (real) first, boilerplate after
    assert any(flags) and not all(flags)           # boilerplate is listed, never hidden


def test_findings_filters(planted):
    _, con, counts, _ = planted
    only = dupes.findings(con, kind="within_report")
    assert only and {f["kind"] for f in only} == {"within_report"}
    assert len(only) == counts["within_report"]
    high = dupes.findings(con, min_similarity=0.99, limit=5)
    assert len(high) <= 5 and all(f["similarity"] >= 0.99 for f in high)
    with pytest.raises(ValueError):
        dupes.findings(con, kind="nonsense")


def test_shared_text_is_as_written(planted):
    _, _, _, fs = planted
    f = next(f for f in fs if f["kind"] == "within_report")
    for piece in f["shared_text"].split(" … "):
        assert piece.replace(" ", "") in f["text_a"].replace(" ", "").replace("\n", "")


def test_incremental_equals_full():
    corpus = generate(30, seed=5)
    con = duckdb.connect()
    load(con, corpus)
    full = dupes.recompute(con)
    rows_full = set(con.execute("SELECT finding_id, boilerplate FROM copy_findings").fetchall())
    some = [d.doc_id for d in corpus.docs[:4]]
    inc = dupes.recompute(con, some)
    rows_inc = set(con.execute("SELECT finding_id, boilerplate FROM copy_findings").fetchall())
    assert inc == full
    assert rows_inc == rows_full
    # a document removed: its passages and findings go
    gone = corpus.docs[0].doc_id
    con.execute("DELETE FROM documents WHERE doc_id = ?", [gone])
    dupes.recompute(con, [gone])
    assert con.execute("SELECT count(*) FROM copy_findings WHERE doc_a = ? OR doc_b = ?", [gone, gone]).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM passages WHERE doc_id = ?", [gone]).fetchone()[0] == 0


def test_real_seed_repeated_sentence_is_within_report():
    path = SEEDS / "001_7085b3674d17acd7.txt"
    assert path.exists(), f"seed report missing: {path}"
    con = _db()
    load_seed_txt(con, path, "7085b3674d17acd7", "เทศบาลนครปากเกร็ด", "นนทบุรี", "ปากเกร็ด", 2568)
    dupes.recompute(con)
    fs = dupes.findings(con, kind="within_report")
    hits = [f for f in fs if "ไม่ได้เพียงแค่ตั้งรับ" in f["shared_text"] and not f["boilerplate"]]
    measures = {m for f in hits for m in (f["measure_a"], f["measure_b"])}
    assert len(measures) == 4, [(f["measure_a"], f["measure_b"]) for f in fs]
    assert all(f["field_a"] == f["field_b"] == "result" for f in hits)
    assert any("แสดงให้เห็นว่า" in f["shared_text"] for f in hits)


# ---- boilerplate -------------------------------------------------------------------------
STANDARD = ("ตามที่ สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ (ป.ป.ช.) ได้ดำเนินการประเมินคุณธรรมและ"
            "ความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (Integrity and Transparency Assessment : ITA) "
            "ประจำปีงบประมาณ พ.ศ.{y} และได้แจ้งผลการประเมินและข้อเสนอแนะเกี่ยวกับการประเมินคุณธรรมและ"
            "ความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ เพื่อนำไปปรับปรุงพัฒนาและยกระดับคุณธรรม และ"
            "ความโปร่งใสของหน่วยงาน")
OIT = ("แบบวัด OIT เป็นแบบวัดการเปิดเผยข้อมูลต่อสาธารณะ (Open Integrity and Transparency Assessment: OIT) "
       "เป็นตัวชี้วัดที่มีวัตถุประสงค์เพื่อประเมินการเผยแพร่ข้อมูลที่เป็นปัจจุบันบนเว็บไซต์ของหน่วยงาน")
COPIED = ("คณะทำงานได้ลงพื้นที่สำรวจบ่อบาดาลทั้งสิบสองแห่งร่วมกับผู้ใหญ่บ้าน และพบว่าสามแห่งต้องเปลี่ยนปั๊มน้ำ"
          "ใหม่ทั้งชุด จึงได้ตั้งงบซ่อมแซมไว้ในข้อบัญญัติปีถัดไป")


def _two_reports(text_a, text_b):
    con = _db()
    con.execute("INSERT INTO documents (doc_id, source_path, sha256, status, agency, province, fiscal_year) VALUES "
                "('a', 'a.txt', 'a', 'ok', 'องค์การบริหารส่วนตำบลโชคเหนือ', 'สุรินทร์', 2564),"
                "('b', 'b.txt', 'b', 'ok', 'เทศบาลตำบลเมืองคง', 'ศรีสะเกษ', 2564)")
    con.execute("INSERT INTO paragraphs (doc_id, para_no, page, line, text) VALUES ('a', 1, 1, 10, ?), "
                "('b', 1, 1, 12, ?)", [text_a, text_b])
    dupes.recompute(con)
    return dupes.findings(con)


def test_framework_wording_between_unrelated_reports_is_boilerplate():
    fs = _two_reports(STANDARD.format(y="๒๕๖๓") + " " + OIT, STANDARD.format(y="2563") + "\n" + OIT)
    cross = [f for f in fs if f["kind"] == "cross_agency"]
    assert cross, "shared framework wording should still be listed"
    assert all(f["boilerplate"] for f in cross)


def test_copied_text_next_to_framework_wording_is_not_boilerplate():
    fs = _two_reports(STANDARD.format(y="2563") + " " + COPIED.replace("บ่อบาดาล", "บ่อบาดาล "),
                      STANDARD.format(y="๒๕๖๓") + " " + COPIED)
    cross = [f for f in fs if f["kind"] == "cross_agency"]
    assert cross and not any(f["boilerplate"] for f in cross)
    assert "ปั๊มน้ำ" in cross[0]["shared_text"]


# ---- units -------------------------------------------------------------------------------
def test_normalize_digits_spaces_markup_and_own_name():
    pat = agencies.own_name_pattern("เทศบาลตำบลเมืองคง")
    a = compare_key("<p>ของ เทศบาลตำบล เมืองคง ปี ๒๕๖๗</p>", pat)
    b = compare_key("ของทต.เมืองคง  ปี 2567", pat)
    assert a == b == "ของ@ปี0"
    text = "<p>ของ ทต.เมืองคง ปี ๒๕ ๖๗ (Risk)</p>"
    n, m = compare_key_with_map(text, pat)
    assert n == compare_key(text, pat) and len(m) == len(n)


@pytest.mark.parametrize("text,core", [
    ("จากการที่เทศบาลนครปากเกร็ดได้มีการกำหนดมาตรการ", "ปากเกร็ด"),
    ("ทั้งนี้ทม.นาแก้วได้รายงานผล", "นาแก้ว"),
    ("ร่วมกับ อบต. บ้านหนองมีการประชุม", "บ้านหนอง"),
    ("องค์การบริหารส่วนตำบล\nโชคเหนือ ประจำปี", "โชคเหนือ"),
])
def test_agency_mentions(text, core):
    assert [m.core for m in agencies.mentions(text)] == [core]


@pytest.mark.parametrize("text", ["ตรวจสอบจากภายนอก", "สมาคมองค์การบริหารส่วนตำบลแห่งประเทศไทย",
                                  "องค์การบริหารส่วนตำบลทุกแห่ง"])
def test_not_agency_mentions(text):
    assert agencies.mentions(text) == []


def test_oversight_and_own_names_are_not_foreign():
    con = _db()
    con.execute("INSERT INTO documents (doc_id, source_path, sha256, status, agency, province, district, fiscal_year)"
                " VALUES ('d', 'd.txt', 'd', 'ok', 'เทศบาลตำบลเมืองคง', 'ศรีสะเกษ', 'ราษีไศล', 2564)")
    con.execute("INSERT INTO paragraphs (doc_id, para_no, page, line, text) VALUES ('d', 1, 1, 1, ?)", [
        "ทต.เมืองคง รายงานต่อ ป.ป.ช. สตง. กระทรวงมหาดไทย และองค์การบริหารส่วนจังหวัดศรีสะเกษ "
        "เทศบาลตำบล เมืองคง ได้ประสานกับ อบต.บ้านโนนได้แล้ว"])
    dupes.recompute(con)
    names = [f["shared_text"] for f in dupes.findings(con, kind="foreign_agency_name")]
    assert names == ["อบต.บ้านโนน"]


@pytest.mark.parametrize("text,generic", [
    ("ดำเนินการแล้วเสร็จ", True), ("<p>ดำเนินการแล้ว เสร็จ</p>", True), ("ดำเนินการเรียบร้อยแล้ว", True),
    ("ได้ดำเนินการแล้วเสร็จ ร้อยละ ๑๐๐", True), ("ดำเนินการแล้ว 100%", True), ("-", True),
    ("ดำเนินการแล้วเสร็จ มีผู้เข้าร่วมอบรม 45 คน", False), ("จัดทำคู่มือการยืมคืนพัสดุแล้ว", False),
])
def test_generic_results(text, generic):
    assert is_generic_result(text) is generic


def test_minhash_helper_process_gives_same_signatures(monkeypatch):
    # large inputs split the rensa signatures with a helper process: same rows, same
    # values; if the helper cannot run, the parent computes its half itself
    import sys
    import numpy as np
    rng = np.random.default_rng(1)
    flat = rng.integers(0, 2 ** 63, 60_000, dtype=np.uint64)
    off = np.r_[0, np.sort(rng.choice(np.arange(1, 60_000), 1999, replace=False)), 60_000]
    off[5] = off[4]                                   # an empty row
    ref = minhash._rensa_block(flat, off)
    monkeypatch.setattr(minhash, "PARALLEL_MIN_ROWS", 0)
    assert (minhash._rensa_signatures(flat, off) == ref).all()
    monkeypatch.setattr(sys, "executable", "/bin/false")
    assert (minhash._rensa_signatures(flat, off) == ref).all()


def test_normalize_thai_digits_like_arabic():
    assert compare_key("ร้อยละ ๑๐๐ ปี ๒,๕๖๗") == compare_key("ร้อยละ 100 ปี 2,567") == "ร้อยละ0ปี0"
    assert compare_key("๏ ๚ ๛ ก๑ข") == "๏ก0ข"
    assert compare_key("\uf70aท\uf701") == compare_key("่ทิ")          # presentation glyphs are letters
