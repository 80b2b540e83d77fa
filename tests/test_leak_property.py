"""The leak property: whatever forms the names take, no export holds any form of any of them.

Generated studies embed redacted names in every form the redaction knows (text/redact.py:
case, full-width and decomposed letters, ligatures, white space runs and tabs, soft hyphens
and other invisible characters, line breaks with and without hyphens, Swedish compounds and
genitives, Chinese names spread over spaces and lines) — in speech, speaker labels
("Åsa:"), document names, group names, code and theme labels, definitions, examples,
translations, real-name attributes, coder names and the title. Every export is rendered
and its text extracted (export_text.py), then searched plainly with `find_leaks`.

Two levels, to stay fast: many studies at the level of the data the exports are rendered
from (the summary, the agreement tables, the codebook: every renderer, no project), and a few
through the real import into a project, every export written to disk — .qdpx --redact too,
which must still validate and re-import with every coded span on the same words.
"""

from __future__ import annotations

import functools
import re
import tempfile
import uuid
from pathlib import Path

from hostile.export_text import export_texts
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_redact import NAMES_SV, NAMES_ZH, WORDS_SV, WORDS_ZH, _han, han_form, latin_form

from qualcode.analysis.agreement import CodedSpan, DocumentCoding, compute_agreement
from qualcode.codebook import Codebook, CodeEntry, ThemeEntry
from qualcode.exchange.qdc import qdc_bytes
from qualcode.model import Code, Segment, Theme
from qualcode.project import Project
from qualcode.reports import themes_docx, themes_tables
from qualcode.reports.agreement_table import agreement_csv, agreement_docx, agreement_tables
from qualcode.reports.codebook_docx import codebook_docx_bytes
from qualcode.reports.summary import DocInput, PersonInput, SummaryInput, summarize
from qualcode.text.outward import Outward
from qualcode.text.redact import find_leaks, fold, name_forms


def form(draw, name: str) -> str:
    return draw(han_form(name) if _han(name) else latin_form(name))


def one_line(draw, name: str) -> str:
    """A form of `name` as a name may hold it (one line: labels, file names, groups)."""
    text = form(draw, name)
    return re.sub(r"\s+", draw(st.sampled_from([" ", "_", "", "-"])), text).strip("_- ") or name


@st.composite
def studies(draw):
    names = draw(st.lists(st.sampled_from(NAMES_SV + NAMES_ZH), min_size=1, max_size=3, unique=True))
    pick = lambda: draw(st.sampled_from(names))  # noqa: E731
    words = WORDS_ZH if all(_han(n) for n in names) else WORDS_SV

    def speech() -> str:
        pieces = []
        for _ in range(draw(st.integers(1, 3))):
            pieces += draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
            pieces.append(form(draw, pick()))
        return "ja " + " ".join(pieces) + " ."

    labels = sorted({one_line(draw, pick().split(" ")[0]) for _ in range(draw(st.integers(1, 2)))}) + ["D1"]
    docs, people = [], {}
    for doc_id in (1, 2)[: draw(st.integers(1, 2))]:
        name = draw(st.sampled_from(["intervju_", "fokusgrupp ", ""])) + one_line(draw, pick()) + f"_{doc_id}"
        group = draw(st.sampled_from(["GP A", one_line(draw, pick())]))
        text, turns, sentences = "", [], []
        for label in ["Moderator", *draw(st.lists(st.sampled_from(labels), min_size=1, max_size=4))]:
            key = f"{name}/{label}"
            real = [one_line(draw, pick())] if draw(st.booleans()) else []
            people.setdefault(key, PersonInput(key, draw(st.sampled_from([None, "P7"])), group, [label], real))
            text += f"{label}: "
            start = len(text)
            text += speech()
            turns.append((start, len(text), key))
            sentences.append((start, len(text)))
            text += "\n\n"
        docs.append(DocInput(doc_id, name, group, doc_id, text, sentences, turns))
    codes = [Code(1, str(uuid.uuid4()), one_line(draw, pick()) + " möte", None, 1, "#4E79A7",
                  labels={"sv": "Möte med " + one_line(draw, pick())}, brief={"sv": form(draw, pick())},
                  example={"sv": "Som när " + form(draw, pick()) + " sa ja."}),
             Code(2, str(uuid.uuid4()), "Tid", None, 2, None, definition={"sv": form(draw, pick())})]
    theme = Theme(1, str(uuid.uuid4()), "Tema " + one_line(draw, pick()), 1,
                  definition={"sv": "Om " + form(draw, pick())}, code_ids=[1, 2])
    coders = ["anna", draw(st.sampled_from(["li", one_line(draw, pick())]))]
    if coders[1] == coders[0]:
        coders[1] = "li"
    segments = []
    for doc in docs:
        for start, end, _ in doc.turns:
            for coder in coders:
                a = draw(st.integers(start, end - 1)) if coder != coders[0] else start
                segments.append(Segment(len(segments) + 1, f"s{len(segments)}", doc.id, doc.name,
                                        draw(st.sampled_from([1, 2])), "", coder, a, end, doc.text[a:end],
                                        exemplar=draw(st.booleans()),
                                        translation=draw(st.sampled_from([None, "I met " + form(draw, pick())]))))
    title = draw(st.sampled_from([None, "Studie i " + form(draw, pick())]))
    real_names = sorted({n for p in people.values() for n in p.names})
    return names + real_names, SummaryInput(title, docs, people, codes, [theme], segments, coders)


