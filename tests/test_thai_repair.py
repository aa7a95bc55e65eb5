"""Thai text-layer repairs, from strings seen in real PDFs (../shared/pdfs, corpus/)."""
import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from extractors import thai_repair as tr  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.mark.parametrize("func,raw,want", [
    (tr.remove_cid_tokens, "ค(cid:5)่มือ", "ค่มือ"),
    (tr.map_private_use, "ก\uf70aา", "ก่า"),
    (tr.map_private_use, "ปู\uf70b", "ปู้"),
    (tr.remove_spaces_before_marks, "ส ำรวจ", "สำรวจ"),
    (tr.remove_spaces_before_marks, "วันพุธท ี่", "วันพุธที่"),           # council minutes, pdfminer
    (tr.remove_spaces_before_marks, "วิศวชัยวัฒน ์", "วิศวชัยวัฒน์"),
    (tr.fix_nikhahit_sara_aa, "ดํา", "ดำ"),                              # complaint manual
    (tr.fix_nikhahit_sara_aa, "กําหนด", "กำหนด"),
    (tr.fix_nikhahit_sara_aa, "ดำา", "ดำ"),                              # pdfminer on LibreOffice
    (tr.reorder_marks, "ก่ี", "กี่"),
    (tr.fix_sara_am_as_space, "ส านักงานสาธารณสุขอ าเภอหนองใหญ่", "สำนักงานสาธารณสุขอำเภอหนองใหญ่"),
    (tr.fix_sara_am_as_space, "ก าหนดมาตรการ", "กำหนดมาตรการ"),
    (tr.fix_sara_am_as_space, "ต่ ากว่ามาตรฐาน", "ต่ำกว่ามาตรฐาน"),          # royal gazette
    (tr.fix_sara_aa_as_am, "ควำม", "ความ"),
    (tr.fix_sara_aa_as_am, "บริกำร", "บริการ"),
    (tr.fix_sara_aa_as_am, "ปีงบประมำณ", "ปีงบประมาณ"),                 # phichai procurement
    (tr.fix_sara_aa_as_am, "ยุทธศำสตร์", "ยุทธศาสตร์"),                 # canva action plan
    (tr.fix_sara_am_dropped, "ประจาปี", "ประจำปี"),
    (tr.fix_sara_am_dropped, "ดาเนิน", "ดำเนิน"),
    (tr.fix_sara_am_dropped, "จานวน", "จำนวน"),
    (tr.fix_mai_tho_aa_as_am, "ด้าเนินการ", "ดำเนินการ"),               # canva
    (tr.fix_displaced_marks, "เลม่", "เล่ม"),                          # royal gazette
    (tr.fix_displaced_marks, "หนา้", "หน้า"),
    (tr.fix_displaced_marks, "ดำเนนิการ", "ดำเนินการ"),                # canva
    (tr.join_split_words, "ระบบอิเล็กทรอ นิกส์", "ระบบอิเล็กทรอนิกส์"),
    (tr.join_split_words, "การจัดซื้อจัด จ้าง", "การจัดซื้อจัด จ้าง"),   # two words: kept
])
def test_single_repair(func, raw, want):
    assert func(raw) == want


@pytest.mark.parametrize("raw,want", [
    ("ส านักงานสาธารณสุขอ าเภอหนองใหญ่", "สำนักงานสาธารณสุขอำเภอหนองใหญ่"),
    ("ประจ าปีงบประมาณ พ.ศ. 2567", "ประจำปีงบประมาณ พ.ศ. 2567"),
    ("จัดท าโดย งานพัสดุ", "จัดทำโดย งานพัสดุ"),
    ("ควำมโปร่งใส", "ความโปร่งใส"),
    ("ด้าเนนิการ", "ดำเนินการ"),
    ("แผนการดําเนนิ งาน", "แผนการดำเนิน งาน"),   # canva; the space separates two words
    ("หนา ๘", "หนา ๘"),                 # "หนา" is a word: nothing to gain, left alone
    ("เลม่ ๑๓๘ ตอนพิเศษ", "เล่ม ๑๓๘ ตอนพิเศษ"),
    ("(cid:3)(cid:4)", ""),
])
def test_repair_text(raw, want):
    assert tr.repair_text(raw) == want


