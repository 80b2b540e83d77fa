"""What two projects make together: a pure function of their contents (docs/merge.md).

`combine(ours, theirs, resolve)` gives the target content; it never looks at which side is
ours except to ask `resolve` which side wins where they disagree. So combine(A, B) and
combine(B, A) are the same content when nothing conflicts (and when "mine" of one is "theirs"
of the other), and combining the result with B again changes nothing.

The rules, field by field:
- identity: a document by its text, a participant by key, a coder by name, a code or theme by
  UUID or by name (`match_entries`), a coding by UUID and then by what it codes (coder, code,
  span: the same coding made twice is one), a decision by document, unit, span, coders, consensus;
- a thing found on one side only is taken as it is;
- a thing on both sides keeps the smaller UUID (the same on either side);
- optional values (a group, a pseudonym, an attribute, a label or text in a language, a colour,
  a memo, a note, a speaker's participant): one side's, where the other has none; a conflict
  where both have one and they differ;
- values every thing has (names, parents, codable, retired, a coding's code and span, a
  decision's choice and codes, how a document is read): a conflict where they differ;
- a theme's codes: a conflict where the two differ over codes both projects know; a code only
  one project knows keeps that project's themes;
- a mark (exemplar) counts where either side set it; provenance (who imported, who decided,
  when) comes with the record that keeps its UUID or wins its conflict;
- two different things with one name (documents, codes, themes) keep both: the one with the
  smaller UUID the name, the other "name (1a2b3c4d)", the start of its UUID;
- a decision that loses its conflict takes the consensus codings only it wrote with it;
- a memo (by UUID) follows the thing it is about to that thing's UUID in the target; its text,
  author and what it is about are values every memo has; its dates come with the record that
  wins (with no conflict: the preferred side's, else the later edit). A memo about something in
  neither project (deleted after it was written) is no content: theirs is left out and told,
  ours stays as it is. A participant with a memo carries something (it is kept);
- a done mark (a document, a coder) is a fact by that coder: the union, the earlier time kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..codebook import match_entries
from ..errors import QualcodeError
from ..model import decision_key
from .merge_content import MINE, THEIRS, Code, Coding, Content, Decision, Document, Person, Theme
from .merge_memos import combine_memos


@dataclass
class Conflict:
    key: str  # stable across runs: which thing and which field
    subject: str  # "code 'Old'"
    field: str
    mine: str
    theirs: str
    choice: str | None = None  # MINE, THEIRS, or None: undecided

    def line(self) -> str:
        kept = {MINE: " (kept ours)", THEIRS: " (kept theirs)"}.get(self.choice or "", "")
        return f"{self.subject}: {self.field} {self.mine} here, {self.theirs} there{kept}"


Resolve = Callable[[Conflict], str | None]


@dataclass
class Absorbed:
    """A target coding and the rows it is made of: ours (row ids) and theirs (uids)."""

    coding: Coding
    our_rows: list[int] = field(default_factory=list)
    their_uids: list[str] = field(default_factory=list)


@dataclass
class Plan:
    target: Content
    codings: list[Absorbed]
    # kind -> (our uid -> its uid in the target, their uid -> its uid in the target), for
    # "document", "participant", "coder", "code", "theme": what refers to a thing by its uid
    # (a memo's target) follows it here
    uids: dict[str, tuple[dict[str, str], dict[str, str]]]
    conflicts: list[Conflict] = field(default_factory=list)
    kept_both: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # their memos about something in neither project

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.choice is None]


def combine(ours: Content, theirs: Content, resolve: Resolve, source: str = "there", prefer: str | None = None) -> Plan:
    """The target content. `prefer` (MINE or THEIRS), when one side wins every conflict, also
    says whose record of an agreement is kept (who decided, when): the side that wins is the
    side whose view the merge keeps, so chains of merges agree however they are grouped."""
    return _Combiner(ours, theirs, resolve, source, prefer).plan()


def base_name(name: str, uids: set[str]) -> str:
    """A name without the twin mark a merge gave it ("New (1a2b3c4d)" -> "New")."""
    for uid in uids:
        for mark in (f" ({uid[:8]})", f" ({uid})"):
            if name.endswith(mark) and len(name) > len(mark):
                return name[: -len(mark)]
    return name


def twin_names(items: dict[str, str]) -> dict[str, str]:
    """Names for things by uid (uid -> base name), unique: of those sharing a name, the one
    with the smallest uid keeps it, the others carry the start of their uid."""
    taken = set(items.values())
    names: dict[str, str] = {}
    seen: set[str] = set()
    for uid, name in sorted(items.items(), key=lambda kv: (kv[1], kv[0])):
        if name not in seen:
            names[uid] = name
        else:
            twin = f"{name} ({uid[:8]})"
            names[uid] = twin if twin not in taken else f"{name} ({uid})"
        seen.add(name)
    return names


@dataclass(frozen=True)
class _Named:
    uid: str
    name: str


def match(theirs: list, ours: list) -> dict[str, str]:
    """Their uid -> our uid for the codes (or themes) that are one: `match_entries`, the one
    matcher, on names without the twin marks a merge gave them (a twin is still called what it
    was called); of twins, the one with the smaller uid first."""
    def named(items: list) -> list[_Named]:
        return sorted((_Named(x.uid, base_name(x.name, {x.uid})) for x in items), key=lambda x: (x.name, x.uid))

    return {t.uid: o.uid for t, o in match_entries(named(theirs), named(ours)) if o}


def _unset(value) -> bool:
    return value is None or value == "" or value == {}


def _show(value) -> str:
    if isinstance(value, list | tuple | set):
        return "[" + ", ".join(map(str, value)) + "]"
    return "(none)" if value is None else repr(value) if isinstance(value, str) else str(value)


class _Combiner:
    def __init__(self, ours: Content, theirs: Content, resolve: Resolve, source: str, prefer: str | None) -> None:
        self.ours, self.theirs, self.resolve, self.source, self.prefer = ours, theirs, resolve, source, prefer
        self.conflicts: list[Conflict] = []
        self.kept_both: list[str] = []
        self.left_out: list[str] = []
        self.our_coding_uids = {c.id: c.uid for c in ours.codings.values()}

    # --- the two ways values meet -------------------------------------------------------------

    def side(self, key: str, subject: str, what: str, mine, theirs, show=_show) -> str:
        """Whose value stands: MINE where they agree, else what `resolve` says of the conflict
        (undecided counts as MINE for now; the plan lists it as unresolved)."""
        if mine == theirs:
            return MINE
        conflict = Conflict(key, subject, what, show(mine), show(theirs))
        conflict.choice = self.resolve(conflict)
        self.conflicts.append(conflict)
        return THEIRS if conflict.choice == THEIRS else MINE

    def pick(self, key: str, subject: str, what: str, mine, theirs, show=_show):
        """Values every thing has: equal, or a conflict that `resolve` settles."""
        return theirs if self.side(key, subject, what, mine, theirs, show) == THEIRS else mine

    def unify(self, key: str, subject: str, what: str, mine, theirs):
        """Optional values: one side's where the other has none."""
        if _unset(theirs) or mine == theirs:
            return mine
        if _unset(mine):
            return theirs
        return self.pick(key, subject, what, mine, theirs)

    def unify_map(self, key: str, subject: str, what: str, mine: dict, theirs: dict) -> dict:
        out = {}
        for k in [*mine, *(k for k in theirs if k not in mine)]:
            value = self.unify(f"{key}:{k}", subject, f"{what} ({k})", mine.get(k), theirs.get(k))
            if not _unset(value):
                out[k] = value
        return out

    # --- the whole ----------------------------------------------------------------------------

    def plan(self) -> Plan:
        self.check_uids()
        target = Content()
        target.documents = self.documents()
        target.coders = {name: min(uid for uid in (self.ours.coders.get(name), self.theirs.coders.get(name)) if uid)
                         for name in [*self.ours.coders, *self.theirs.coders]}
        target.codes, code_uids, their_code_uids = self.codes()
        target.themes, theme_uids, their_theme_uids = self.themes(target.codes, code_uids, their_code_uids)
        memos = combine_memos(self.ours, self.theirs, target, (code_uids, their_code_uids),
                              (theme_uids, their_theme_uids), self.side, self.prefer, self.left_out)
        target.participants = self.participants(target.documents, {m.target for m in memos.values()
                                                                   if m.kind == "participant"})
        target.memos = {uid: replace(m, target=target.documents[m.target].uid if m.kind == "document" else
                                     target.participants[m.target].uid if m.kind == "participant" else m.target)
                        for uid, m in memos.items()}
        target.done = dict(self.ours.done)
        for key, at in self.theirs.done.items():  # a mark is a fact by its coder: the earlier is kept
            target.done[key] = min(at, target.done[key]) if key in target.done else at
        decisions, lost = self.decisions(code_uids, their_code_uids, target.codes)
        codings = self.codings(code_uids, their_code_uids, lost, target.documents, target.codes)
        target.codings = {a.coding.uid: a.coding for a in codings}
        target.decisions = self.finish_decisions(decisions, codings, target)
        target.redactions = self.ours.redactions + [n for n in self.theirs.redactions if n not in self.ours.redactions]
        def by_identity(kind: str, target_uid: Callable[[str], str]) -> tuple[dict[str, str], dict[str, str]]:
            sides = [{"document": {d.uid: sha for sha, d in c.documents.items()},
                      "participant": {p.uid: key for key, p in c.participants.items()},
                      "coder": {uid: name for name, uid in c.coders.items()}}[kind] for c in (self.ours, self.theirs)]
            return ({u: target_uid(i) for u, i in sides[0].items()}, {u: target_uid(i) for u, i in sides[1].items()})

        uids = {"document": by_identity("document", lambda sha: target.documents[sha].uid),
                "participant": by_identity("participant", lambda k: target.participants[k].uid
                                           if k in target.participants else None),
                "coder": by_identity("coder", lambda name: target.coders[name]),
                "code": (code_uids, their_code_uids), "theme": (theme_uids, their_theme_uids)}
        return Plan(target, codings, uids, self.conflicts, self.kept_both, self.left_out)

    def check_uids(self) -> None:
        """One UUID names one thing: a UUID that is one thing here and another there (a document
        of another text, a participant of another key…) is no conflict of values but a broken
        identity, which no side's preference mends."""
        def identities(c: Content) -> dict[str, dict[str, tuple]]:  # kind -> uid -> (identity, name)
            return {"document": {d.uid: (sha, d.name) for sha, d in c.documents.items()},
                    "participant": {p.uid: (key, key) for key, p in c.participants.items()},
                    "coder": {uid: (name, name) for name, uid in c.coders.items()},
                    "decision": {d.uid: (i, f"{d.start}:{d.end}") for i, d in c.decisions.items()}}

        clashes = []
        theirs_all = identities(self.theirs)
        for kind, ours in identities(self.ours).items():
            theirs = theirs_all[kind]
            for uid in sorted(set(ours) & set(theirs)):
                if ours[uid][0] != theirs[uid][0]:
                    clashes.append(f"{kind} '{ours[uid][1]}' here and {kind} '{theirs[uid][1]}' in {self.source} "
                                   f"share the UUID {uid}")
        if clashes:
            raise QualcodeError(f"{len(clashes)} UUIDs name different things in the two projects, nothing merged",
                                self.source, details=clashes)

    def twins(self, kind: str, bases: dict[str, str], ours: dict[str, str], theirs: dict[str, str]) -> dict[str, str]:
        """Final names (uid -> name), telling each thing whose name differs from its base;
        `ours` and `theirs` name the things each side has, by their uid in the target."""
        names = twin_names(bases)
        for uid, name in names.items():
            if name != bases[uid]:
                here = ours.get(uid)
                if here is not None:
                    self.kept_both.append(f"{kind} '{here}' here is now '{name}': another {kind} "
                                          f"'{bases[uid]}' comes from {self.source}")
                else:
                    self.kept_both.append(f"{kind} '{theirs.get(uid, bases[uid])}' from {self.source} is another "
                                          f"{kind} than '{bases[uid]}' here: added as '{name}'")
        return names

    # --- documents ----------------------------------------------------------------------------

    def documents(self) -> dict[str, Document]:
        out: dict[str, Document] = {}
        for sha in [*self.ours.documents, *(s for s in self.theirs.documents if s not in self.ours.documents)]:
            mine, theirs = self.ours.documents.get(sha), self.theirs.documents.get(sha)
            if not (mine and theirs):
                one = mine or theirs
                out[sha] = replace(one, name=base_name(one.name, {one.uid}), speakers=dict(one.speakers))
                continue
            uids = {mine.uid, theirs.uid}
            first = mine if mine.uid <= theirs.uid else theirs
            subject, key = f"document '{mine.name}'", f"document {sha[:16]}"
            names = base_name(mine.name, uids), base_name(theirs.name, uids)
            named_by = self.side(f"{key}:name", subject, "name", *names)
            group = self.unify(f"{key}:group", subject, "group", mine.group, theirs.group)
            read_by = MINE
            if mine.units != theirs.units:  # another language, other turns or sentences
                shown = (mine.reading, theirs.reading) if mine.reading != theirs.reading else (
                    f"{mine.reading} ({mine.units[:8]})", f"{theirs.reading} ({theirs.units[:8]})")
                read_by = self.side(f"{key}:reading", subject, "reading", *shown, show=str)
            reader = theirs if read_by == THEIRS else mine
            speakers = {}
            for label in reader.speakers:
                who, other = mine.speakers.get(label), theirs.speakers.get(label)
                # the participant import made for a speaker, named after the document, yields to one
                # a person chose; where both sides have their import's, the document's name decides
                made = who == f"{mine.name}/{label}", other == f"{theirs.name}/{label}"
                if made == (True, True):
                    speakers[label] = other if named_by == THEIRS else who
                elif made == (True, False) and other:
                    speakers[label] = other
                elif made == (False, True) and who:
                    speakers[label] = who
                else:
                    speakers[label] = self.unify(f"{key}:speaker:{label}", subject, f"participant of speaker "
                                                 f"'{label}'", who, other)
            name = names[1] if named_by == THEIRS else names[0]
            out[sha] = replace(mine, uid=first.uid, name=name, group=group, provenance=dict(first.provenance),
                               speakers=speakers, lang=reader.lang, units=reader.units, reading=reader.reading,
                               reading_of=read_by)
        names = self.twins("document", {d.uid: d.name for d in out.values()},
                           {out[sha].uid: d.name for sha, d in self.ours.documents.items()},
                           {out[sha].uid: d.name for sha, d in self.theirs.documents.items()})
        for document in out.values():
            document.name = names[document.uid]
        return out

    def participants(self, documents: dict[str, Document], noted: set[str]) -> dict[str, Person]:
        """Participants by key; `noted`: the keys of those a memo is about (they carry something)."""
        out: dict[str, Person] = {}
        for key in [*self.ours.participants, *(k for k in self.theirs.participants if k not in self.ours.participants)]:
            mine, theirs = self.ours.participants.get(key), self.theirs.participants.get(key)
            if not (mine and theirs):
                out[key] = replace(mine or theirs)
                continue
            subject = f"participant '{key}'"
            out[key] = replace(
                mine, uid=min(mine.uid, theirs.uid),
                pseudonym=self.unify(f"participant {key}:pseudonym", subject, "pseudonym", mine.pseudonym,
                                     theirs.pseudonym),
                attributes=self.unify_map(f"participant {key}:attribute", subject, "attribute", mine.attributes,
                                          theirs.attributes))
        # one made for a speaker at import, whose speaker the merge linked to another participant
        linked = {who for d in documents.values() for who in d.speakers.values() if who}
        was_linked = {who for side in (self.ours, self.theirs) for d in side.documents.values()
                      for who in d.speakers.values() if who}
        return {key: p for key, p in out.items()
                if key in linked or key not in was_linked or p.pseudonym or p.attributes or key in noted}

    # --- the codebook -------------------------------------------------------------------------

    def codes(self) -> tuple[dict[str, Code], dict[str, str], dict[str, str]]:
        ours, theirs = list(self.ours.codes.values()), list(self.theirs.codes.values())
        mine_of = {t: self.ours.codes[o] for t, o in match(theirs, ours).items()}
        our_uids = {c.uid: c.uid for c in ours}
        their_uids = {c.uid: c.uid for c in theirs}
        for t_uid, o in mine_of.items():
            our_uids[o.uid] = their_uids[t_uid] = min(o.uid, t_uid)
        names_ours = {c.uid: c.name for c in ours}
        names_theirs = {c.uid: c.name for c in theirs}
        merged: dict[str, Code] = {}
        for code in ours:
            merged[our_uids[code.uid]] = replace(code, uid=our_uids[code.uid], name=base_name(code.name, {code.uid}),
                                                 parent=our_uids.get(code.parent) if code.parent else None)
        for code in theirs:
            uid = their_uids[code.uid]
            parent = their_uids.get(code.parent) if code.parent else None
            mine = merged.get(uid)
            if mine is None:
                merged[uid] = replace(code, uid=uid, name=base_name(code.name, {code.uid}), parent=parent, id=0)
                continue
            other = mine_of[code.uid]
            uids = {other.uid, code.uid}
            subject, key = f"code '{other.name}'", f"code {uid}"
            name = self.pick(f"{key}:name", subject, "name", base_name(other.name, uids), base_name(code.name, uids))
            show_code = lambda u: _show(None if u is None else names_ours.get(u) or names_theirs.get(u) or u)  # noqa: E731
            merged[uid] = replace(
                mine, uid=uid, name=name,
                parent=self.pick(f"{key}:parent", subject, "parent", mine.parent, parent, show_code),
                texts={f: self.unify_map(f"{key}:{f}", subject, f.replace("_", " "), mine.texts.get(f, {}),
                                         code.texts.get(f, {})) for f in mine.texts},
                color=self.unify(f"{key}:color", subject, "colour", mine.color, code.color),
                codable=self.pick(f"{key}:codable", subject, "codable", mine.codable, code.codable),
                retired=self.pick(f"{key}:retired", subject, "retired", mine.retired, code.retired))
        names = self.twins("code", {uid: c.name for uid, c in merged.items()},
                           {our_uids[u]: n for u, n in names_ours.items()},
                           {their_uids[u]: n for u, n in names_theirs.items()})
        for uid, code in merged.items():
            code.name = names[uid]
        return _tree_order(merged), our_uids, their_uids

    def themes(self, codes: dict[str, Code], code_uids: dict[str, str],
               their_code_uids: dict[str, str]) -> tuple[dict[str, Theme], dict[str, str], dict[str, str]]:
        ours, theirs = list(self.ours.themes.values()), list(self.theirs.themes.values())
        mine_of = {t: self.ours.themes[o] for t, o in match(theirs, ours).items()}
        our_uids = {t.uid: t.uid for t in ours}
        for t_uid, o in mine_of.items():
            our_uids[o.uid] = min(o.uid, t_uid)
        known_mine, known_theirs = set(code_uids.values()), set(their_code_uids.values())
        common = known_mine & known_theirs
        merged: dict[str, Theme] = {}
        for theme in ours:
            merged[our_uids[theme.uid]] = replace(theme, uid=our_uids[theme.uid],
                                                  name=base_name(theme.name, {theme.uid}),
                                                  codes=[code_uids[u] for u in theme.codes])
        for theme in theirs:
            members = [their_code_uids[u] for u in theme.codes]
            other = mine_of.get(theme.uid)
            if other is None:
                uid = theme.uid
                merged[uid] = replace(theme, name=base_name(theme.name, {uid}), codes=members, id=0)
                continue
            uid = our_uids[other.uid]
            mine = merged[uid]
            uids = {other.uid, theme.uid}
            subject, key = f"theme '{other.name}'", f"theme {uid}"
            shared_mine = [u for u in mine.codes if u in common]
            shared_theirs = [u for u in members if u in common]
            differ = sorted(set(shared_mine) ^ set(shared_theirs), key=lambda u: codes[u].name)
            chosen = self.pick(f"{key}:codes", subject, "of the codes both projects have, it holds",
                               frozenset(shared_mine), frozenset(shared_theirs),
                               lambda side, differ=differ: _show([codes[u].name for u in differ if u in side]))
            order = shared_mine + [u for u in shared_theirs if u not in shared_mine]
            merged[uid] = replace(
                mine, name=self.pick(f"{key}:name", subject, "name", base_name(other.name, uids),
                                     base_name(theme.name, uids)),
                labels=self.unify_map(f"{key}:label", subject, "label", mine.labels, theme.labels),
                definition=self.unify_map(f"{key}:definition", subject, "definition", mine.definition,
                                          theme.definition),
                codes=[u for u in order if u in chosen]
                + [u for u in mine.codes if u not in known_theirs]
                + [u for u in members if u not in known_mine])
        their_uids = {t.uid: our_uids[mine_of[t.uid].uid] if t.uid in mine_of else t.uid for t in theirs}
        names = self.twins("theme", {uid: t.name for uid, t in merged.items()},
                           {our_uids[t.uid]: t.name for t in ours}, {their_uids[t.uid]: t.name for t in theirs})
        for uid, theme in merged.items():
            theme.name = names[uid]
        return merged, our_uids, their_uids

    # --- codings and decisions ----------------------------------------------------------------

    def decisions(self, code_uids: dict[str, str], their_code_uids: dict[str, str],
                  codes: dict[str, Code]) -> tuple[dict[tuple, Decision], set[str]]:
        """Decisions (their codings still as each side wrote them) and the codings written only
        by a decision that lost its conflict."""
        def mapped(d: Decision, uids: dict[str, str]) -> Decision:
            return replace(d, codes=tuple(sorted(uids.get(c, c) for c in d.codes)))

        def show(value: tuple) -> str:
            choice, kept = value
            return f"{choice} {_show([codes[c].name if c in codes else c[1:] for c in kept])}"

        out: dict[tuple, Decision] = {}
        lost: set[str] = set()
        for ident in [*self.ours.decisions, *(i for i in self.theirs.decisions if i not in self.ours.decisions)]:
            mine, theirs = self.ours.decisions.get(ident), self.theirs.decisions.get(ident)
            if not (mine and theirs):
                out[ident] = mapped(mine, code_uids) if mine else mapped(theirs, their_code_uids)
                continue
            mine, theirs = mapped(mine, code_uids), mapped(theirs, their_code_uids)
            uid = min(mine.uid, theirs.uid)
            document = self.ours.documents[mine.doc].name
            subject = f"decision on '{document}' {mine.start}:{mine.end} ({' and '.join(mine.coders)})"
            if (mine.choice, mine.codes) != (theirs.choice, theirs.codes):
                side = self.side(f"decision {uid}:choice", subject, "choice", (mine.choice, mine.codes),
                                 (theirs.choice, theirs.codes), show)
                winner, loser = (theirs, mine) if side == THEIRS else (mine, theirs)
                lost |= set(loser.segments) - set(winner.segments)
                segments = winner.segments
            else:  # the same decision, made twice: the preferred side's record, else the smaller UUID's
                first = MINE if mine.uid <= theirs.uid else THEIRS
                winner = theirs if (self.prefer or first) == THEIRS else mine
                segments = tuple(sorted(set(mine.segments) | set(theirs.segments)))
            out[ident] = replace(winner, uid=uid, segments=segments, id=mine.id,
                                 note=self.unify(f"decision {uid}:note", subject, "note", mine.note, theirs.note))
        return out, lost

    def codings(self, code_uids: dict[str, str], their_code_uids: dict[str, str], lost: set[str],
                documents: dict[str, Document], codes: dict[str, Code]) -> list[Absorbed]:
        ours = {u: replace(c, code=code_uids[c.code]) for u, c in self.ours.codings.items()}
        theirs = {u: replace(c, code=their_code_uids[c.code]) for u, c in self.theirs.codings.items()}
        # a UUID on both sides: one coding, whose code and span must agree
        for uid in [u for u in theirs if u in ours]:
            mine, other = ours[uid], theirs[uid]
            if mine.key != other.key:
                subject = f"coding {uid[:8]} by {mine.coder} in '{documents[mine.doc].name}'"
                show = lambda c: f"{codes[c.code].name!r} on {c.start}:{c.end}"  # noqa: E731
                if self.side(f"coding {uid}:span", subject, "code and span", mine, other, show) == THEIRS:
                    ours[uid] = replace(other, id=mine.id)  # our row becomes theirs
                else:
                    theirs[uid] = replace(mine, id=0)
        classes: dict[tuple, list[tuple[str, Coding]]] = {}
        for side, codings in ((MINE, ours), (THEIRS, theirs)):
            for coding in codings.values():
                classes.setdefault(coding.key, []).append((side, coding))
        out = []
        for members in classes.values():
            if all(c.uid in lost for _, c in members):
                continue
            first = min((c for _, c in members), key=lambda c: c.uid)
            subject = f"coding {first.uid[:8]} by {first.coder} in '{documents[first.doc].name}'"

            def side_value(side: str, attribute: str, members=members) -> str | None:
                values = sorted({getattr(c, attribute) for s, c in members if s == side and getattr(c, attribute)})
                return "\n\n".join(values) or None

            coding = replace(
                first, id=0,
                memo=self.unify(f"coding {first.uid}:memo", subject, "memo", side_value(MINE, "memo"),
                                side_value(THEIRS, "memo")),
                translation=self.unify(f"coding {first.uid}:translation", subject, "translation",
                                       side_value(MINE, "translation"), side_value(THEIRS, "translation")),
                exemplar=any(c.exemplar for _, c in members),
                created_at=min(c.created_at for _, c in members if c.uid == first.uid))
            out.append(Absorbed(coding, sorted(c.id for s, c in members if s == MINE),
                                sorted({c.uid for s, c in members if s == THEIRS})))
        return out

    def finish_decisions(self, decisions: dict[tuple, Decision], codings: list[Absorbed],
                         target: Content) -> dict[tuple, Decision]:
        """Each decision's codings under their merged UUIDs, its key from its document's UUID."""
        final = {}
        for absorbed in codings:
            for uid in absorbed.their_uids:
                final[uid] = absorbed.coding.uid
        for absorbed in codings:
            for row in absorbed.our_rows:
                final[self.our_coding_uids[row]] = absorbed.coding.uid
        known = set(self.ours.codings) | set(self.theirs.codings)
        out = {}
        for ident, d in decisions.items():
            segments = tuple(sorted({final[u] for u in d.segments if u in final}
                                    | {u for u in d.segments if u not in known}))
            out[ident] = replace(d, segments=segments)
        return out


def decision_keys(target: Content) -> dict[tuple, str]:
    """Each decision's key, from its document's UUID (which a merge may change)."""
    return {ident: decision_key(target.documents[d.doc].uid, d.unit, d.start, d.end, d.coders)
            for ident, d in target.decisions.items()}


def _tree_order(codes: dict[str, Code]) -> dict[str, Code]:
    """Parents before children, siblings in the order given; a cycle is refused."""
    children: dict[str | None, list[Code]] = {}
    for code in codes.values():
        children.setdefault(code.parent if code.parent in codes else None, []).append(code)
    ordered: dict[str, Code] = {}

    def walk(parent: str | None) -> None:
        for code in children.get(parent, []):
            ordered[code.uid] = code
            walk(code.uid)

    walk(None)
    if len(ordered) != len(codes):
        stuck = sorted(c.name for uid, c in codes.items() if uid not in ordered)
        raise QualcodeError("the choices made would put codes under themselves: " + ", ".join(stuck), "merge")
    return ordered
