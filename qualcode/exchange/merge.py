"""Merging a co-author's project into this one (docs/merge.md).

1. Their file is read from a private copy (`store.snapshot`): a plain path, never changed,
   nothing left beside it; refused whole, with the list of problems, unless it is sound.
2. Both projects are read as content (`merge_content`), combined into the target
   (`merge_plan.combine`, a pure function: commutative, idempotent, associative), and the
   differences written in one transaction (`merge_apply`), counted as they are written.
3. Where the two disagree the merge does not guess: it stops with the conflicts, unless told
   which side wins (`prefer` "mine" or "theirs", or `choose`, asked per conflict before the
   transaction begins). `dry_run` does everything and then rolls it back.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QualcodeError
from ..model import plural
from ..store import Store
from ..store.snapshot import coauthor_snapshot
from .merge_apply import Tally, apply
from .merge_checks import content_problems
from .merge_content import Content, read_content
from .merge_plan import MINE, THEIRS, Conflict, combine

PREFERENCES = (MINE, THEIRS)
TABLES = ("documents", "participants", "speakers", "coders", "codes", "themes", "segments", "decisions",
          "memos", "done_marks", "redactions")


@dataclass
class MergeReport:
    """What a merge did (or, dry, would do): every count is of rows written."""

    source: str
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    documents_added: list[str] = field(default_factory=list)
    documents_matched: list[str] = field(default_factory=list)
    participants_added: list[str] = field(default_factory=list)
    coders_added: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    themes_added: list[str] = field(default_factory=list)
    segments_added: int = 0
    segments_present: int = 0
    decisions_added: int = 0
    memos_present: int = 0
    kept_both: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # what of theirs the merge does not take, and why
    dry_run: bool = False
    merged: bool = True  # False: stopped at conflicts (a dry run tells them instead of failing)

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        def count(table: str) -> str:
            parts = [f"{self.added.get(table, 0)} added"]
            parts += [f"{n} {word}" for word, n in (("changed", self.changed.get(table, 0)),
                                                   ("removed", self.removed.get(table, 0))) if n]
            return ", ".join(parts)

        out = ["dry run: nothing was written; the merge would do this" if self.dry_run else f"merged {self.source}"]
        if not self.merged:
            out = [f"dry run: the merge would stop at {plural(len(self.conflicts), 'conflict')} "
                   "(choose a side with --prefer mine|theirs|ask)"]
        out += [
            f"documents: {count('documents')}, {len(self.documents_matched)} already here",
            f"participants: {count('participants')}",
            f"coders: {count('coders')}" + (f" ({', '.join(self.coders_added)})" if self.coders_added else ""),
            f"codes: {count('codes')}",
            f"themes: {count('themes')}",
            f"segments: {count('segments')}, {self.segments_present} already here",
            f"decisions: {count('decisions')}",
            f"memos: {count('memos')}, {self.memos_present} already here",
            f"done marks: {count('done_marks')}",
        ] if self.merged else []
        if self.added.get("redactions"):
            out.append(f"redacted names: {self.added['redactions']} added")
        out += [f"kept both: {line}" for line in self.kept_both]
        out += [f"conflict: {line}" for line in self.conflicts]
        out += [f"left out: {line}" for line in self.left_out]
        return out


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def merge_project(ours: Store, other_path: Path, actor: str, *, prefer: str | None = None,
                  choose: Callable[[Conflict], str] | None = None, dry_run: bool = False) -> MergeReport:
    other_path = Path(other_path)
    if prefer not in (None, *PREFERENCES):
        raise QualcodeError(f"unknown preference '{prefer}' (use mine or theirs)", prefer)
    if _same_file(other_path, ours.path):
        raise QualcodeError("cannot merge a project into itself", other_path)
    source = other_path.name
    with coauthor_snapshot(other_path) as their_store:
        theirs = read_content(their_store)
        problems = content_problems(theirs)
        if problems:
            raise QualcodeError(f"{plural(len(problems), 'problem')} in the project, nothing merged", other_path,
                                details=problems)
        answers: dict[str, str] = {}
        if choose is not None:  # asked before the transaction: no lock is held while someone thinks
            for conflict in combine(read_content(ours), theirs, lambda c: None, source).conflicts:
                answers[conflict.key] = choose(conflict)
        report = MergeReport(source, dry_run=dry_run)
        try:
            with ours.transaction():
                mine = read_content(ours)
                plan = combine(mine, theirs, lambda c: answers.get(c.key) or prefer, source, prefer)
                report.conflicts = [c.line() for c in plan.conflicts]
                report.kept_both = plan.kept_both
                if plan.unresolved:
                    if dry_run:  # what would be kept both depends on how the conflicts are settled
                        report.merged, report.kept_both = False, []
                        report.conflicts = [c.line() for c in plan.unresolved]
                        raise _DryRun
                    raise QualcodeError(
                        f"{plural(len(plan.unresolved), 'conflict')}, nothing merged (see them with --dry-run; "
                        "choose a side with --prefer mine|theirs|ask)", other_path,
                        details=[c.line() for c in plan.unresolved])
                tally = apply(ours, their_store, mine, theirs, plan, actor=actor, source=source)
                _fill(report, tally, mine, theirs, plan.target)
                report.left_out = plan.left_out + _recordings_left(ours, their_store, mine, theirs, plan.target)
                ours.log(actor, "project.merge", {
                    "from": source, "prefer": prefer, "added": report.added, "changed": report.changed,
                    "removed": report.removed, "conflicts": report.conflicts, "kept_both": report.kept_both,
                    "left_out": report.left_out})
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return report


def _fill(report: MergeReport, tally: Tally, mine: Content, theirs: Content, target: Content) -> None:
    report.added = {t: tally.added[t] for t in TABLES if tally.added[t]}
    report.changed = {t: tally.changed[t] for t in TABLES if tally.changed[t]}
    report.removed = {t: tally.removed[t] for t in TABLES if tally.removed[t]}
    report.documents_added = tally.names.get("documents", [])
    report.participants_added = tally.names.get("participants", [])
    report.coders_added = tally.names.get("coders", [])
    report.codes_added = tally.names.get("codes", [])
    report.themes_added = tally.names.get("themes", [])
    report.documents_matched = [target.documents[sha].name for sha in theirs.documents if sha in mine.documents]
    report.segments_added = tally.added["segments"]
    report.segments_present = tally.codings_present
    report.decisions_added = tally.added["decisions"]
    report.memos_present = tally.memos_present


def _recordings_left(ours: Store, their_store: Store, mine: Content, theirs: Content, target: Content) -> list[str]:
    """Their recording links of documents that have none here: told, not taken (a link is where
    one project's file finds a recording on one machine: docs/merge.md)."""
    ours_linked = set(ours.media_links())
    linked_here = {sha for sha, d in mine.documents.items() if d.id in ours_linked}
    sha_of = {d.id: sha for sha, d in theirs.documents.items()}
    lines = []
    for doc_id, path in their_store.media_links().items():
        if sha_of[doc_id] not in linked_here:
            name = target.documents[sha_of[doc_id]].name
            lines.append(f"the recording of '{name}' is linked there as {path!r}: each project links its own "
                         f"(qualcode media '{name}' FILE links it here)")
    return lines


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
