"""Reading files: encodings, docx order and tables, subtitles, and refusing bad input."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from qualcode.errors import QualcodeError
from qualcode.text.prepare import read_document
from qualcode.text.readers import read_source

SV = "Moderator: Hur var det att delta i Balintgruppen?\nD1: Det var tryggt, t.ex. på torsdagar.\n"
ZH = "主持人：大家好，今天我们聊一聊巴林特小组。\n护士A：我觉得很有帮助。\n"
ZH_TRAD = "主持人：大家好，今天我們聊一聊巴林特小組。\n護士A：我覺得很有幫助。\n"


@pytest.mark.parametrize("text,encoding,expected", [
    (SV, "utf-8", "utf-8"),
    (SV, "utf-8-sig", "utf-8-sig"),
    (SV, "utf-16", "utf-16"),
    (SV, "cp1252", "cp1252"),
    (ZH, "gb18030", "gb18030"),
    (ZH_TRAD, "big5", "big5"),
    (ZH, "utf-16-le", "utf-16-le"),
])
def test_encodings_are_detected_and_named(tmp_path, text, encoding, expected):
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode(encoding))
    source = read_source(path)
    assert source.encoding == expected
    assert source.text.lstrip("\ufeff") == text


def test_docx_paragraphs_and_tables_in_body_order(tmp_path):
    d = docx.Document()
    d.add_paragraph("Fokusgrupp 2")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Datum", "2019-04-02"
    table.cell(1, 0).text, table.cell(1, 1).text = "Plats", "Lerum"
    d.add_paragraph("M: Välkomna.")
    d.add_paragraph("Läkare 1: Tack.")
    path = tmp_path / "fg.docx"
    d.save(path)
    assert read_source(path).text == "Fokusgrupp 2\nDatum\t2019-04-02\nPlats\tLerum\nM: Välkomna.\nLäkare 1: Tack."


VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Anna>Jag börjar.</v>

2
00:00:04.500 --> 00:00:07.000
<v Anna>Det var bra.

3
00:00:08.000 --> 00:00:10.000
Erik: Jag höll med.

4
00:01:00.000 --> 00:01:02.500
<v Anna>Till sist.
"""


def test_vtt_cues_become_turns_with_times(tmp_path):
    path = tmp_path / "fg.vtt"
    path.write_text(VTT, encoding="utf-8")
    doc = read_document(path)
    assert doc.text == "Anna: Jag börjar. Det var bra.\nErik: Jag höll med.\nAnna: Till sist."
    assert [(t.speaker, doc.text[t.start:t.end], t.time_start, t.time_end) for t in doc.turns] == [
        ("Anna", "Jag börjar. Det var bra.", 1.0, 7.0),
        ("Erik", "Jag höll med.", 8.0, 10.0),
        ("Anna", "Till sist.", 60.0, 62.5),
    ]


def test_srt_with_name_prefixes(tmp_path):
    path = tmp_path / "fg.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\n主持人：大家好。\n\n"
                    "2\n00:00:03,000 --> 00:00:05,000\n护士A：你好。\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.text == "主持人：大家好。\n护士A：你好。"
    assert [(t.speaker, t.time_start) for t in doc.turns] == [("主持人", 1.0), ("护士A", 3.0)]


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "empty file"),
    ("image.txt", bytes(range(256)) * 20, "binary file"),
    ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ("broken.docx", b"PK\x03\x04 this is not a zip", "not a valid .docx file"),
    ("broken.vtt", b"no header here\n", "not a WebVTT file"),
])
def test_bad_files_raise_one_clear_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(QualcodeError) as info:
        read_source(path)
    assert message in info.value.message
    assert info.value.item == str(path)


def test_docx_without_word_document_part(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    path = tmp_path / "fake.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(QualcodeError, match="not a valid .docx file"):
        read_source(path)


def test_missing_file(tmp_path):
    with pytest.raises(QualcodeError, match="file not found"):
        read_source(tmp_path / "nope.txt")


def test_a_transcript_kept_in_a_word_table_gets_its_turns(tmp_path):
    d = docx.Document()
    d.add_paragraph("Fokusgrupp 5")
    meta = d.add_table(rows=3, cols=2)
    expected = [("Datum", "2020-01-15"), ("Plats", "Umeå"), ("Deltagare", "4 läkare")]
    for row, (k, v) in zip(meta.rows, expected, strict=True):
        row.cells[0].text, row.cells[1].text = k, v
    table = d.add_table(rows=7, cols=3)
    rows = [("Tid", "Talare", "Text"), ("00:01:10", "Moderator", "Hur var det?"), ("00:01:15", "Lena", "Tryggt."),
            ("", "", "Verkligen."), ("00:02:00", "Moderator", "Och sen?"), ("", "Lena", "Bra."),
            ("00:02:30", "护士A", "很好。")]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "fg5.docx"
    d.save(path)
    doc = read_document(path)
    assert doc.text.split("\n") == [
        "Fokusgrupp 5", "Datum\t2020-01-15", "Plats\tUmeå", "Deltagare\t4 läkare",
        "[00:01:10] Moderator: Hur var det?", "[00:01:15] Lena: Tryggt. Verkligen.",
        "[00:02:00] Moderator: Och sen?", "Lena: Bra.", "[00:02:30] 护士A：很好。"]
    assert [(t.speaker, doc.text[t.start:t.end], t.time_start) for t in doc.turns] == [
        ("Moderator", "Hur var det?", 70.0), ("Lena", "Tryggt. Verkligen.", 75.0),
        ("Moderator", "Och sen?", 120.0), ("Lena", "Bra.", None), ("护士A", "很好。", 150.0)]


def test_vtt_escapes_and_srt_styling_and_ascii_utf16_without_bom(tmp_path):
    vtt = tmp_path / "a.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start\n<v Anna>Hej &amp; välkommen &lt;3\n\n"
                   "00:00:03.000 --> 00:00:04.000\n<v Bo>Tack.\n", encoding="utf-8")
    assert read_document(vtt).text == "Anna: Hej & välkommen <3\nBo: Tack."
    srt = tmp_path / "a.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Anna:</i> Hej.\n\n"
                   "2\n00:00:03,000 --> 00:00:04,000\nBo: Tja.\n", encoding="utf-8")
    doc = read_document(srt)
    assert doc.text == "Anna: Hej.\nBo: Tja." and [t.speaker for t in doc.turns] == ["Anna", "Bo"]
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes("Moderator: Hello.\nP1: Fine, thanks.\n".encode(encoding))
        source = read_source(path)
        assert (source.text, source.encoding) == ("Moderator: Hello.\nP1: Fine, thanks.\n", encoding)
