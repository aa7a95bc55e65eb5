"""Text that used to lose a document or a table: a stray byte, a cp874 paragraph inside a
UTF-8 file, NULs around header cells, terminal escape sequences in cells. Decoded per line,
cleaned where the text enters, warned about; beside good reports that stay complete."""
import random

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.txt import (UNDECODABLE, _NOT_TEXT, _decode_warnings, _looks_like_text, decode_report,
                            extract_txt, line_ranges)
from pipeline.ingest import ingest
from pipeline.normalize import CONTROL_CHARACTERS, has_control_characters, normalize_text, remove_control_characters
from pipeline.records import ExtractionError
from tests.hostile import SEEDS, assert_good_complete, docs, good_reports, measures_of

U = "มาตรการส่งเสริมคุณธรรม ประจำปี\n".encode()


@pytest.mark.parametrize("data, encoding, text_has, warning", [
    (U * 119 + b"\xffbad " + U + b"x\xfe\xfd" + U, "utf-8", "\ufffdbad", "3 undecodable bytes replaced on lines 120–121"),
    (U * 5 + "ย่อหน้าเก่า\nบรรทัดสอง\n".encode("cp874") + U, "utf-8+cp874", "ย่อหน้าเก่า\nบรรทัดสอง",
     "mixed encodings: lines 6–7 read as TIS-620/cp874, the rest as UTF-8"),
    ("ข้อความไทย\n".encode("cp874") * 9 + b"\xff\n", "cp874", "ข้อความไทย", "1 undecodable byte replaced on line 10"),
    (U + "ตัด".encode() + b"\xe0\xb8" + "ตัวอักษร\n".encode() + U, "utf-8", "ตัด\ufffd\ufffdตัว",
     "2 undecodable bytes replaced on line 2"),                                       # a character cut short
    ("\x00มาตรการ\x00\t\x00ผู้รับผิดชอบ\x00\n".encode() + U * 3, "utf-8", "\x00มาตรการ", None),   # NULs: decoded, removed later
])
def test_decoding_per_line(data, encoding, text_has, warning):
    got = decode_report(data)
    assert got.encoding == encoding
    assert text_has in got.text
    warnings = _decode_warnings(got)
    assert (warning in warnings) if warning else not any("replaced" in w or "mixed" in w for w in warnings)


@pytest.mark.parametrize("data", [
    random.Random(0).randbytes(4096),                         # random bytes
    bytes(random.Random(1).randrange(0, 32) for _ in range(2000)),   # ASCII control garbage (valid UTF-8)
    U * 3 + random.Random(2).randbytes(400),                  # more than 5% undecodable
])
def test_bytes_that_are_not_text_stay_undecodable(data):
    with pytest.raises(ExtractionError, match="undecodable text"):
        decode_report(data)
    assert "TIS-620" in UNDECODABLE


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_decoding_never_fails_otherwise_and_gives_valid_text(data):
    try:
        got = decode_report(data)
    except ExtractionError:
        return
    got.text.encode("utf-8")                                   # no lone surrogates


@pytest.mark.parametrize("lines, text", [
    ([5], "line 5"),
    ([120, 121], "lines 120–121"),
    ([3, 120, 121, 122, 7], "lines 3, 7, 120–122"),
    (list(range(1, 40, 2)), "lines 1, 3, 5, 7, 9, 11, 13, 15 and 12 more places"),
])
def test_line_ranges(lines, text):
    assert line_ranges(lines) == text


@pytest.mark.parametrize("raw, clean", [
    ("\x00มาตรการ\x00", "มาตรการ"),
    ("\x1b[31mแดง\x1b[0m", "แดง"),
    ("\x1b]0;title\x07ชื่อ", "ชื่อ"),
    ("\x1b[2J\x1b[Hล้างจอ", "ล้างจอ"),
    ("ESC ลอย\x1b ๆ", "ESC ลอย ๆ"),
    ("\x1b[ไทย", "[ไทย"),                                       # not a sequence: the ESC alone goes
    ("tab\tnew\nline\r\nff\x0cvt\x0b", "tab\tnew\nline\r\nff\x0cvt\x0b"),   # structure stays
    ("c1\x9b31m \x85nel", "c131m \x85nel"),
    ("del\x7f", "del"),
])
def test_remove_control_characters(raw, clean):
    assert remove_control_characters(raw) == clean


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ก่าม 1[;]\t\n\x00\x07\x1b\x7f\x9b\\m")), max_size=60))
def test_control_removal_is_complete_and_idempotent(s):
    out = remove_control_characters(s)
    assert not CONTROL_CHARACTERS.search(out)
    assert remove_control_characters(out) == out
    assert out.count("\n") == s.count("\n") and out.count("\t") == s.count("\t")
    assert "\x1b" not in normalize_text(s) and "\x00" not in normalize_text(s)
    assert has_control_characters(s) == (out != s)              # the fast test agrees with the regex


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("กขa \t\n\x00\x01\x0b\x1b\x7f\x85\x9f\xa0\ufffd\ud800")), max_size=80))
def test_the_fast_text_check_agrees_with_counting(s):
    slow = not s or (len(_NOT_TEXT.findall(s)) / len(s) < 0.01 and s.count("\x00") / len(s) < 0.2)
    assert _looks_like_text(s) == slow


