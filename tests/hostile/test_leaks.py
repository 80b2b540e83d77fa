"""Redacted names never leave the project: the thirteen scenarios of issue 17, one test each.

Each builds a project through the real import (a transcript file, its speaker labels, its file
name), codes every participant's turn, exports every format — themes .docx .md .csv .xlsx,
codebook .docx .qdc, agreement .csv .docx — and searches every text of every file plainly for
every form of every redacted name (`find_leaks`, see export_text.py). It also says what the
quote became: a quote keeps its meaning, only the name is replaced. Seven of the thirteen
leaked before (issue 17): the label, compounds, white space runs, soft hyphens, document
names, line breaks, the codebook's examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hostile.export_text import file_texts
from qualcode.project import Project
from qualcode.text.redact import find_leaks

CODEBOOK = """codebook: Studie
languages: [sv, en]
default_language: sv
codes:
  - name: Trygghet
    example: {sv: "%(example)s"}
  - name: Tid
themes:
  - name: Trygghet och tid
    definition: {sv: "%(definition)s"}
    codes: [Trygghet, Tid]
"""


@dataclass
class Scenario:
    redact: list[str]
    files: dict[str, str]  # file name -> the participants' turns (the moderator's are added)
    quotes: list[str]  # what the theme export quotes, exactly
    lang: str = "sv"
    attributions: list[str] = field(default_factory=list)  # expected in the attribution column
    example: str = "Som när någon sa att det var tryggt."
    translation: str | None = None  # given to the first coded turn
    translated: str | None = None  # what the export shows of it


SCENARIOS = {
    "plain": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade Åsa Öberg i går.\n"},
                      ["Jag träffade [namn] i går."]),
    "case": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade ÅSA ÖBERG och åsa öberg.\n"},
                     ["Jag träffade [namn] och [namn]."]),
    "genitive": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Det var Åsas idé, och Öbergs.\n"},
                         ["Det var [namn]:s idé, och [namn]:s."]),
    "decomposed": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade A\u030asa O\u0308berg.\n"},
                           ["Jag träffade [namn]."]),
    "chinese": Scenario(["王芳"], {"访谈.txt": "护士A：我和王芳说过，王 芳也同意。\n"},
                        ["我和[姓名]说过，[姓名]也同意。"], lang="zh"),
    "translation": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade henne.\n"},
                            ["Jag träffade henne."], translation="I met Åsa Öberg.", translated="I met [namn]."),
    "speaker label": Scenario(["Åsa"], {"intervju.txt": "Åsa: Det var tryggt.\n"},
                              ["Det var tryggt."], attributions=["(grupp —, intervju/[namn])"]),
    "compounds": Scenario(["Kungsbacka"], {
        "intervju.txt": "Per: Jag jobbar på Kungsbackamottagningen, som alla kungsbackabor.\n"},
        ["Jag jobbar på [namn]-mottagningen, som alla [namn]-bor."]),
    "white space": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade Åsa  Öberg och Åsa\tÖberg.\n"},
                            ["Jag träffade [namn] och [namn]."]),
    "soft hyphen": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade Å\u00adsa Öb\u00aderg.\n"},
                            ["Jag träffade [namn]."]),
    "document name": Scenario(["Kungsbacka"], {"intervju_Kungsbacka.txt": "Per: Det var tryggt.\n"},
                              ["Det var tryggt."], attributions=["(grupp —, intervju_[namn]/Per)"]),
    "line break": Scenario(["Åsa Öberg", "Kungsbacka"], {
        "intervju.txt": "Per: Jag träffade Åsa\nÖberg på vårdcentralen i Kungs-\nbacka.\n"},
        ["Jag träffade [namn] på vårdcentralen i [namn]."]),
    "codebook example": Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Det var tryggt.\n"}, ["Det var tryggt."],
                                 example="Som när Åsa Öberg sa att det var tryggt."),
}


def build(tmp_path: Path, scenario: Scenario) -> Path:
    path = tmp_path / "p.qualcode"
    sources = []
    moderator = ("主持人：怎么样？\n", "主持人：谢谢。\n") if scenario.lang == "zh" else (
        "Moderator: Hur var det?\n", "Moderator: Tack.\n")
    for name, turns in scenario.files.items():
        (tmp_path / name).write_text(moderator[0] + turns + moderator[1], encoding="utf-8")
        sources.append(tmp_path / name)
    (tmp_path / "codebook.yaml").write_text(CODEBOOK % {
        "example": scenario.example, "definition": f"Trygghet, som {scenario.redact[0]} beskrev den."},
        encoding="utf-8")
    with Project(path, create=True) as p:
        p.documents.import_files(sources, lang=scenario.lang, actor="anna")
        p.codebook.load(tmp_path / "codebook.yaml", actor="anna")
        for name in scenario.redact:
            p.reports.add_redaction(name, actor="anna")
        translation = scenario.translation
        for doc in p.documents.list():
            for turn in p.documents.units(doc.id, "turn"):
                if turn.speaker in ("Moderator", "主持人"):
                    continue
                for coder in ("anna", "li"):
                    p.coding.add_segment(doc.id, "Trygghet", turn.start, turn.end, coder=coder,
                                         translation=translation)
                translation = None
    return path


def exports(path: Path, out: Path, lang: str) -> dict[str, Path]:
    """Every outward file of the project."""
    files = {}
    with Project(path) as p:
        for suffix in (".docx", ".md", ".csv", ".xlsx"):
            files[f"themes{suffix}"] = p.reports.export_themes(out / f"themes{suffix}", lang, quotes=10)
        for suffix in (".docx", ".qdc"):
            files[f"codebook{suffix}"] = p.codebook.export(out / f"codebook{suffix}", lang)
        report = p.team.agreement(["anna", "li"])
        for suffix in (".csv", ".docx"):
            files[f"agreement{suffix}"] = p.reports.export_agreement(report, out / f"agreement{suffix}", lang)
        files["redacted.qdpx"] = out / "redacted.qdpx"
        p.exchange.export_qdpx(files["redacted.qdpx"], redact=True, lang=lang)
    return files


def leaks(files: dict[str, Path], names: list[str]) -> dict[str, list[tuple[str, list[str]]]]:
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for what, path in files.items():
        for text in file_texts(path):
            if hits := find_leaks(text, names):
                found.setdefault(what, []).append((text[:200], hits))
    return found


@pytest.mark.parametrize("case", list(SCENARIOS))
def test_a_redacted_name_leaves_no_trace_in_any_export(tmp_path, case):
    scenario = SCENARIOS[case]
    path = build(tmp_path, scenario)
    out = tmp_path / "out"
    out.mkdir()
    files = exports(path, out, scenario.lang)
    assert leaks(files, scenario.redact) == {}
    with Project(path) as p:
        summary = p.reports.outward(scenario.lang)(p.reports.theme_summary(scenario.lang, quotes=10))
    quotes = [q for t in summary.themes for q in t.quotes]
    assert [q.text for q in quotes] == scenario.quotes
    for attribution in scenario.attributions:
        assert attribution in [q.attribution for q in quotes]
    if scenario.translated:
        assert quotes[0].translation == scenario.translated
    # the quotes as the files hold them
    md = files["themes.md"].read_text(encoding="utf-8")
    assert all(q in md for q in scenario.quotes)
    if case == "codebook example":
        assert any("Som när [namn] sa att det var tryggt." in t for t in file_texts(files["codebook.docx"]))


def test_qdpx_redact_moves_spans_onto_the_placeholder_and_validates(tmp_path, capsys):
    from qualcode.cli import main

    path = build(tmp_path, Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade Åsa Öberg i går.\n"}, []))
    with Project(path) as p:
        text = p.documents.get("intervju").text
        cut = text.index("Öberg i går")  # a span that begins inside the name
        p.coding.add_segment("intervju", "Tid", cut, cut + len("Öberg i går."), coder="anna")
        p.coding.add_segment("intervju", "Tid", text.index("Jag"), text.index(" Åsa"), coder="anna")
    capsys.readouterr()
    assert main(["-p", str(path), "export", "qdpx", str(tmp_path / "r.qdpx"), "--redact", "--validate"]) == 0
    out, err = capsys.readouterr()
    assert "redacted: " in out and "valid" in out and err == ""
    back = tmp_path / "back.qualcode"
    assert main(["-p", str(back), "import", str(tmp_path / "r.qdpx")]) == 0
    with Project(back) as b:
        assert b.documents.get("intervju").text == text.replace("Åsa Öberg", "[namn]")
        texts = sorted({s.text for s in b.coding.segments(code="Tid")})
    assert texts == ["Jag träffade", "[namn] i går."]


def test_qdpx_without_redact_says_it_carries_the_full_text(tmp_path, capsys):
    from qualcode.cli import build_parser, main

    path = build(tmp_path, Scenario(["Åsa Öberg"], {"intervju.txt": "Per: Jag träffade Åsa Öberg i går.\n"}, []))
    capsys.readouterr()
    assert main(["-p", str(path), "export", "qdpx", str(tmp_path / "full.qdpx")]) == 0
    out, err = capsys.readouterr()
    assert err == ("qualcode: note: the .qdpx carries every transcript in full, unredacted "
                   "(--redact leaves out redacted names)\n")
    assert any("Åsa Öberg" in t for t in file_texts(tmp_path / "full.qdpx"))  # a full exchange: as it says
    export = build_parser()._subparsers._group_actions[0].choices["export"]
    assert "full text" in " ".join(export.format_help().split())


def test_memo_reports_and_theme_memos_hold_no_redacted_name(tmp_path):
    scenario = Scenario(["Åsa Öberg", "Kungsbacka"], {"intervju_Kungsbacka.txt": "Per: Jag träffade Åsa Öberg.\n"},
                        [])
    path = build(tmp_path, scenario)
    with Project(path) as p:
        segment = p.coding.segments(coder="anna")[0]
        p.memos.add("project", None, "Åsa Öberg bad att inte nämnas.", author="anna")
        p.memos.add("theme", "Trygghet och tid", "Som i Kungsbackamottagningen.", author="anna")
        p.memos.add("code", "Trygghet", "Åsas exempel.", author="li")
        p.memos.add("document", "intervju_Kungsbacka", "Inspelad i Kungs-\nbacka.", author="anna")
        p.memos.add("segment", segment.id, "Hon, Å\u00adsa, sa det.", author="anna")
        files = {f"memos{s}": p.memos.export(tmp_path / f"memos{s}") for s in (".docx", ".md")}
        files |= {f"themes{s}": p.reports.export_themes(tmp_path / f"themes{s}", "sv", memos=True)
                  for s in (".docx", ".md", ".csv", ".xlsx")}
        p.exchange.export_qdpx(tmp_path / "r.qdpx", redact=True)  # memos travel as REFI-QDA notes
        files["r.qdpx"] = tmp_path / "r.qdpx"
        assert p.exchange.validate(files["r.qdpx"]).startswith("valid")
    assert leaks(files, scenario.redact) == {}
    memos = files["memos.md"].read_text(encoding="utf-8")
    for said in ("[namn] bad att inte nämnas.", "Inspelad i [namn].", "Hon, [namn], sa det.", "Jag träffade [namn]."):
        assert said in memos, said
    themes = files["themes.md"].read_text(encoding="utf-8")
    assert "Som i [namn]-mottagningen." in themes and "[namn]:s exempel." in themes