@pytest.mark.parametrize("ok", [
    "ตามที่ สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ (ป.ป.ช.) ได้ดำเนินการ",
    "ทาสี", "การทำงาน", "ชาวนาไปทำนา", "ประจำปีงบประมาณ พ.ศ.๒๕๖๔", "ITA 85 คะแนน",
    "นายเขมชาติ นิธิวรรณ ประธานสภาเทศบาลนครพิษณุโลก",
])
def test_correct_text_untouched(ok):
    assert tr.repair_text(ok) == ok


def _pdfium_pages(path):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


REAL = ["ita_moit_procurement_analysis_phichai_hosp_fy2567.pdf",
        "ita_moit_corruption_complaint_manual_phichai_hosp_fy2568.pdf",
        "ita_eb_procurement_anticorruption_measures_nongyai_dho_2562.pdf",
        "ita_eb_procurement_analysis_nongyai_dho_fy2562.pdf",
        "lao_action_plan_add1_phitsanulok_fy2567_canva.pdf",
        "council_minutes_phitsanulok_2567_s1.pdf",
        "royal_gazette_civil_service_ethics_code_2564.pdf"]


def test_repair_reduces_non_dictionary_words_on_real_pdfs():
    """Raw pypdfium2 text layer vs repaired: non-dictionary Thai words per file."""
    tr.repair_text("ก")                       # load the dictionary outside the timing
    tot_raw = tot_fix = 0
    t_repair = 0.0
    n_pages = 0
    for name in REAL:
        pages = _pdfium_pages(CORPUS / name)
        t0 = time.perf_counter()
        fixed = [tr.repair_text(p) for p in pages]
        t_repair += time.perf_counter() - t0
        n_pages += len(pages)
        raw = sum(len(tr.unknown_words(p)) for p in pages)
        fix = sum(len(tr.unknown_words(p)) for p in fixed)
        print(f"{name}: non-dictionary words raw {raw} -> repaired {fix}")
        assert fix <= raw, name
        tot_raw += raw
        tot_fix += fix
    print(f"total raw {tot_raw} -> repaired {tot_fix}; repair {1000 * t_repair / n_pages:.1f} ms/page")
    assert tot_fix < 0.6 * tot_raw
    # the files with the sara am defects are repaired almost completely
    for name in REAL[:4]:
        pages = _pdfium_pages(CORPUS / name)
        raw = sum(len(tr.unknown_words(p)) for p in pages)
        fix = sum(len(tr.unknown_words(tr.repair_text(p))) for p in pages)
        assert fix < 0.45 * raw, (name, raw, fix)


def test_sara_am_gone_from_real_file():
    text = "\n".join(_pdfium_pages(CORPUS / "ita_eb_procurement_anticorruption_measures_nongyai_dho_2562.pdf"))
    assert "ส านักงาน" in text and "อ าเภอ" in text          # the defect is there
    fixed = tr.repair_text(text)
    assert "ส านักงาน" not in fixed and "อ าเภอ" not in fixed
    assert "สำนักงานสาธารณสุขอำเภอหนองใหญ่" in fixed
    assert "มาตรการป้องกันการทุจริตและประพฤติมิชอบในการจัดซื้อจัดจ้าง" in fixed


def test_repair_is_bounded_on_long_text():
    s = ("ส านักงาน ควำม ประจาปี เลม่ " * 2000)
    t0 = time.perf_counter()
    out = tr.repair_text(s)
    assert time.perf_counter() - t0 < 10
    assert out.count("สำนักงาน") == 2000
