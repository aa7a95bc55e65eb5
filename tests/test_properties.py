"""Properties that must hold for any input: no exceptions, idempotence, round trips."""
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import normalize as N
from pipeline.dates import parse_period
from pipeline.owners import canonical_unit, split_owners

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"

# Text that looks like what PDF extraction gives: Thai letters and marks, digits,
# stray spaces, private-use glyphs, zero-width characters, markup bits.
_pieces = st.sampled_from([
    *"กขคงจฐญณดตนบปพมยรลวสหอฮะัาำิีึืุูเแโใไๅ็่้๊๋์ํฺ",
    *THAI_DIGITS, *"0123456789",
    " ", "  ", "\n", "\t", "\u00a0", "\r\n", "\u2028",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    *map(chr, range(0xF700, 0xF71B)), *map(chr, range(0xF884, 0xF89F)),
    "<p>", "</p>", "<br>", "<li>", "<ul style=\"x\">", "&amp;", ".", ",", "/", "-", "–", "(", ")",
])
thaiish = st.lists(_pieces, max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=60), thaiish)

# Text made of period vocabulary, to drive the date parser down its many paths.
_date_pieces = st.sampled_from([
    "ต.ค.", "ตค", "ต. ค.", "ต.ค", "ตุลาคม", "ก.พ.", "มี.ค.", "เม.ย.", "ธ.ค.", "กันยายน", "October",
    "ต.ต.", "ม.ย.", "ก.ต.", "อ.บ.ต.", "ปีงบประมาณ", "ปีงบ", "พ.ศ.", "ค.ศ.", "ปี", "ตลอดปี",
    "-", "–", "—", "ถึง", "ถึงวันที่", "จนถึง", "ตั้งแต่", "ปัจจุบัน", "(", ")", "\n", " ",
    "1", "31", "30", "29", "0", "00", "63", "64", "99", "123", "2563", "2564", "2020", "1500", "9999",
    "๖๓", "๒๕๖๘", "1/10/2563", "31/2/64", "0/13/0000", "99/99/99",
])
period_like = st.lists(_date_pieces, max_size=12).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_normalize_text_is_idempotent(s):
    once = N.normalize_text(s)
    assert N.normalize_text(once) == once


@settings(max_examples=50, deadline=None)
@given(any_text)
def test_normalize_text_keeping_thai_digits_is_idempotent(s):
    once = N.normalize_text(s, arabic_digits=False)
    assert N.normalize_text(once, arabic_digits=False) == once


@settings(max_examples=50, deadline=None)
@given(any_text)
def test_functions_accept_any_text(s):
    for f in (N.thai_digits_to_arabic, N.arabic_digits_to_thai, N.remove_zero_width,
              N.remove_soft_hyphens, N.map_private_use_glyphs, N.remove_spaces_before_marks,
              N.fix_nikhahit_sara_aa, N.normalize_marks, N.collapse_whitespace,
              N.markup_to_lines, N.normalize_text, N.normalize_cell):
        assert isinstance(f(s), str)
    n = N.thai_number(s)
    assert n is None or isinstance(n, float)


@settings(max_examples=50, deadline=None)
@given(any_text)
def test_normalized_text_has_no_invisible_or_private_use_characters(s):
    out = N.normalize_text(s)
    assert not any(ch in out for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\t\r")
    assert not any(0xF700 <= ord(ch) <= 0xF71A or 0xF884 <= ord(ch) <= 0xF89E for ch in out)
    assert not any(ch in THAI_DIGITS for ch in out)
    assert all(line == line.strip() and line for line in out.split("\n")) or out == ""


@settings(max_examples=50)
@given(st.text(alphabet=THAI_DIGITS, max_size=30))
def test_thai_digits_round_trip(s):
    arabic = N.thai_digits_to_arabic(s)
    assert arabic == "".join(str(THAI_DIGITS.index(ch)) for ch in s)
    assert N.arabic_digits_to_thai(arabic) == s


@settings(max_examples=50)
@given(st.text(alphabet="0123456789", max_size=30))
def test_arabic_digits_round_trip(s):
    assert N.thai_digits_to_arabic(N.arabic_digits_to_thai(s)) == s


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_thai_number_reads_thai_and_grouped_numbers(whole, cents):
    text = f"{whole:,}.{cents:02d}"
    assert N.thai_number(N.arabic_digits_to_thai(text)) == float(f"{whole}.{cents:02d}")


@settings(max_examples=150, deadline=None)
@given(st.one_of(period_like, any_text))
def test_parse_period_never_raises_and_is_consistent(s):
    p = parse_period(s)
    assert isinstance(p.warnings, list)
    if p.start is None:
        assert p.end is None
    elif p.end is not None:
        assert p.start <= p.end
    if p.start is None and N.normalize_text(s):
        assert p.warnings                       # an unread period always says why


@settings(max_examples=30, deadline=None)
@given(any_text)
def test_owners_accept_any_text(s):
    owners = split_owners(s)
    assert len({o.unit for o in owners}) == len(owners)
    assert all(o.unit and o.unit_raw for o in owners)
    assert isinstance(canonical_unit(s), str)
