"""Document facts from prose: agency, type, place, fiscal year, overall ITA result."""
import pytest

from pipeline.docfacts import document_facts, find_agency
from pipeline.records import Paragraph


def facts(*paras):
    return document_facts([Paragraph(p) for p in paras], [])


@pytest.mark.parametrize("text, agency, kind", [
    ("รายงานผลการดำเนินการของเทศบาลนครปากเกร็ด\nเทศบาลนครปากเกร็ดได้รับคะแนน", "เทศบาลนครปากเกร็ด", "เทศบาลนคร"),
    ("องค์การบริหารส่วนตำบลโชคเหนือมีระดับคะแนน\nอบต.โชคเหนือ ได้จัดทำ", "องค์การบริหารส่วนตำบลโชคเหนือ", "อบต."),
    ("ทต.บ้านใหม่ จัดทำมาตรการ และ ทต.บ้านใหม่ ได้ประกาศ", "เทศบาลตำบลบ้านใหม่", "เทศบาลตำบล"),
    ("เทศบาลเมืองชลบุรี\nเทศบาลเมืองชลบุรีจึงกำหนดมาตรการ", "เทศบาลเมืองชลบุรี", "เทศบาลเมือง"),
    ("ประกาศองค์การบริหารส่วนจังหวัดน่าน", "องค์การบริหารส่วนจังหวัดน่าน", "other"),
    ("ไม่มีชื่อหน่วยงาน", None, None),
    ("ตามระเบียบองค์การบริหารส่วนตำบล่อการปฏิบัติหน้าที่", None, None),   # broken text layer: no name
    ("ข้าราชการองค์การบริหารส่วนตำบลามประมวลจริยธรรม", None, None),
])
def test_agency_and_type(text, agency, kind):
    assert find_agency(text) == (agency, kind)


def test_place_after_the_agency_name():
    f = facts("มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๔",
              "เทศบาลตำบลเมืองคง อำเภอราชไศล จังหวัดศรีสะเกษ")
    assert (f.agency, f.district, f.province, f.fiscal_year) == ("เทศบาลตำบลเมืองคง", "ราชไศล", "ศรีสะเกษ", 2564)


def test_abbreviated_place():
    f = facts("องค์การบริหารส่วนตำบลหนองบัว อ.เมือง จ.อุดรธานี")
    assert (f.district, f.province) == ("เมือง", "อุดรธานี")


def test_overall_score_year_and_grade_not_item_or_threshold_scores():
    f = facts("มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. 2567",
              "ต้องมีคะแนนผ่านเกณฑ์เป้าหมาย (85 คะแนนขึ้นไป)",
              "๑.๑ ข้อ i๑๐ ในหน่วยงานของท่าน คะแนน ๖๓.๒๒",
              "ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2566 เทศบาลตำบลหนองบัวได้คะแนน 88.52 คะแนน อยู่ในระดับ A")
    assert (f.ita_score, f.ita_score_year, f.ita_grade, f.fiscal_year) == (88.52, 2566, "A", 2567)


def test_grade_as_a_quoted_level_word():
    f = facts("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๗ ได้รับคะแนน ๙๑.๒๓ อยู่ในระดับการประเมิน “ผ่าน”")
    assert (f.ita_score, f.ita_score_year, f.ita_grade) == (91.23, 2567, "ผ่าน")


def test_fiscal_year_from_the_measures_title_not_the_assessment():
    f = facts("ตามที่ ป.ป.ช. ได้ประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๓",
              "จึงกำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๔")
    assert f.fiscal_year == 2564


def test_no_score_quoted_gives_nulls():
    f = facts("มาตรการส่งเสริมคุณธรรม ประจำปีงบประมาณ 2568 ของเทศบาลตำบลท่าข้าม")
    assert (f.ita_score, f.ita_score_year, f.ita_grade) == (None, None, None)
    assert f.fiscal_year == 2568
