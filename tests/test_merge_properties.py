"""Merge properties over generated projects (issue 11): merge(A, B) holds the same content as
merge(B, A) (docs/merge.md: "content"), merging B again changes nothing, and three projects
give one result in whatever grouping or order. Where two projects disagree the merge stops,
both ways alike; then "mine" here and "theirs" there give one result.

Each example copies a template project (documents imported once per session: no spaCy per
example) and changes the copies through the services, as co-authors would: coding, memos (on
codings, and on the project, documents, codes, themes and participants: written, changed,
removed, and left about a code deleted), exemplars, new, renamed and deleted codes, labels,
colours, retirements, moves, themes, participants' attributes, redactions, reconciliation
decisions, done marks, recording links."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from merge_kit import content_dump, media_links, table_rows

from qualcode.codebook import codebook_yaml
from qualcode.errors import QualcodeError
from qualcode.project import Project

CODEBOOK = """\
codebook: Merge test
languages: [sv, en]
default_language: sv
codes:
  - name: Trygghet
    labels: {sv: Trygghet, en: Safety}
    definition: {sv: Att känna sig trygg.}
  - name: Känslor
    category: true
    children:
      - name: Skam
        labels: {en: Shame}
      - name: Ilska
themes:
  - name: Gruppen
    codes: [Trygghet]
  - name: Känslor i vården
    codes: [Skam]
