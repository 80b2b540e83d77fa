"""Reviewing the coding without the workbench: whose speech a span is, where it sits (speaker,
turn, time), retrieval filters, blind coding's done marks, words cut at word boundaries, and
playing a recording with whichever player is on PATH."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import store_of
from qualcode.analysis.spans import covers
from qualcode.analysis.speech import SpeechIndex, spoken_turns
from qualcode.cli import main
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.text.snippet import clip_words, clip_words_left, clock, flat
from qualcode.text.width import display_width

TEXT = ("Moderator: Hur var det?\n"
        "Anna: Det var tryggt. Vi pratade om läkarna.\n"
        "Moderator: Och du?\n"
        "Erik: Jag höll med Anna.\n")
VTT = ("WEBVTT\n\n00:00:05.000 --> 00:00:09.000\n<v Moderator>Hur var det?\n\n"
       "00:01:02.500 --> 00:01:09.000\n<v Anna>Det var tryggt.\n\n"
       "01:00:03.000 --> 01:00:09.000\n<v Erik>Jag höll med.\n")


@dataclass(frozen=True)
class T:
    start: int
    end: int


# --- whose speech ---------------------------------------------------------------------------------


def test_a_span_is_the_speech_of_every_turn_it_covers_on_a_non_blank_character():
    text = "A: ett två\nB: tre\n\nC: fyra fem\n"
    turns = [T(3, 10), T(14, 17), T(22, 30)]  # the speech only: labels lie outside
    assert text[3:10] == "ett två" and text[14:17] == "tre" and text[22:30] == "fyra fem"
    assert spoken_turns(text, turns, 0, 3) == []  # the label "A: " is nobody's speech
    assert spoken_turns(text, turns, 0, 4) == [turns[0]]
    assert spoken_turns(text, turns, 6, 15) == [turns[0], turns[1]]  # across a turn boundary
    assert spoken_turns(text, turns, 10, 14) == []  # the line break and "B: "
    assert spoken_turns(text, turns, 9, 23) == turns  # one character of each
    assert spoken_turns(text, [T(3, 11)], 10, 11) == []  # only a blank of the turn's own
    assert spoken_turns(text, [], 0, len(text)) == []


@given(st.text(alphabet="ab \n", min_size=1, max_size=40), st.lists(st.integers(0, 40), max_size=12),
       st.integers(0, 40), st.integers(0, 40))
def test_speech_index_is_the_presence_rule_turn_by_turn(text, cuts, a, b):
    bounds = sorted({c for c in cuts if c <= len(text)})
    turns = [T(x, y) for x, y in zip(bounds[::2], bounds[1::2], strict=False) if x < y]
    start, end = min(a, b), max(a, b)
    naive = [t for t in turns if covers(text, start, end, t.start, t.end)]
    assert SpeechIndex(list(reversed(turns))).covered(text, start, end) == naive


# --- where a span sits ----------------------------------------------------------------------------


@pytest.fixture
def fg(project, tmp_path):
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    project.documents.import_files([src], lang="sv", group="GP A", actor="tester")
    for name in ("Trygghet", "Stöd"):
        project.codebook.add_code(name, actor="tester")
    return project.documents.get("fg")


def test_contexts_name_speakers_by_pseudonym_turn_and_time(project, fg, tmp_path):
    vtt = tmp_path / "timed.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    project.documents.import_files([vtt], lang="sv", actor="tester")
    csv = tmp_path / "people.csv"
    csv.write_text("id,document,speaker,pseudonym,group,specialty\nP1,fg,Anna,Ingrid,ST,kirurgi\n"
                   "P2,fg,Erik,,GP A,allmänmedicin\n", encoding="utf-8")
    project.participants.load_csv(csv)
    timed = project.documents.get("timed")
    a = TEXT.index("Det var")
    both = (fg.id, a, TEXT.index("Anna.\n") + 4)  # Anna's speech, Moderator's, Erik's
    contexts = project.review.contexts([(fg.id, a, a + 15), both, (fg.id, 0, 10),
                                        (timed.id, timed.text.index("tryggt"), timed.text.index("tryggt") + 6),
                                        (timed.id, timed.text.index("Jag"), len(timed.text))])
    assert [(c.document, c.speakers, c.turn, c.time, c.group) for c in contexts] == [
        ("fg", ["Ingrid"], 1, None, "ST"),
        ("fg", ["Ingrid", "Moderator", "Erik"], 1, None, "ST"),
        ("fg", [], None, None, "GP A"),  # the label is nobody's speech: the document's group
        ("timed", ["Anna"], 1, 62.5, None),
        ("timed", ["Erik"], 2, 3603.0, None),
    ]
    assert dict(contexts[0].voices[0].attributes)["specialty"] == "kirurgi"
    assert [clock(c.time) for c in contexts[3:]] == ["1:02", "1:00:03"]


def test_segments_json_gives_speaker_turn_and_time(project, fg, tmp_path, capsys):
    vtt = tmp_path / "timed.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    project.documents.import_files([vtt], lang="sv", actor="tester")
    timed = project.documents.get("timed")
    project.coding.add_segment("timed", "Stöd", timed.text.index("tryggt"), len(timed.text), coder="anna")
    project.coding.add_segment("fg", "Trygghet", 0, 5, coder="li")  # "Moder": a label, nobody's speech
    path = project.path
    project.close()
    assert main(["-p", str(path), "segments", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["doc"], r["speaker"], r["turn"], r["time"]) for r in rows] == [
        ("fg", [], None, None), ("timed", ["Anna", "Erik"], 1, 62.5)]
    assert main(["-p", str(path), "segments"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "doc", "start", "end", "code", "coder", "speaker", "turn", "time", "text"]
    assert "Anna, Erik  1     1:02" in table[3]
    assert main(["-p", str(path), "segments", "--help"]) == 0
    assert "blind coding hides co-authors' coding only in the workbench" in " ".join(capsys.readouterr().out.split())


def test_retrieve_filters_by_coder_group_attribute_exemplar_and_sorts(project, fg, tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text("id,document,speaker,group,specialty\nP1,fg,Anna,ST,kirurgi\nP2,fg,Erik,GP A,allmänmedicin\n",
                   encoding="utf-8")
    project.participants.load_csv(csv)
    anna, erik = TEXT.index("Det var tryggt."), TEXT.index("Jag höll")
    one = project.coding.add_segment("fg", "Trygghet", anna, anna + 15, coder="karin", exemplar=True)
    two = project.coding.add_segment("fg", "Trygghet", erik, erik + 8, coder="li")
    three = project.coding.add_segment("fg", "Trygghet", anna, anna + 15, coder="li")
    ids = lambda rows: [s.id for s, _ in rows]  # noqa: E731
    review = project.review
    assert ids(review.retrieve(code="Trygghet")) == [one.id, three.id, two.id]
    assert ids(review.retrieve(code="Trygghet", coder="li")) == [three.id, two.id]
    assert ids(review.retrieve(code="Trygghet", group="gp a")) == [two.id]
    assert ids(review.retrieve(code="Trygghet", attribute=("Specialty", "KIRURGI"))) == [one.id, three.id]
    assert ids(review.retrieve(code="Trygghet", exemplar=True)) == [one.id]
    assert ids(review.retrieve(code="Trygghet", sort="group")) == [two.id, one.id, three.id]  # GP A before ST
    with pytest.raises(QualcodeError, match="unknown order"):
        review.retrieve(sort="speaker")
    blind = review.blind_view("karin")
    assert ids(review.retrieve(code="Trygghet", blind=blind)) == [one.id]
    review.mark_done("fg", "karin")
    assert ids(review.retrieve(code="Trygghet", blind=review.blind_view("karin"))) == [one.id, three.id, two.id]


# --- blind coding -----------------------------------------------------------------------------------


def test_done_marks_blind_view_and_the_setting(project, fg, capsys):
    review = project.review
    assert review.blind_view("anna").hides("li", fg.id) and not review.blind_view("anna").hides("anna", fg.id)
    assert review.mark_done("fg", "anna") and not review.mark_done("fg", "anna")  # the second changes nothing
    assert review.done_documents("anna") == {fg.id} and review.done_documents("li") == set()
    assert not review.blind_view("anna").hides("li", fg.id) and review.blind_view("li").hides("anna", fg.id)
    assert review.mark_done("fg", "anna", done=False) and review.done_documents("anna") == set()
    assert [(e["action"], e["actor"]) for e in store_of(project).events("document.d")] == [
        ("document.done", "anna")]
    assert [(e["action"], e["actor"]) for e in store_of(project).events("document.undone")] == [
        ("document.undone", "anna")]
    project.settings.set_blind_coding("off")
    assert review.blind_view("li").done is None and not review.blind_view("li").hides("anna", fg.id)
    assert review.blind_view("li", unblind=False).done is None
    project.settings.set_blind_coding(True)
    assert review.blind_view("li", unblind=True).done is None
    with pytest.raises(QualcodeError, match="'on' or 'off'"):
        project.settings.set_blind_coding("maybe")
    path = project.path
    project.close()
    assert main(["-p", str(path), "done", "fg", "--coder", "li"]) == 0
    assert capsys.readouterr().out == "fg: done for li\n"
    assert main(["-p", str(path), "done", "fg", "--coder", "li", "--undo"]) == 0
    assert capsys.readouterr().out == "fg: not done for li\n"
    assert main(["-p", str(path), "settings", "blind", "off"]) == 0
    assert main(["-p", str(path), "settings"]) == 0
    assert "blind = off" in capsys.readouterr().out


# --- words cut at word boundaries ---------------------------------------------------------------------


def test_clip_words_cuts_between_words_and_between_chinese_characters():
    sv = "Jag tycker att gruppen har blivit en trygg plats.\nVi pratar."
    assert clip_words(sv, 100) == "Jag tycker att gruppen har blivit en trygg plats. Vi pratar."
    assert clip_words(sv, 20) == "Jag tycker att…"  # not "Jag tycker att grup…"
    assert clip_words(sv, 4) == "Jag…"
    assert clip_words("Balintgruppsdeltagare", 8) == "Balintg…"  # one word longer than the room
    assert clip_words_left(sv, 14) == "…Vi pratar."
    zh = "我一直觉得对不起他，觉得他到最后都没机会跟家人好好告别。"
    assert clip_words(zh, 12) == "我一直觉得…"  # five characters: ten cells, and the mark
    assert clip_words(zh, 20) == "我一直觉得对不起他…"
    assert clip_words("你好，「世界」", 9) == "你好，…"  # what is kept never ends with the opening 「
    assert clip_words_left("他说：「好。」，走了", 7) == "…走了"  # nor begins with the closing ，
    assert clip_words_left(zh, 12) == "…好好告别。"
    assert clip_words("护士A说：我用Python写", 9) == "护士A说…"


@given(st.text(alphabet="ab 我你，。「」\n", max_size=30), st.integers(2, 20))
def test_clip_words_fits_and_keeps_a_prefix(text, cells):
    out = clip_words(text, cells)
    assert display_width(out) <= max(cells, display_width(flat(text)) if display_width(flat(text)) <= cells else 0)
    kept = out.removesuffix("…")
    assert flat(text).startswith(kept)
    left = clip_words_left(text, cells)
    assert display_width(left) <= cells or left == flat(text)
    assert flat(text).endswith(left.removeprefix("…"))


def test_clock():
    assert [clock(t) for t in (None, 0, 5.9, 65, 3599.99, 3600, 36061)] == [
        "", "0:00", "0:05", "1:05", "59:59", "1:00:00", "10:01:01"]


# --- recordings ---------------------------------------------------------------------------------------


def _stub(folder, name: str) -> None:
    """A player on PATH that writes the arguments it was given to args.txt."""
    script = folder / name
    script.write_text(f'#!/bin/sh\necho "$@" > "{folder}/args.txt"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_media_links_relative_to_the_project_and_plays_with_what_is_on_path(project, fg, tmp_path, monkeypatch):
    media = tmp_path / "rec" / "fg.mp3"
    media.parent.mkdir()
    media.write_bytes(b"ID3")
    assert project.media.link("fg", media, actor="anna").as_posix() == "rec/fg.mp3"
    assert project.media.media("fg") == tmp_path / "rec" / "fg.mp3"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(QualcodeError, match="no media player found: install mpv, ffplay"):
        project.media.play("fg", 12.0)
    _stub(bin_dir, "vlc")
    assert project.media.play_command("fg", 62.5) == [str(bin_dir / "vlc"), "--start-time=62.50", str(media)]
    _stub(bin_dir, "ffplay")
    assert project.media.play_command("fg", None)[1:4] == ["-autoexit", "-ss", "0.00"]
    _stub(bin_dir, "mpv")  # the first choice when several are there
    command = project.media.play("fg", 23.293)
    assert command == [str(bin_dir / "mpv"), "--start=23.29", str(media)]
    for _ in range(200):
        if (bin_dir / "args.txt").exists() and (bin_dir / "args.txt").read_text().strip():
            break
        os.sched_yield()
        import time

        time.sleep(0.01)
    assert (bin_dir / "args.txt").read_text(encoding="utf-8").split() == ["--start=23.29", str(media)]
    elsewhere = tmp_path.parent / f"{tmp_path.name}-outside.wav"
    elsewhere.write_bytes(b"RIFF")
    try:
        assert project.media.link("fg", elsewhere).is_absolute()  # not below the project: kept absolute
    finally:
        elsewhere.unlink()
    with pytest.raises(QualcodeError, match="no such media file"):
        project.media.link("fg", tmp_path / "missing.mp4")
    assert [e["payload"]["path"] for e in store_of(project).events("document.media")][0] == "rec/fg.mp3"


def test_media_without_a_link_says_so(project, fg, capsys):
    with pytest.raises(QualcodeError, match="no recording linked"):
        project.media.play_command("fg", 1.0)
    path = project.path
    project.close()
    assert main(["-p", str(path), "media", "fg"]) == 0
    assert capsys.readouterr().out == "fg: no recording linked\n"


def test_project_has_the_review_services(tmp_path):
    with Project(tmp_path / "p.qualcode", create=True) as p:
        assert store_of(p).schema_version == "m005_word_index_by_document"
        assert p.review and p.memos and p.media
