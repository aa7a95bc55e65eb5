"""pipeline/agencies.py: names from schemas/agencies.json, generic over its entries."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from pipeline import agencies, vocab


@pytest.mark.parametrize("name,core", [
    ("เทศบาลตำบล เมืองคง", "เมืองคง"), ("อบต.โชคเหนือ", "โชคเหนือ"), ("องค์การบริหารส่วนตำบลโชคเหนือ", "โชคเหนือ"),
    ("ทน. ปากเกร็ด", "ปากเกร็ด"), ("", ""), (None, ""),
])
def test_agency_core(name, core):
    assert agencies.agency_core(name) == core


@pytest.mark.parametrize("text,written", [
    ("จากการที่เทศบาลนครปากเกร็ดได้มีการกำหนดมาตรการ", ["เทศบาลนครปากเกร็ด"]),
    ("ร่วมกับ อบต. บ้านหนองมีการประชุม", ["อบต. บ้านหนอง"]),
    ("ประสานกับ อบต บ้านโนน และ ทต.นาแก้ว", ["อบต บ้านโนน", "ทต.นาแก้ว"]),
    ("ตรวจสอบจากภายนอก", []),
    ("องค์การบริหารส่วนตำบลทุกแห่ง", []),
])
def test_mentions(text, written):
    assert [m.written for m in agencies.mentions(text)] == written


@pytest.mark.parametrize("core,own,ocr,variant", [
    ("โขกเหนือ", "โชคเหนือ", False, True),       # ข/ช and ก/ค: a typo of the own name
    ("ทิชณุโลก", "พิษณุโลก", False, True),       # OCR-like swaps
    ("ปากเกรด", "ปากเกร็ด", False, True),        # a mark dropped
    ("หนองขาว", "หนองขาม", False, False),       # another village
    ("หนองขาว", "หนองขาม", True, True),         # ... unless read by OCR, which misreads more
    ("บ้านโนน", "เมืองคง", True, False),
    ("นาคำ", "นาขำ", False, False),              # too short to tell
])
def test_own_name_variants(core, own, ocr, variant):
    assert agencies.is_variant_of(core, own, ocr=ocr) is variant


thai = st.text(alphabet=st.sampled_from(list("กขคงจชซดตทนบปผพฟมยรลวสหอะาิีึืุู่้เแโไ")), max_size=12)


@settings(max_examples=200, deadline=None)
@given(thai, thai)
def test_name_distance_is_a_distance(a, b):
    d = agencies.name_distance(a, b)
    assert d == agencies.name_distance(b, a)
    assert (d == 0) == (a == b)
    assert d <= max(len(a), len(b))              # never more than plain Levenshtein's bound


def test_new_agency_types_need_no_code(monkeypatch, tmp_path):
    """An entry added to agencies.json is used as is, extra keys included; "oversight": true
    marks a type whose agencies oversee others."""
    data = json.loads((vocab.SCHEMAS / "agencies.json").read_text(encoding="utf-8"))
    data["types"] += [{"prefix": "ศูนย์พัฒนาเด็กเล็ก", "type": "ศพด.", "abbreviations": ["ศพด."], "sector": "edu"},
                      {"prefix": "สำนักงานตรวจเงินแผ่นดินจังหวัด", "type": "สตง.", "abbreviations": ["สตจ."],
                       "oversight": True}]
    real = vocab.load_json

    def fake(name):
        return data if name == "agencies.json" else real(name)
    monkeypatch.setattr(agencies, "load_json", fake)
    agencies._vocab.cache_clear()
    agencies._mention_re.cache_clear()
    try:
        found = agencies.mentions("รายงานของ ศพด.บ้านนาคำ ส่งถึงสำนักงานตรวจเงินแผ่นดินจังหวัดอุบลราชธานี")
        assert [(m.core, m.type_entry["type"]) for m in found] == [("บ้านนาคำ", "ศพด."), ("อุบลราชธานี", "สตง.")]
        assert agencies.is_oversight_type(found[1].type_entry) and not agencies.is_oversight_type(found[0].type_entry)
        assert agencies.agency_core("ศูนย์พัฒนาเด็กเล็กบ้านนาคำ") == "บ้านนาคำ"
        assert agencies.own_name_pattern("ศูนย์พัฒนาเด็กเล็กบ้านนาคำ").sub("@", "ของ ศพด.บ้านนาคำ") == "ของ @"
    finally:
        agencies._vocab.cache_clear()
        agencies._mention_re.cache_clear()


@pytest.mark.parametrize("text,core", [
    ("ตามนโยบายของโรงพยาบาลน้ำยืน", "น้ำยืน"),
    ("ร่วมกับ รพ.สต.บ้านโนน", "บ้านโนน"),                  # the longer prefix first
    ("ส่งสำนักงานสาธารณสุขอำเภอน้ำยืน", "น้ำยืน"),
])
def test_mentions_of_the_shipped_non_local_types(text, core):
    assert [m.core for m in agencies.mentions(text)] == [core]


@pytest.mark.parametrize("run, name", [
    # stop words end a name only at a word boundary: มา in นครราชสีมา, ของ in เชียงของ cut nothing
    ("พิมาย", "พิมาย"), ("นครราชสีมา", "นครราชสีมา"), ("ภูเก็ต", "ภูเก็ต"),
    ("เชียงของ", "เชียงของ"), ("บ้านร่วมใจ", "บ้านร่วมใจ"),
    ("บ้านโนนได้แล้ว", "บ้านโนน"), ("ปากเกร็ดได้รับคะแนน", "ปากเกร็ด"), ("โชคเหนือและ", "โชคเหนือ"),
])
def test_cut_name_cuts_at_words_not_inside_them(run, name):
    from pipeline.agencies import cut_name
    assert cut_name(run) == name


def test_cut_name_keeps_every_district_and_province_name_whole():
    from pipeline.agencies import cut_name
    from pipeline.vocab import load_lines
    names = [n for f in ("districts.txt", "provinces.txt") for n in load_lines(f)]
    assert len(names) > 900
    assert [n for n in names if cut_name(n) != n] == []
