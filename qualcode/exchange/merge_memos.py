"""Memos in a merge (docs/merge.md): which memo is which (its UUID), what each is about after
the merge (the thing it names, by that thing's identity: a document by its text, a participant
by key, a code or theme by its UUID in the target), and where two copies of one memo differ.

A step of `merge_plan.combine`, apart because memos are about the things the rest combines:
it runs once the documents, codes and themes are combined, and before the participants (a
participant a memo is about is kept)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .merge_content import MINE, THEIRS, Content, Memo

UidMaps = tuple[dict[str, str], dict[str, str]]  # (ours, theirs): each side's uid -> the target's


def combine_memos(ours: Content, theirs: Content, target: Content, code_uids: UidMaps, theme_uids: UidMaps,
                  side: Callable[..., str], prefer: str | None, left_out: list[str]) -> dict[str, Memo]:
    """The memos of both by UUID, each about its thing by identity (the caller gives them the
    UUIDs those things have in the target). `side` settles a conflict (the combiner's); their
    memos about something in neither project go to `left_out`, ours stay as they are."""
    def identities(content: Content, codes: dict[str, str], themes: dict[str, str]) -> dict[str, dict[str, str]]:
        return {"document": {d.uid: sha for sha, d in content.documents.items()},
                "participant": {p.uid: key for key, p in content.participants.items()},
                "code": codes, "theme": themes}

    sides = {MINE: identities(ours, code_uids[0], theme_uids[0]),
             THEIRS: identities(theirs, code_uids[1], theme_uids[1])}

    def about(memo: Memo | None, whose: str) -> tuple[str, str | None] | None:
        """(kind, identity); None: about something in neither project. A thing deleted on the
        memo's side may still be on the other (and then in the target): the memo follows it."""
        if memo is None:
            return None
        if memo.kind == "project":
            return ("project", None)
        other = THEIRS if whose == MINE else MINE
        found = sides[whose].get(memo.kind, {}).get(memo.target) or sides[other].get(memo.kind, {}).get(memo.target)
        return None if found is None else (memo.kind, found)

    def named(value: tuple[str, str | None]) -> str:
        kind, identity = value
        if kind == "project":
            return "the project"
        things = {"document": target.documents, "code": target.codes, "theme": target.themes}
        return f"{kind} '{identity if kind == 'participant' else things[kind][identity].name}'"

    out: dict[str, Memo] = {}
    for uid in [*ours.memos, *(u for u in theirs.memos if u not in ours.memos)]:
        mine, other = ours.memos.get(uid), theirs.memos.get(uid)
        here, there = about(mine, MINE), about(other, THEIRS)
        if here is None and there is None:  # ours stays as it is (the merge never writes it)
            if other is not None:
                left_out.append(f"memo {uid[:8]} by {other.author} on a {other.kind} that is in neither project: "
                                f"{clip(other.text)}")
            continue
        if there is None or here is None:
            one, (kind, identity) = (mine, here) if there is None else (other, there)
            out[uid] = replace(one, kind=kind, target=identity, id=mine.id if mine else 0)
            continue
        subject = f"memo {uid[:8]} by {mine.author} on {named(here)}"
        about_side = side(f"memo {uid}:about", subject, "about", here, there, named)
        text_side = side(f"memo {uid}:text", subject, "text", mine.text, other.text, clip)
        author_side = side(f"memo {uid}:author", subject, "author", mine.author, other.author, clip)
        settled = [s for s, differ in ((text_side, mine.text != other.text), (about_side, here != there),
                                       (author_side, mine.author != other.author)) if differ]
        if settled:  # the dates come with the record that won
            record = settled[0]
        else:  # the same memo: the preferred side's record (so chains agree), else the later change's
            record = prefer or (MINE if (mine.updated_at, mine.created_at) >= (other.updated_at, other.created_at)
                                else THEIRS)
        kind, identity = there if about_side == THEIRS else here
        out[uid] = replace(other if record == THEIRS else mine, kind=kind, target=identity, id=mine.id,
                           text=other.text if text_side == THEIRS else mine.text,
                           author=other.author if author_side == THEIRS else mine.author)
    return out


def clip(text: str, width: int = 60) -> str:
    """A long text on one line, for a conflict or a left-out memo."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")