def _measures(db, name):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""select m.table_no, m.row_no, m.indicator_no, m.measure, m.issue, m.method, m.owner,
                                     m.period_text, m.period_start, m.period_end, m.result, m.outcome
                              from measures m join documents d using (doc_id)
                              where d.source_path like ? order by 1, 2""", [f"%/{name}"]).fetchall()
    finally:
        con.close()


def _lines_with_tabs(text):
    return [i for i, line in enumerate(text.split("\n")) if "\t" in line]


@pytest.fixture(scope="module")
def hostile_text(tmp_path_factory):
    """Good reports, and variants of them with bad text; ingested once."""
    folder = tmp_path_factory.mktemp("reports")
    expect = good_reports(folder)
    base = tmp_path_factory.mktemp("base")
    lines = SEEDS[1].read_text(encoding="utf-8").split("\n")
    rows = _lines_with_tabs("\n".join(lines))
    # a stray 0xFF in the last measure table's first data row, two more on the next line
    stray_at = rows[-2]
    stray = [line.encode() for line in lines]
    stray[stray_at] = stray[stray_at] + b"\xff"
    stray[stray_at + 1] = b"\xfe\xfd" + stray[stray_at + 1]
    (folder / "stray.txt").write_bytes(b"\n".join(stray))
    # the tables of seed 1 pasted from an old cp874 file (every line cp874 can encode)
    mixed = [line.encode("cp874") if "\t" in line and _cp874_ok(line) else line.encode() for line in lines]
    (folder / "mixed.txt").write_bytes(b"\n".join(mixed))
    assert sum(1 for line in lines if "\t" in line and _cp874_ok(line)) > 5
    # NULs around every cell of every table's first row, ESC sequences in cells
    text0 = SEEDS[0].read_text(encoding="utf-8").split("\n")
    nul, prev = [], False
    for line in text0:
        tab = "\t" in line
        nul.append("\t".join(f"\x00{c}\x00" for c in line.split("\t")) if tab and not prev else line)
        prev = tab
    (folder / "nul_headers.txt").write_text("\n".join(nul), encoding="utf-8")
    esc = [line.replace("\t", "\t\x1b[31m", 1) + "\x1b[0m" if "\t" in line else line for line in text0]
    (folder / "esc_cells.txt").write_text("\n".join(esc), encoding="utf-8")
    for seed in SEEDS[:2]:                                   # the originals, to compare rows with
        (base / seed.name).write_bytes(seed.read_bytes())
    db, base_db = folder.parent / "ita.duckdb", base.parent / "base.duckdb"
    ingest([str(folder)], str(db), progress=False, dupes=False, workers=2)
    ingest([str(base)], str(base_db), progress=False, dupes=False, workers=2)
    return db, base_db, expect, stray_at + 1


def _cp874_ok(line):
    try:
        line.encode("cp874")
        return True
    except UnicodeEncodeError:
        return False


def test_a_stray_byte_is_replaced_and_warned_about(hostile_text):
    db, base_db, expect, line = hostile_text
    status, error, n, warnings = docs(db)["stray.txt"]
    assert (status, error, n) == ("ok", None, measures_of(SEEDS[1]))
    assert f"3 undecodable bytes replaced on lines {line}–{line + 1}" in warnings
    got, want = _measures(db, "stray.txt"), _measures(base_db, SEEDS[1].name)
    assert len(got) == len(want)
    assert sum(g != w for g, w in zip(got, want)) <= 2         # only the rows holding the bytes differ
    assert any("\ufffd" in str(g) for g in got)
    assert_good_complete(db, expect)


def _reads_like_its_original(hostile_text, name, seed, *warnings_with):
    """The variant gives the original's rows, warns with each of `warnings_with`, and the
    good reports beside it are complete."""
    db, base_db, expect, _ = hostile_text
    status, error, n, warnings = docs(db)[name]
    assert (status, error, n) == ("ok", None, measures_of(seed))
    for part in warnings_with:
        assert any(part in w for w in warnings), (part, warnings)
    assert _measures(db, name) == _measures(base_db, seed.name)
    assert_good_complete(db, expect)


def test_a_mixed_encoding_file_reads_like_its_utf8_original(hostile_text):
    _reads_like_its_original(hostile_text, "mixed.txt", SEEDS[1], "mixed encodings: lines ")


def test_nuls_in_header_cells_keep_the_table_and_warn(hostile_text):
    _reads_like_its_original(hostile_text, "nul_headers.txt", SEEDS[0], "control characters (NUL) removed",
                             "header rows of the table(s)")
    con = duckdb.connect(str(hostile_text[0]), read_only=True)
    raw = con.execute("select string_agg(raw::varchar, '') from measures m join documents d using (doc_id) "
                      "where d.source_path like '%/nul_headers.txt'").fetchone()[0]
    con.close()
    assert "\\u0000" not in raw and "\x00" not in raw           # not stored verbatim


def test_escape_sequences_in_cells_are_removed(hostile_text):
    _reads_like_its_original(hostile_text, "esc_cells.txt", SEEDS[0], "(ESC) removed")


def test_extract_txt_line_numbers_survive_cleaning(tmp_path):
    p = tmp_path / "r.txt"
    p.write_bytes("หัวเรื่อง\n\n\x00ก\x00\tข\nค\tง\n".encode())
    doc = extract_txt(str(p))
    assert doc.blocks[1].line == 3 and doc.blocks[1].rows[0][0].text == "ก"
    assert "2 control characters (NUL) removed on line 3" in doc.warnings