def agreement_of(inp: SummaryInput) -> dict:
    coding = [DocumentCoding(d.name, d.text, d.sentences,
                             [CodedSpan(s.coder, str(s.code_id), s.start, s.end) for s in inp.segments
                              if s.doc_id == d.id]) for d in inp.documents]
    return compute_agreement(coding, inp.coders, "sentence").to_json()


def codebook_of(inp: SummaryInput, lang: str) -> Codebook:
    fields = ("brief", "definition", "example")
    return Codebook(title=inp.title, languages=[lang, "sv"], default_language="sv",
                    codes=[CodeEntry(c.name, c.uid, labels=c.labels, color=c.color,
                                     texts={f: getattr(c, f) for f in fields if getattr(c, f)}) for c in inp.codes],
                    themes=[ThemeEntry(t.name, t.uid, t.labels, t.definition, [c.name for c in inp.codes])
                            for t in inp.themes])


def _own_words() -> list[str]:
    """The program's own words in the exports (headings, the method paragraph around its
    numbers), longest first: Swedish "Per grupp" says "by group", it names no Per."""
    from qualcode.reports.codebook_docx import HEADINGS
    from qualcode.reports.words import WORDS

    fragments = {f.strip() for table in [*WORDS.values(), *HEADINGS.values()] for value in table.values()
                 for f in re.split(r"\{[^}]*\}", value) if len(f.strip()) >= 3}
    return sorted(fragments, key=len, reverse=True)


OWN_WORDS = _own_words()


def data_of(text: str) -> str:
    """What of an export's text came from the data: the program's own words taken out."""
    for fragment in OWN_WORDS:
        text = text.replace(fragment, " | ")
    return text


@functools.lru_cache(maxsize=100_000)
def _letters(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalpha())


def leaks_in(files: dict[str, bytes], names: list[str]) -> dict[str, list]:
    """`find_leaks` over every text; a text whose letters do not hold a name's letters in a row
    cannot hold the name (a quick test first: a .docx has thousands of style attributes)."""
    forms = [_letters(f) for f in name_forms(names)]
    found: dict[str, list] = {}
    for what, data in files.items():
        for text in set(export_texts(data, Path(what).suffix)):
            letters = _letters(text)
            if not any(f in letters for f in forms):
                continue
            if hits := find_leaks(data_of(text), names):
                found.setdefault(what, []).append((text[:160], hits))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(study=studies(), lang=st.sampled_from(["sv", "zh", "en"]))
def test_no_export_holds_a_name_whatever_its_form(study, lang):
    names, inp = study
    inp.agreement = report = agreement_of(inp)
    outward = Outward(names, lang)
    summary = outward(summarize(inp, lang, quotes=6))
    tables = outward(agreement_tables(report))
    book = outward(codebook_of(inp, lang))
    files = {"themes.docx": themes_docx.render(summary), "themes.md": themes_tables.markdown(summary),
             "themes.csv": themes_tables.csv_bytes(summary), "themes.xlsx": themes_tables.xlsx_bytes(summary),
             "agreement.csv": agreement_csv(tables), "agreement.docx": agreement_docx(tables),
             "codebook.docx": codebook_docx_bytes(book, lang), "codebook.qdc": qdc_bytes(book)}
    assert leaks_in(files, names) == {}
    # the quotes are there, each holding the placeholder, or the pseudonym of the person named
    quoted = [q for t in summary.themes for q in t.quotes]
    aliases = {outward.text(p.pseudonym or p.key) for p in inp.people.values()}
    assert quoted and all(outward.placeholder in q.text or any(a in q.text for a in aliases) for q in quoted)


# --- through the real import ------------------------------------------------------------------

@st.composite
def transcripts(draw):
    """A transcript file (its name holding a name) with speaker labels that are names."""
    names = draw(st.lists(st.sampled_from(NAMES_SV + NAMES_ZH), min_size=1, max_size=3, unique=True))
    pick = lambda: draw(st.sampled_from(names))  # noqa: E731
    zh = all(_han(n) for n in names)
    colon = "：" if zh else ": "
    labels = [draw(st.sampled_from([n.split(" ")[0] for n in names if not _han(n)] or names)), "Moderator"]
    lines = []
    for k in range(6):
        words = draw(st.lists(st.sampled_from(WORDS_ZH if zh else WORDS_SV[:12]), min_size=1, max_size=4))
        lines.append(f"{labels[k % 2]}{colon}" + " ".join(["ja", *words, form(draw, pick()), "."]))
    file_name = "intervju_" + re.sub(r"[\s/]+", "_", one_line(draw, pick())) + ".txt"
    return names, file_name, "\n\n".join(lines) + "\n", "zh" if zh else "sv"


IMPORTS = settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))