"""
DOCUMENTS = {
    "d1": "Moderator: Hur känns det?\nAnna: Det är tryggt här. Jag skäms ibland.\n"
          "Bo: Jag blir arg. Men det går över.\nModerator: Tack.\n",
    "d2": "Moderator: Berätta.\nAnna: Gruppen hjälper mig. Jag orkar mer.\nBo: Samma för mig.\n",
    "d3": "Moderator: Något mer?\nCeci: Jag är ny här. Det känns bra.\n",
}
CODERS = ("karin", "li")
CODE_NAMES = ("Trygghet", "Skam", "Ilska", "Ny", "Lugn")
THEME_NAMES = ("Gruppen", "Känslor i vården", "Nytt tema")
MEMO_KINDS = ("project", "document", "code", "theme", "participant")
NEW_NAMES = ("Ny", "Lugn", "Skam 2")
SETTINGS = settings(max_examples=20, deadline=None, derandomize=True, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Path]:
    """Two starting points co-authors share: d1 and d2 coded a little, and the same with d3."""
    folder = tmp_path_factory.mktemp("merge-templates")
    files = []
    for name, text in DOCUMENTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        files.append(folder / f"{name}.txt")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    small, full = folder / "small.qualcode", folder / "full.qualcode"
    with Project(small, create=True) as p:
        p.documents.import_files(files[:2], lang="sv", actor="karin")
        p.codebook.load(folder / "codebook.yaml", actor="karin")
        units = p.documents.units("d1")
        p.coding.add_segment("d1", "Trygghet", units[1].start, units[1].end, coder="karin", memo="bas")
        p.coding.add_segment("d1", "Skam", units[2].start, units[2].end, coder="li")
        p.coding.add_segment("d1", "Trygghet", units[1].start, units[1].end, coder="li")
        # memos both start from (so that both may change one), a done mark, a recording
        p.memos.add("project", None, "Mättnad?", author="karin")
        p.memos.add("document", "d1", "Lång tystnad.", author="li")
        p.memos.add("code", "Trygghet", "Gränsfall mot Lugn.", author="karin")
        p.memos.add("theme", "Gruppen", "Bär analysen.", author="li")
        p.memos.add("participant", "d1/Anna", "Talar mest.", author="karin")
        p.review.mark_done("d1", "karin")
        (folder / "d1.mp3").write_bytes(b"ID3")
        p.media.link("d1", folder / "d1.mp3", actor="karin")
    shutil.copy(small, full)
    with Project(full) as p:
        p.documents.import_files(files[2:], lang="sv", actor="li")
    return {"small": small, "full": full}


# --- what co-authors do ------------------------------------------------------------------------

operation = st.one_of(
    st.tuples(st.just("code"), st.sampled_from(CODERS), st.sampled_from(["d1", "d2", "d3"]), st.integers(0, 6),
              st.sampled_from(CODE_NAMES), st.sampled_from([None, "m1", "m2"])),
    st.tuples(st.just("memo"), st.integers(0, 2), st.sampled_from([None, "m1", "m2"])),
    st.tuples(st.just("exemplar"), st.integers(0, 2)),
    st.tuples(st.just("uncode"), st.integers(0, 2)),
    st.tuples(st.just("add code"), st.sampled_from(NEW_NAMES), st.sampled_from([None, "Känslor"])),
    st.tuples(st.just("rename"), st.sampled_from(CODE_NAMES), st.sampled_from(NEW_NAMES)),
    st.tuples(st.just("label"), st.sampled_from(CODE_NAMES), st.sampled_from(["sv", "en"]), st.sampled_from("ab"),
              st.sampled_from(["label", "definition"])),
    st.tuples(st.just("colour"), st.sampled_from(CODE_NAMES), st.sampled_from(["#FF0000", "#00FF00"])),
    st.tuples(st.just("retire"), st.sampled_from(CODE_NAMES)),
    st.tuples(st.just("move"), st.sampled_from(CODE_NAMES), st.sampled_from(["", "Känslor", "Trygghet"])),
    st.tuples(st.just("theme"), st.sampled_from(["Gruppen", "Nytt tema"]),
              st.sets(st.sampled_from(CODE_NAMES), max_size=3)),
    st.tuples(st.just("attribute"), st.sampled_from(["Anna", "Bo"]), st.sampled_from(["läkare", "sköterska"]),
              st.sampled_from(["", "A.", "B."])),
    st.tuples(st.just("redact"), st.sampled_from(["Anna", "Bo"])),
    st.tuples(st.just("decide"), st.sampled_from(["accept-a", "accept-b", "both", "neither"]), st.integers(0, 3)),
    st.tuples(st.just("agreed")),
    st.tuples(st.just("note"), st.sampled_from(MEMO_KINDS), st.integers(0, 4), st.sampled_from(CODERS),
              st.sampled_from(["n1", "n2\nmed radbrytning"])),
    st.tuples(st.just("renote"), st.integers(0, 7), st.sampled_from(["r1", "r2"])),
    st.tuples(st.just("unnote"), st.integers(0, 7)),
    st.tuples(st.just("delete code"), st.sampled_from(CODE_NAMES)),
    st.tuples(st.just("done"), st.sampled_from(CODERS), st.sampled_from(["d1", "d2", "d3"]), st.booleans()),
    st.tuples(st.just("media"), st.sampled_from(["d1", "d2", "d3"]), st.sampled_from(["a.mp3", "b.mp3"])),
)
project_spec = st.tuples(st.sampled_from(["small", "full"]), st.lists(operation, max_size=6))


def build(folder: Path, name: str, templates: dict[str, Path], spec) -> Path:
    start, operations = spec
    path = folder / f"{name}.qualcode"
    shutil.copy(templates[start], path)
    with Project(path) as p:
        for op in operations:
            try:
                _do(p, folder, op)
            except QualcodeError:
                pass  # not possible in this project (a name taken, a code retired, nothing to decide…)
    return path


def _do(p: Project, folder: Path, op: tuple) -> None:
    kind, *args = op
    base = sorted(p.coding.segments(), key=lambda s: s.uid)
    if kind == "code":
        coder, doc, index, code, memo = args
        units = p.documents.units(doc)
        unit = units[index % len(units)]
        p.coding.add_segment(doc, code, unit.start, unit.end, coder=coder, memo=memo)
    elif kind in ("memo", "exemplar", "uncode") and base:
        segment = base[args[0] % len(base)]
        if kind == "memo":
            p.coding.update_segment(segment.id, "karin", memo=args[1])
        elif kind == "exemplar":
            p.coding.update_segment(segment.id, "karin", exemplar=not segment.exemplar)
        else:
            p.coding.remove_segment(segment.id, actor="karin")
    elif kind == "add code":
        p.codebook.add_code(args[0], parent=args[1], actor="karin")
    elif kind == "rename":
        p.codebook.edit_code(args[0], name=args[1], actor="karin")
    elif kind == "label":
        code, lang, text, field = args
        p.codebook.edit_code(code, texts={field: {lang: text}}, actor="karin")
    elif kind == "colour":
        p.codebook.edit_code(args[0], color=args[1], actor="karin")
    elif kind == "retire":
        p.codebook.retire_code(args[0], actor="karin")
    elif kind == "move":
        p.codebook.edit_code(args[0], parent=args[1], actor="karin")
    elif kind == "theme":
        name, codes = args
        book = p.codebook.book()
        known = {c.name for c in book.codes}
        members = sorted(c for c in codes if c in known)
        theme = next((t for t in book.themes if t.name == name), None)
        if theme is None:
            from qualcode.codebook import ThemeEntry

            book.themes.append(ThemeEntry(name=name, codes=members))
        else:
            theme.codes = members
        path = folder / "book.yaml"
        path.write_text(codebook_yaml(book), encoding="utf-8")
        p.codebook.load(path, actor="karin")
    elif kind == "attribute":
        speaker, value, pseudonym = args
        path = folder / "people.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerows([["id", "document", "speaker", "yrke", "pseudonym"],
                              [f"P-{speaker}", "d1", speaker, value, pseudonym]])
        p.participants.load_csv(path, actor="karin")
    elif kind == "redact":
        p.reports.add_redaction(args[0], actor="karin")
    elif kind == "decide":
        choice, index = args
        queue = p.team.reconcile_queue("karin", "li")
        if queue:
            p.team.decide("karin", "li", queue[index % len(queue)].key, choice, actor="karin")
    elif kind == "agreed":
        p.team.reconcile_agreed("karin", "li", actor="karin")
    elif kind == "note":
        about, index, author, text = args
        things = {"project": [None], "document": [d.name for d in p.documents.list()], "code": list(CODE_NAMES),
                  "theme": list(THEME_NAMES), "participant": sorted(x.key for x in p.participants.list())}[about]
        if things:
            p.memos.add(about, things[index % len(things)], text, author=author)
    elif kind in ("renote", "unnote"):
        memos = sorted((m for m in p.memos.list() if m.kind != "segment"), key=lambda m: m.uid)
        if memos:
            memo = memos[args[0] % len(memos)]
            if kind == "renote":
                p.memos.edit(memo, args[1], actor=memo.author)
            else:
                p.memos.remove(memo, actor=memo.author)
    elif kind == "delete code":  # its memos stay, about a code no longer here
        p.codebook.delete_code(args[0], actor="karin")
    elif kind == "done":
        coder, doc, done = args
        p.review.mark_done(doc, coder, done=done)
    elif kind == "media":
        doc, name = args
        (folder / name).write_bytes(b"ID3")
        p.media.link(doc, folder / name, actor="karin")


# --- merging -----------------------------------------------------------------------------------

def merged(folder: Path, into: Path, other: Path, prefer: str | None, name: str):
    """A copy of `into` with `other` merged in: (path, report), or (None, the refusal)."""
    target = folder / f"{name}.qualcode"
    shutil.copy(into, target)
    with Project(target) as p:
        try:
            return target, p.team.merge(other, actor="test", prefer=prefer)
        except QualcodeError as exc:
            if "conflict" not in exc.message:
                raise
            return None, exc


def merged_both_ways(folder: Path, a: Path, b: Path, name: str) -> tuple[Path, Path]:
    """A<-B and B<-A: both stop at the same conflicts or neither does; then with "mine" on one
    side and "theirs" on the other (the same project wins either way)."""
    ab, first = merged(folder, a, b, None, f"{name}-ab")
    ba, second = merged(folder, b, a, None, f"{name}-ba")
    assert (ab is None) == (ba is None), (first, second)
    if ab is None:
        assert len(first.details) == len(second.details)
        ab, _ = merged(folder, a, b, "mine", f"{name}-ab-mine")
        ba, _ = merged(folder, b, a, "theirs", f"{name}-ba-theirs")
    return ab, ba


def check_counts(before: Path, after: Path, other: Path, report) -> None:
    """Every count in the report is of rows written: the tables, compared before and after
    merging `other`."""
    old, new = table_rows(before), table_rows(after)
    for table in ("documents", "participants", "speakers", "coders", "codes", "themes", "segments", "decisions",
                  "memos", "done_marks"):
        key = (lambda row: row[:2]) if table == "done_marks" else (lambda row: row[0])  # (document, coder)
        old_ids = {key(row): row for row in old[table]}
        new_ids = {key(row): row for row in new[table]}
        assert report.added.get(table, 0) == len(set(new_ids) - set(old_ids)), table
        assert report.removed.get(table, 0) == len(set(old_ids) - set(new_ids)), table
        if table not in ("codes", "themes"):  # (their texts and members live in tables of their own)
            changed = sum(old_ids[i] != new_ids[i] for i in set(old_ids) & set(new_ids))
            assert report.changed.get(table, 0) == changed, table
    assert len(report.documents_added) == report.added.get("documents", 0)
    assert len(report.participants_added) == report.added.get("participants", 0)
    assert len(report.codes_added) == report.added.get("codes", 0)
    assert report.segments_added == report.added.get("segments", 0)
    # recording links: ours as they were, none of theirs taken, each of theirs told where we have none
    assert media_links(after) == media_links(before)
    assert sum(line.startswith("the recording of") for line in report.left_out) == len(
        set(media_links(other)) - set(media_links(before)))


TWINS = (("small", [("rename", "Skam", "Ny")]),
         ("small", [("add code", "Ny", None), ("code", "li", "d2", 1, "Ny", "m1")]))
SAME_NEW_CODE = (("full", [("add code", "Ny", "Känslor"), ("code", "karin", "d3", 1, "Ny", None)]),
                 ("small", [("add code", "Ny", None), ("label", "Ny", "en", "a", "label")]))
ONE_MEMO_TWO_TEXTS = (("small", [("renote", 0, "r1")]), ("full", [("renote", 0, "r2"), ("renote", 2, "r1")]))
ABOUT_A_DELETED_CODE = (("small", [("note", "code", 2, "karin", "n1"), ("delete code", "Ilska")]),
                        ("full", [("note", "code", 2, "li", "n2"), ("done", "li", "d1", True),
                                  ("done", "karin", "d1", False)]))
LINKS_AND_PEOPLE = (("small", [("media", "d1", "a.mp3"), ("note", "participant", 1, "li", "n1"),
                               ("attribute", "Anna", "läkare", "A.")]),
                    ("full", [("media", "d2", "b.mp3"), ("unnote", 3), ("done", "li", "d3", True)]))
DISAGREEING_DECISIONS = (("small", [("code", "karin", "d1", 3, "Ilska", None), ("decide", "accept-a", 0)]),
                         ("small", [("code", "karin", "d1", 3, "Ilska", None), ("decide", "neither", 0)]))


@SETTINGS
@given(project_spec, project_spec)
@example(*TWINS)
@example(*SAME_NEW_CODE)
@example(*DISAGREEING_DECISIONS)
@example(*ONE_MEMO_TWO_TEXTS)
@example(*ABOUT_A_DELETED_CODE)
@example(*LINKS_AND_PEOPLE)
@example(("full", [("theme", "Gruppen", {"Skam"}), ("attribute", "Anna", "läkare", "A.")]),
         ("small", [("theme", "Gruppen", {"Trygghet", "Ilska"}), ("attribute", "Anna", "sköterska", "")]))
def test_merge_commutes_counts_what_it_writes_and_is_idempotent(templates, spec_a, spec_b):
    commutes_counts_and_is_idempotent(templates, spec_a, spec_b)


def commutes_counts_and_is_idempotent(templates, spec_a, spec_b) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a, b = build(folder, "a", templates, spec_a), build(folder, "b", templates, spec_b)
        ab, ba = merged_both_ways(folder, a, b, "x")
        assert content_dump(ab) == content_dump(ba)
        # the counts: a fresh A<-B against A's tables
        again, report = merged(folder, a, b, "mine", "counted")
        check_counts(a, again, b, report)
        # idempotent: B once more changes nothing, and says so
        before = content_dump(ab)
        with Project(ab) as p:
            report = p.team.merge(b, actor="test", prefer="mine")
        assert (report.added, report.changed, report.removed) == ({}, {}, {})
        assert content_dump(ab) == before


def chain(folder: Path, first: Path, second: Path, third: Path, prefer: str | None, name: str,
          left: bool = True) -> Path | None:
    """(first<-second)<-third, or with `left` False first<-(second<-third); None at a conflict."""
    inner, _ = merged(folder, *((first, second) if left else (second, third)), prefer, f"{name}-inner")
    if inner is None:
        return None
    outer, _ = merged(folder, *((inner, third) if left else (first, inner)), prefer, f"{name}-outer")
    return outer


@SETTINGS
@given(project_spec, project_spec, project_spec)
@example(*TWINS, ("small", [("add code", "Ny", "Känslor"), ("rename", "Trygghet", "Lugn")]))
@example(*SAME_NEW_CODE, ("full", [("add code", "Ny", None), ("colour", "Ny", "#FF0000")]))
@example(*DISAGREEING_DECISIONS, ("small", [("code", "karin", "d1", 3, "Ilska", None), ("decide", "both", 0)]))
@example(*ONE_MEMO_TWO_TEXTS, ("small", [("renote", 0, "r2"), ("unnote", 1)]))
@example(*ABOUT_A_DELETED_CODE, ("small", [("delete code", "Ilska"), ("renote", 1, "r1"), ("done", "li", "d1", True)]))
def test_merge_is_associative(templates, spec_a, spec_b, spec_c):
    """(A<-B)<-C, A<-(B<-C) and (A<-C)<-B: one content where nothing conflicts. With conflicts,
    "mine" throughout makes A win over B over C, however the merges are grouped."""
    associative(templates, spec_a, spec_b, spec_c)


def associative(templates, spec_a, spec_b, spec_c) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a, b, c = (build(folder, n, templates, s) for n, s in (("a", spec_a), ("b", spec_b), ("c", spec_c)))
        results = [chain(folder, a, b, c, None, "abc"), chain(folder, a, b, c, None, "a-bc", left=False),
                   chain(folder, a, c, b, None, "acb")]
        if None in results:
            results = [chain(folder, a, b, c, "mine", "abc-mine"), chain(folder, a, b, c, "mine", "a-bc-mine",
                                                                         left=False)]
        dumps = [content_dump(path) for path in results]
        assert all(d == dumps[0] for d in dumps[1:])
