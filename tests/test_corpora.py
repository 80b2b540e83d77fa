"""Importing the whole sample study gives exactly the numbers corpora/README.md documents."""

from __future__ import annotations

from collections import Counter

from qualcode.project import Project

# turns per speaker, counted by hand in each file (a vtt turn is a run of one speaker's cues)
EXPECTED_TURNS = {
    "fokusgrupp1_allmanlakare": {"Moderator": 8, "D1": 6, "D2": 7, "D3": 7, "D4": 7, "D5": 6},
    "fokusgrupp2_allmanlakare": {"M": 9, "Läkare 1": 7, "Läkare 2": 7, "Läkare 3": 7, "Läkare 4": 7,
                                 "Läkare 5": 7},
    "fokusgrupp3_sjukhuslakare": {"Moderator": 9, "Anna": 8, "Erik": 8, "Karin": 8, "Johan": 8},
    "fokusgrupp4_st_lakare": {"Moderator": 9, "Deltagare 1": 8, "Deltagare 2": 6, "Deltagare 3": 6,
                              "Deltagare 4": 7, "Deltagare 5": 7},
    "zhongliu_huli_jiaoliu": {"主持人": 10, "护士A": 5, "护士B": 5, "护士C": 5, "护士D": 5, "护士E": 5},
    "zhongzheng_huli_gb18030": {"主持人": 10, "护士 1": 6, "护士 2": 6, "护士 3": 6, "护士 4": 6},
    "erke_huli_pdf": {"主持人": 10, "甲": 6, "乙": 6, "丙": 6, "丁": 6},
}


def test_every_corpus_file_gives_its_documented_turns_and_speakers(demo_built):
    with Project(demo_built) as p:
        docs = {d.name: d for d in p.documents.list()}
        assert set(docs) == set(EXPECTED_TURNS)
        for name, expected in EXPECTED_TURNS.items():
            turns = p.documents.units(name, "turn")
            assert Counter(t.speaker for t in turns) == expected, name
            assert sorted(docs[name].speakers) == sorted(expected), name
        assert sum(d.turns for d in docs.values()) == 272
        assert {d.name: d.lang for d in docs.values()} == {
            n: ("zh" if n.startswith(("zh", "erke")) else "sv") for n in EXPECTED_TURNS}
        assert {d.name: d.encoding for d in docs.values()}["zhongzheng_huli_gb18030"] == "gb18030"
        assert {d.name: d.encoding for d in docs.values()}["zhongliu_huli_jiaoliu"] == "utf-8-sig"


def test_participants_19_doctors_13_nurses_with_attributes(demo_built):
    with Project(demo_built) as p:
        people = p.participants.list()
        doctors = [x for x in people if x.key.startswith("P")]
        nurses = [x for x in people if x.key.startswith("N")]
        moderators = [x for x in people if x.key.startswith("M")]
        assert (len(doctors), len(nurses), len(moderators), len(people)) == (19, 13, 7, 39)
        assert Counter(x.attributes["group"] for x in doctors) == {"GP A": 5, "GP B": 5, "Hospital": 4, "ST": 5}
        p14 = next(x for x in p.participants.list() if x.key == "P14")
        assert p14.speakers == [("fokusgrupp3_sjukhuslakare", "Johan")]
        assert p14.attributes["specialty"] == "akutmedicin"


def test_turn_boundaries_are_exact(demo_built):
    with Project(demo_built) as p:
        text = p.documents.get("fokusgrupp1_allmanlakare").text
        first = p.documents.units("fokusgrupp1_allmanlakare", "turn")[0]
        assert text[:first.start].endswith("\n\nModerator: ")
        assert text[first.start:first.end].startswith("Välkomna allihop")
        assert text[first.end:first.end + 6] == "\n\nD1: "[:6]
        zh = p.documents.get("zhongliu_huli_jiaoliu").text
        turns = p.documents.units("zhongliu_huli_jiaoliu", "turn")
        assert zh[turns[1].start - 4:turns[1].start] == "护士A："
        assert all(zh[t.end - 1] in "。？！" for t in turns)


def test_sentences_never_cross_turns_or_split_swedish_abbreviations(demo_built):
    with Project(demo_built) as p:
        for doc in p.documents.list():
            text = p.documents.get(doc.id).text
            turns = p.documents.units(doc.id, "turn")
            for s in p.documents.units(doc.id, "sentence"):
                assert s.end > s.start and text[s.start:s.end].strip() == text[s.start:s.end]
                if s.turn is not None:
                    t = turns[s.turn]
                    assert t.start <= s.start and s.end <= t.end
                if doc.lang == "sv":
                    assert not text[s.start:s.end].endswith((" t.ex.", " bl.a.", " kl.", " s.k.", " dvs."))