@IMPORTS
@given(case=transcripts())
@example(case=(["Kungsbacka"], "intervju_Kungsbacka.txt",
               "Kungsbacka: ja jag Kungsbacka .\n\nModerator: ja jag Kungsbacka .\n\n"
               "Kungsbacka: ja jag Kungsbacka .\n\nModerator: ja jag Kungsbacka .\n\n"
               "Kungsbacka: ja jag K\xadUNGSBA-\nCKA2: .\n\n"
               "Moderator: ja jag Kungsbacka .\n", "sv"))
def test_real_imports_export_nothing_of_a_name_and_the_qdpx_keeps_its_spans(case):
    names, file_name, text, lang = case
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / file_name).write_text(text, encoding="utf-8")
        (folder / "book.yaml").write_text(
            f"codes:\n  - name: Trygghet\n    example: {{sv: 'Som när {names[0]} sa ja.'}}\n  - name: Tid\n"
            "themes:\n  - name: Trygghet och tid\n    codes: [Trygghet, Tid]\n", encoding="utf-8")
        with Project(folder / "p.qualcode", create=True) as p:
            p.documents.import_files([folder / file_name], lang=lang, actor="anna")
            p.codebook.load(folder / "book.yaml", actor="anna")
            for name in names:
                p.reports.add_redaction(name, actor="anna")
            (doc,) = p.documents.list()
            turns = p.documents.units(doc.id, "turn")
            assert turns, text
            for i, turn in enumerate(turns):
                p.coding.add_segment(doc.id, "Trygghet", turn.start, turn.end, coder="anna")
                # a name broken over lines can make a one-character turn ('CKA2: .'): never past its end
                p.coding.add_segment(doc.id, "Tid" if i % 2 else "Trygghet", min(turn.start + i % 3, turn.end - 1),
                                     turn.end, coder="li", translation=f"As {names[-1]} said")
            written = {
                **{f"themes{s}": p.reports.export_themes(folder / f"themes{s}", lang) for s in
                   (".docx", ".md", ".csv", ".xlsx")},
                **{f"codebook{s}": p.codebook.export(folder / f"codebook{s}", lang) for s in (".docx", ".qdc")},
                **{f"agreement{s}": p.reports.export_agreement(p.team.agreement(["anna", "li"]),
                                                               folder / f"agreement{s}") for s in (".csv", ".docx")},
            }
            p.exchange.export_qdpx(folder / "r.qdpx", redact=True, lang=lang)
            written["r.qdpx"] = folder / "r.qdpx"
            assert p.exchange.validate(folder / "r.qdpx").startswith("valid")
            stored = p.documents.get(doc.id).text
            segments = p.coding.segments()
            outward = p.reports.outward(lang)
        assert leaks_in({what: Path(path).read_bytes() for what, path in written.items()}, names) == {}
        # re-imported, every coded span covers the same words: the redacted form of what it covered
        redacted, moved = outward.with_map(stored)
        with Project(folder / "back.qualcode", create=True) as back:
            back.exchange.import_qdpx(folder / "r.qdpx", actor="anna")
            (again,) = back.documents.list()
            assert back.documents.get(again.id).text == redacted
            found = sorted((s.uid, s.start, s.end) for s in back.coding.segments())
        assert found == sorted((s.uid, *moved.span(s.start, s.end)) for s in segments)
        for s in segments:
            if not outward.redactor.spans(stored[s.start:s.end]) and not any(
                    r.start < s.end and s.start < r.end for r in moved.replacements):
                a, b = moved.span(s.start, s.end)
                assert redacted[a:b] == stored[s.start:s.end]  # untouched by any name: the very same words


def test_a_theme_named_with_a_hyphenated_chinese_name_leaves_it_out_of_every_theme_export(tmp_path):
    """Once found by the property above: the theme 'Tema 王-芳' with 王芳 redacted. A Word or Excel
    line may wrap at the hyphen ('王-' / '芳'), so the hyphen is no disguise: the name goes."""
    (tmp_path / "fg.txt").write_text("主持人：你好。\n\n护士A：王芳说她很累。\n", encoding="utf-8")
    with Project(tmp_path / "p.qualcode", create=True) as p:
        p.documents.import_files([tmp_path / "fg.txt"], lang="zh", actor="anna")
        p.codebook.add_code("Trötthet", actor="anna")
        p.codebook.add_theme("Tema 王-芳", ["Trötthet"], actor="anna")
        (turn,) = [u for u in p.documents.units("fg", "turn") if u.speaker == "护士A"]
        p.coding.add_segment("fg", "Trötthet", turn.start, turn.end, coder="anna")
        p.reports.add_redaction("王芳", actor="anna")
        written = {f"themes{s}": p.reports.export_themes(tmp_path / f"themes{s}", "zh").read_bytes()
                   for s in (".docx", ".md", ".csv", ".xlsx")}
    for what, data in written.items():
        text = "\n".join(export_texts(data, Path(what).suffix))
        assert "Tema [姓名]" in text, what
        assert not re.search("王[^\u4e00-\u9fff]{0,3}芳", text), what
    assert leaks_in(written, ["王芳"]) == {}
