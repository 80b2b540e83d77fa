"""Theme summaries: exact counts, quotes safe to publish, and the four file formats."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import defaultdict

import docx
import openpyxl
import pytest

from qualcode.cli import main
from qualcode.model import Code, Segment, Theme
from qualcode.project import Project
from qualcode.reports.summary import DocInput, PersonInput, SummaryInput, summarize
from qualcode.reports.themes_tables import cell
from qualcode.text.outward import Outward

TEXT = ("Moderator: Hur var det?\n"
        "Anna: Det var tryggt. Jag kunde prata om Erik utan oro. Ingen skvallrade.\n"
        "Bo: Jag höll med Anna. Det var tryggt.\n"
        "Anna: Tiden var ett problem. Det var på kvällarna.\n")


def _input() -> SummaryInput:
    def span(s: str, nth: int = 0) -> tuple[int, int]:
        i = -1
        for _ in range(nth + 1):
            i = TEXT.index(s, i + 1)
        return i, i + len(s)

    sentences = []
    turns = []
    for line_start, line in zip([0] + [m.end() for m in re.finditer("\n", TEXT)][:-1], TEXT.splitlines(), strict=True):
        label, speech = line.split(": ", 1)
        start = line_start + len(label) + 2
        turns.append((start, start + len(speech), {"Moderator": "M1", "Anna": "P1", "Bo": "P2"}[label]))
        for m in re.finditer(r"[^.?]+[.?]", speech):
            a = start + m.start() + (len(m.group()) - len(m.group().lstrip()))
            sentences.append((a, start + m.end()))
    doc = DocInput(1, "fg", "GP A", 1, TEXT, sentences, turns)
    safe = Code(1, "u1", "Trygghet", None, 1, "#4E79A7", labels={"en": "Safety"}, brief={"en": "Feeling safe."})
    time = Code(2, "u2", "Tid", None, 2, "#F28E2B", labels={"en": "Time"})
    theme = Theme(1, "t1", "Trygghet och tid", 1, labels={"en": "Safety and time"},
                  definition={"en": "Both."}, code_ids=[1, 2])

    def seg(i, code, quote, nth=0, coder="a", exemplar=False, translation=None):
        a, b = span(quote, nth)
        return Segment(i, f"s{i}", 1, "fg", code, ["", "Trygghet", "Tid"][code], coder, a, b, TEXT[a:b],
                       exemplar=exemplar, translation=translation)

    segments = [
        seg(1, 1, "Det var tryggt.", 0, exemplar=True, translation="It felt safe."),
        seg(2, 1, "Det var tryggt.", 0, coder="b"),  # same span, other coder: counts once
        seg(3, 1, "Det var tryggt.", 1),  # Bo says the same: a near-duplicate quote
        seg(4, 1, "Jag kunde prata om Erik"),  # part of a sentence: quoted whole
        seg(5, 2, "Tiden var ett problem."),
    ]
    people = {"M1": PersonInput("M1", "Moderator", "GP A", ["Moderator"]),
              "P1": PersonInput("P1", "P1", "GP A", ["Anna"]),
              "P2": PersonInput("P2", "P2", "GP B", ["Bo"], names=["Bo Ek"])}
    return SummaryInput("Studie", [doc], people, [safe, time], [theme], segments, ["a", "b"])


REDACTED = Outward(["Erik"], "en")  # what `qualcode redact Erik` makes of every export


def test_summary_counts_and_quotes_by_hand():
    s = REDACTED(summarize(_input(), "en", quotes=5))
    (theme,) = s.themes
    assert (theme.name, theme.definition) == ("Safety and time", "Both.")
    assert theme.codes == [("Safety", "Feeling safe", "#4E79A7"), ("Time", "", "#F28E2B")]
    # segments: 1 (and its twin by b), 3, 4, 5 -> four distinct spans; people: Anna (P1), Bo (P2)
    assert (theme.segments, theme.participants, theme.documents) == (4, 2, 1)
    assert theme.per_group == {"GP A": {"segments": 3, "participants": 1}, "GP B": {"segments": 1, "participants": 1}}
    texts = [q.text for q in theme.quotes]
    assert texts[0] == "Det var tryggt." and theme.quotes[0].exemplar
    assert theme.quotes[0].translation == "It felt safe."
    assert theme.quotes[0].attribution == "(GP A group, P1)"
    # Bo's identical sentence is a near-duplicate: left out; the partial segment is quoted whole,
    # with the redacted name replaced
    assert "Jag kunde prata om [name] utan oro." in texts
    assert "Tiden var ett problem." in texts
    assert not any("Det var tryggt." == t for t in texts[1:])
    assert s.participants == 2 and s.moderators == 1 and s.groups == ["GP A", "GP B"]
    assert s.saturation == [("fg", 2, 2)]
    assert s.frequencies == [("Safety", {"GP A": 2, "GP B": 1}), ("Time", {"GP A": 1})]


def test_quote_limit_groups_filter_and_no_translation():
    s = summarize(_input(), "en", quotes=1, groups=["GP B"], translation=False)
    (theme,) = s.themes
    assert theme.segments == 1 and [q.attribution for q in theme.quotes] == ["(GP B group, P2)"]
    s = summarize(_input(), "sv", quotes=1, translation=False)
    assert s.themes[0].quotes[0].translation is None
    assert s.themes[0].quotes[0].attribution == "(grupp GP A, P1)"


def test_speaker_labels_and_names_become_pseudonyms():
    inp = _input()
    inp.segments.append(Segment(9, "s9", 1, "fg", 1, "Trygghet", "a", TEXT.index("Jag höll med Anna."),
                                TEXT.index("Jag höll med Anna.") + 18, ""))
    s = REDACTED(summarize(inp, "en", quotes=10))
    texts = " ".join(q.text for q in s.themes[0].quotes)
    assert "Jag höll med P1." in texts and "Anna" not in texts and "Erik" not in texts


def test_cells_are_neutralised():
    assert [cell(v) for v in ("=1+1", "+46 70", "-- hej", "@x", "ok", 3, None, "a\x07b")] == [
        "'=1+1", "'+46 70", "'-- hej", "'@x", "ok", 3, None, "ab"]


@pytest.fixture
def exported(demo_path, tmp_path):
    with Project(demo_path) as p:
        p.reports.add_redaction("Kungsbacka")
        names = {"Anna", "Erik", "Karin", "Johan", "Kungsbacka"}
        paths = {fmt: p.reports.export_themes(tmp_path / f"themes.{fmt}", "sv", quotes=4)
                 for fmt in ("docx", "md", "csv", "xlsx")}
        summary = p.reports.theme_summary("sv", quotes=4)
    return demo_path, paths, summary, names


def test_docx_counts_match_segments_json_aggregated_independently(exported, capsys):
    path, paths, summary, _ = exported
    assert main(["-p", str(path), "segments", "--json"]) == 0
    segments = json.loads(capsys.readouterr().out)
    assert main(["-p", str(path), "theme", "show", "--json"]) == 0
    themes = json.loads(capsys.readouterr().out)
    with Project(path) as p:
        labels = {c.name: c.label("sv") for c in p.codebook.codes()}
        theme_labels = {t.name: t.label("sv") for t in p.codebook.themes()}
    # the summary counts the consensus coder if there is one, else everyone, each span once
    spans = defaultdict(set)
    for t in themes:
        for s in segments:
            if s["code"] in t["codes"]:
                spans[theme_labels[t["name"]]].add((s["doc"], s["start"], s["end"]))
    document = docx.Document(str(paths["docx"]))
    overview = document.tables[0]
    rows = {r.cells[0].text: r.cells for r in overview.rows[1:]}
    assert set(rows) == set(spans)
    for name, cells in rows.items():
        assert int(cells[2].text) == len(spans[name]), name
        theme = next(t for t in themes if theme_labels[t["name"]] == name)
        assert cells[1].text == "; ".join(labels[c] for c in theme["codes"])


def test_docx_quotes_are_exact_substrings_fonts_and_no_redacted_name(exported):
    path, paths, summary, names = exported
    with Project(path) as p:
        texts = {d.name: p.documents.get(d.id).text for d in p.documents.list()}
    for theme in summary.themes:
        for q in theme.quotes:
            original = texts[q.document][q.start:q.end]
            if not any(re.search(rf"(?<!\w){n}(?!\w)", original) for n in names):
                assert q.text == original  # an exact substring of its document
            assert q.text in " ".join(p.text for p in docx.Document(str(paths["docx"])).paragraphs)
    xml = zipfile.ZipFile(paths["docx"]).read("word/document.xml").decode("utf-8")
    styles = zipfile.ZipFile(paths["docx"]).read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="SimSun"' in styles and 'w:eastAsia="SimSun"' in xml
    for fmt, file in paths.items():
        blob = file.read_bytes() if fmt in ("md", "csv") else b"".join(
            zipfile.ZipFile(file).read(n) for n in zipfile.ZipFile(file).namelist())
        content = blob.decode("utf-8", "ignore")
        for name in names:
            assert not re.search(rf"(?<![\w]){name}(?![\w])", content), (fmt, name)
    assert b"PAGE" in zipfile.ZipFile(paths["docx"]).read("word/footer1.xml")


def test_csv_xlsx_md_hold_the_same_quotes(exported):
    _, paths, summary, _ = exported
    quotes = [q.text for t in summary.themes for q in t.quotes]
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8-sig"))))
    assert [r["quote"].removeprefix("'") for r in rows if r["table"] == "quote"] == quotes
    assert {r["table"] for r in rows} == {"theme", "theme_group", "quote", "frequency", "saturation"}
    assert "xl/charts/chart1.xml" in zipfile.ZipFile(paths["xlsx"]).namelist()  # the saturation curve
    book = openpyxl.load_workbook(paths["xlsx"])
    assert book.sheetnames == ["Översikt över teman", "Per grupp", "Citat", "Kodfrekvenser per grupp", "Mättnad"]
    sheet = book["Citat"]
    assert [str(r[2]).removeprefix("'") for r in sheet.iter_rows(min_row=2, values_only=True)] == quotes
    md = paths["md"].read_text(encoding="utf-8")
    assert all(q.replace("|", "\\|") in md for q in quotes)


def test_export_writes_atomically_and_bad_format_changes_nothing(demo_path, tmp_path, capsys):
    out = tmp_path / "t.docx"
    assert main(["-p", str(demo_path), "export", "themes", str(out), "--lang", "zh"]) == 0
    assert out.exists() and not list(tmp_path.glob(".t.docx.*"))
    assert main(["-p", str(demo_path), "export", "themes", str(tmp_path / "t.pdf")]) == 2
    assert not (tmp_path / "t.pdf").exists()


def test_method_paragraph_reports_agreement_of_the_coauthors(demo_path):
    from qualcode.reports.words import method_text

    with Project(demo_path) as p:
        summary = p.reports.theme_summary("en")
        expected = p.team.agreement([c for c in p.coding.coders() if c != p.settings.consensus_coder])
    text = method_text(summary)
    assert f"Krippendorff's α = {expected['overall']['alpha']:.2f}" in text
    assert "over 3 transcripts" in text and "coded by 3 coders (demo, karin, li)" in text


def test_names_do_not_leak_next_to_chinese_in_genitive_or_other_forms():
    import unicodedata

    from qualcode.reports.summary import _pseudonyms

    people = {"P12": PersonInput("P12", None, None, ["Erik"]), "P11": PersonInput("P11", None, None, ["Anna"]),
              "P1": PersonInput("P1", None, None, [], names=[unicodedata.normalize("NFD", "Jönsson")]),
              "N01": PersonInput("N01", None, None, ["护士A"])}
    pseudonyms = _pseudonyms(SummaryInput(None, [], people, [], [], [], []), "en")
    redact = lambda text: Outward(["Kungsbacka"], "en").text(pseudonyms(text))  # noqa: E731
    assert redact("Jag tänker på Eriks patient. ANNA kom, Annas mamma också.") == \
        "Jag tänker på P12:s patient. P11 kom, P11:s mamma också."
    assert redact("Vi pratade med Kungsbackas vårdcentral.") == "Vi pratade med [name]:s vårdcentral."
    assert redact("我跟Anna说过。对，Anna的意见很好。护士A说得对") == "我跟P11说过。对，P11的意见很好。N01说得对"
    assert redact(unicodedata.normalize("NFC", "Jönsson sa")) == "P1 sa"
    assert redact("Annan sak, Annika och Erika, Eriksson.") == "Annan sak, Annika och Erika, Eriksson."


def test_generic_role_labels_are_not_substituted_and_groups_add_up():
    inp = _input()
    inp.people["P2"].labels.append("Patient")  # a participant labelled by a common word
    at = TEXT.index("Hur var det?")
    inp.segments.append(Segment(9, "s9", 1, "fg", 2, "Tid", "a", at, at + 12, ""))  # the moderator's words
    s = summarize(inp, "en", quotes=10)
    theme = s.themes[0]
    assert sum(g["segments"] for g in theme.per_group.values()) == theme.segments
    assert all("Hur var det?" not in q.text for q in theme.quotes)  # moderators are not quoted
    assert theme.participants == 2


def test_agreement_table_in_word_breaks_no_word(demo_path):
    """Equal columns broke code names and headers inside words ('tillgängli|ghet', 'agreem|ent'):
    each column is at least as wide as its longest word, and the table fits the page."""
    import docx
    from docx.shared import Cm

    from qualcode.reports.agreement_table import agreement_docx, agreement_tables
    from qualcode.reports.queries_docx import CM_PER_CELL_PT, PADDING_CM

    with Project(demo_path) as p:
        tables = agreement_tables(p.team.agreement(["karin", "li"]))
    document = docx.Document(io.BytesIO(agreement_docx(tables)))
    section = document.sections[0]
    room = (section.page_width - section.left_margin - section.right_margin) / Cm(1)
    for table in document.tables:
        widths = [cell.width / Cm(1) for cell in table.rows[0].cells]
        assert sum(widths) <= room + 0.01
        runs = [r for row in table.rows for cell in row.cells for r in cell.paragraphs[0].runs]
        size = runs[0].font.size.pt if runs[0].font.size else 10.5
        for c, width in enumerate(widths):
            # a header's words are bold: a tenth wider
            longest = max((1.1 if r == 0 else 1.0) * len(word)
                          for r, row in enumerate(table.rows) for word in row.cells[c].text.split())
            assert width >= longest * CM_PER_CELL_PT * size + PADDING_CM - 0.01, (table.rows[0].cells[c].text, width)


def test_excel_columns_are_as_wide_as_their_names(exported):
    """Every column of the theme workbook was 16 characters wide: theme and code names were cut
    at the next column ('Trygghet och sekr'). A column is as wide as its widest value (up to 50)."""
    from qualcode.text.width import display_width

    _, paths, _, _ = exported
    book = openpyxl.load_workbook(paths["xlsx"])
    checked = 0
    for sheet in book:
        for column in sheet.iter_cols(min_row=1):
            if sheet.column_dimensions[column[0].column_letter].width >= 60:  # long texts wrap
                continue
            widest = max(display_width(str(c.value)) for c in column if c.value is not None)
            assert sheet.column_dimensions[column[0].column_letter].width >= min(widest, 50), (
                sheet.title, column[0].value)
            checked += 1
    assert checked >= 10


def test_table_rows_built_as_xml_equal_python_docxs():
    """add_rows builds a table's rows as XML directly; they are the rows python-docx makes."""
    from docx import Document
    from docx.shared import Cm
    from lxml import etree

    from qualcode.reports.docx_common import add_rows, add_run

    values = [["t0003_zh", 5, None], ["访谈 甲", 0, " lead"], ["trail ", "a\tb", "x\ny"], ["", "Ünïcode\x07", 12]]
    widths = [Cm(9.0), Cm(4.0), Cm(2.5)]
    slow, fast = Document().add_table(rows=0, cols=3), Document().add_table(rows=0, cols=3)
    for row in values:
        for slot, value, width in zip(slow.add_row().cells, row, widths, strict=True):
            add_run(slot.paragraphs[0], "" if value is None else str(value))
            slot.width = width
    add_rows(fast, values, widths)
    xml = lambda table: [etree.tostring(tr) for tr in table._tbl.tr_lst]  # noqa: E731
    assert xml(fast) == xml(slow)
