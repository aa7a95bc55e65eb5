"""Pure-speed changes to the PDF page model change no output: each fast path is checked
against the plain computation it replaced, on generated input."""
from hypothesis import given, settings, strategies as st

from extractors.pdf_chars import _starts, drop_doubled_clusters
from extractors.pdf_page import Ch

# few distinct entries, so that repeats are frequent; a symbol font's mapping may make an
# entry of two characters, which the substring search must not be fooled by
ENTRIES = st.sampled_from(["ช", "ว", "ั", "ี", "้", "ำ", "ชี"])


@settings(max_examples=500)
@given(st.lists(ENTRIES, max_size=30), st.lists(ENTRIES, min_size=2, max_size=4), st.integers(0, 30))
def test_cluster_search_finds_the_runs_a_plain_comparison_finds(texts, seq, back):
    """drop_doubled_clusters looks for the run ``seq`` among the last entries kept with one
    str.find over them joined; the plain way joins every run of len(seq) entries."""
    first = max(0, len(texts) - back)
    text, size = "".join(seq), len(seq)
    want = [j for j in range(first, len(texts) - size + 1) if "".join(texts[j:j + size]) == text]
    assert list(_starts("".join(texts[first:]), text, size, first, texts)) == want


def _cluster(text, x, top=100.0, space=False):
    return [Ch(c, x + 3 * k, top, x + 3 * k + 5, top + 16, space_before=space and k == 0, size=16.0)
            for k, c in enumerate(text)]


def test_a_cluster_read_twice_in_place_is_dropped_once():
    """Skia's "ขั้นขั้ ตอน": the repeat of ขั้ on top of the first goes; the same letters
    elsewhere on the line stay."""
    first, repeat, rest = _cluster("ขั้น", 0.0), _cluster("ขั้", 0.5), _cluster("ตอน", 14.0, space=True)
    far = _cluster("ขั้", 200.0)
    got = drop_doubled_clusters(first + repeat + rest + far)
    assert "".join(c.c for c in got) == "ขั้นตอนขั้"
    assert [c.idx for c in got] == list(range(len(got)))
    assert not got[4].space_before          # the white pdfium saw was after the repeat
