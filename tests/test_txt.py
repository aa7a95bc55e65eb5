"""TXT reports: encodings and the split into paragraphs and tables."""
import codecs
import random

import pytest

from extractors.txt import UNDECODABLE, decode_text, split_blocks
from pipeline.records import ExtractionError, Paragraph, Table

SAMPLE = "มาตรการส่งเสริมคุณธรรม ประจำปีงบประมาณ พ.ศ. ๒๕๖๘\nมาตรการ\tผู้รับผิดชอบ\n"


@pytest.mark.parametrize("data, encoding", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("utf-16"), "utf-16"),                       # with BOM
    (SAMPLE.encode("utf-16-le"), "utf-16-le"),                 # no BOM, many NULs
    (SAMPLE.encode("tis-620"), "cp874"),
    (SAMPLE.encode("cp874"), "cp874"),
])
def test_decodes_every_supported_encoding(data, encoding):
    text, enc = decode_text(data)
    assert text.lstrip("\ufeff") == SAMPLE and enc == encoding


def test_random_bytes_are_undecodable():
    with pytest.raises(ExtractionError, match="undecodable text"):
        decode_text(random.Random(0).randbytes(4000))
    assert "TIS-620" in UNDECODABLE


def test_split_blocks_keeps_order_and_line_numbers():
    blocks = split_blocks("หัวเรื่อง\nบรรทัดสอง\n\nก\tข\nค\tง\n\nท้าย\n")
    assert [type(b) for b in blocks] == [Paragraph, Table, Paragraph]
    assert blocks[0].text == "หัวเรื่อง\nบรรทัดสอง" and blocks[0].line == 1
    assert blocks[1].line == 4 and [[c.text for c in r] for r in blocks[1].rows] == [["ก", "ข"], ["ค", "ง"]]
    assert blocks[2].line == 7
