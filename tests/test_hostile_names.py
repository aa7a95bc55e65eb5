"""File names and folders that used to break an ingest: a name that is not valid UTF-8, names
with a newline or an ESC sequence (forged summary lines), linked folders and link loops.
Each test puts them beside good reports and checks that those are complete."""
import os

import duckdb
import pytest

from pipeline.cli import main
from pipeline.paths import display_path, path_bytes, quote_name
from tests.hostile import SEEDS, assert_good_complete, docs, good_reports, measures_of

TIS620_NAME = "รายงานผล ๒๕๖๔".encode("cp874") + b".txt"       # as an old Windows zip leaves it


def _ingest(capsys, *args):
    code = main(["ingest", *map(str, args), "--no-progress", "--no-dupes", "--workers", "2"])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name, shown", [
    (b"report.txt", "report.txt"),
    ("รายงาน.txt".encode(), "รายงาน.txt"),
    (b"\xc3\xd2\xc2\xa7\xd2\xb9.txt", "\\xc3\\xd2\u00a7\u04b9.txt"),      # cp874 "รายงาน": c2 a7, d2 b9 are UTF-8
    (b"mixed \xe0\xb8\x81\xff.txt", "mixed ก\\xff.txt"),
])
def test_display_path_escapes_only_undecodable_bytes(name, shown):
    path = os.fsdecode(name)
    assert display_path(path) == shown
    assert path_bytes(path) == (None if name == shown.encode() else name)


@pytest.mark.parametrize("name, quoted", [
    ("a.txt", "'a.txt'"),
    ("two\nlines.txt", "'two\\nlines.txt'"),
    ("\x1b[2J\x1b]0;pwned\x07.txt", "'\\x1b[2J\\x1b]0;pwned\\x07.txt'"),
    ("bidi\u202etxt.exe", "'bidi\\u202etxt.exe'"),
    ("tab\there", "'tab\\there'"),
    ("ไทย ๒๕๖๔.txt", "'ไทย ๒๕๖๔.txt'"),
])
def test_quote_name_escapes_control_characters(name, quoted):
    assert quote_name(name) == quoted


def test_a_non_utf8_name_is_stored_escaped_with_its_bytes_and_the_rest_is_complete(tmp_path, capsys):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    raw = os.fsencode(folder) + b"/" + TIS620_NAME
    with open(raw, "wb") as f:
        f.write(SEEDS[1].read_bytes() + "\nฉบับสำเนา\n".encode())
    with open(os.fsencode(folder) + b"/\xff\xfe empty.txt", "wb"):
        pass                                             # a bad file with a bad name: its FAILED line
    db = tmp_path / "ita.duckdb"
    code, out, err = _ingest(capsys, folder, "--db", db)
    assert code == 1 and "Traceback" not in err
    shown = display_path(os.fsdecode(TIS620_NAME))
    assert "\\x" in shown and shown.encode("utf-8")             # valid text, bytes shown escaped
    got = docs(db)
    assert got[shown][:3] == ("ok", None, measures_of(SEEDS[1]))
    assert "read as TIS-620 it is 'รายงานผล ๒๕๖๔.txt'" in got[shown][3][0]
    assert got["\\xff\\xfe empty.txt"][:2] == ("failed", "empty file")
    assert "FAILED '" + str(folder) + "/\\xff\\xfe empty.txt': empty file" in out
    assert_good_complete(db, expect)
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("select source_path, source_path_bytes from documents where source_path like ?",
                         [f"%{shown}"]).fetchone()
    plain = con.execute("select count(*) from documents where source_path_bytes is null").fetchone()[0]
    con.close()
    assert stored == (str(folder) + "/" + shown, raw)          # the raw bytes find the file again
    assert os.path.exists(stored[1]) and plain == len(expect)
    assert main(["show", os.fsdecode(raw), "--db", str(db)]) == 0             # found by its real name
    assert capsys.readouterr().out.startswith(f"{folder}/{shown}\n")
    # a re-run (with --prune) recognises the file by its stored name: nothing redone or pruned
    code, out, _ = _ingest(capsys, folder, "--db", db, "--prune")
    assert f"{len(expect) + 2} unchanged" in out and "pruned" not in out
    assert_good_complete(db, expect)


def test_newline_and_esc_in_names_cannot_forge_summary_lines(tmp_path, capsys):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    forged = "x.txt: empty file\n  FAILED fake"
    (folder / f"{forged}.txt").write_bytes(b"")
    (folder / "\x1b[2J\x1b]0;owned\x07\x1b[32mok.txt").write_bytes(b" \n")      # other bytes: not a duplicate
    db = tmp_path / "ita.duckdb"
    code, out, _ = _ingest(capsys, folder, "--db", db)
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out
    failed = [line for line in out.splitlines() if "FAILED" in line]
    assert len(failed) == 2                                     # one line per bad file, none forged
    assert all(line.startswith(f"  FAILED '{folder}/") for line in failed)
    assert f"  FAILED '{folder}/x.txt: empty file\\n  FAILED fake.txt': empty file" in failed
    assert f"  FAILED '{folder}/\\x1b[2J\\x1b]0;owned\\x07\\x1b[32mok.txt': empty file" in failed
    assert_good_complete(db, expect)


def test_linked_folders_are_followed_and_a_loop_is_skipped(tmp_path, capsys):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    share = tmp_path / "share" / "2567"
    share.mkdir(parents=True)
    (share / "linked report.txt").write_bytes(SEEDS[0].read_bytes() + b"\nlinked\n")
    (folder / "from the share").symlink_to(share, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)     # back to the top
    (share / "up").symlink_to(tmp_path / "share", target_is_directory=True)  # a loop inside the link
    (folder / "again").symlink_to(share, target_is_directory=True)     # the same folder twice
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    db = tmp_path / "ita.duckdb"
    code, out, err = _ingest(capsys, folder, "--db", db)
    assert code == 0, out + err
    got = docs(db)
    assert got["linked report.txt"][:3] == ("ok", None, measures_of(SEEDS[0]))
    assert len(got) == len(expect) + 1                          # each file once, however reached
    notes = [line for line in out.splitlines() if line.startswith("  NOTE ")]
    assert any("link loop" in n and "/loop'" in n for n in notes), out
    assert any("link loop" in n and "/up/2567'" in n for n in notes), out
    assert any("broken link" in n and "dangling.txt" in n for n in notes), out
    assert_good_complete(db, expect)
