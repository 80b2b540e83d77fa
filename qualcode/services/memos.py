"""Memos: on the project, a document, a code, a theme, a participant, or a coding.

A memo is authored and dated. Those on the project, documents, codes, themes and participants
are rows of their own (`memos`), targeting the thing by uid so they survive renames and merges;
every write is one transaction with its event (`memo.add`, `memo.edit`, `memo.remove`).

A coding's memo stays where it always was, on its segment (`segments.memo`): it belongs to that
coding — undone with ctrl+z, merged, exported to REFI-QDA and listed by `segments` with it — so
its author is the coder, and its dates are read from the audit trail. This service gives both
one API: `list()` returns every memo, `add`/`edit`/`remove` take any kind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from ..errors import QualcodeError
from ..model import MEMO_KINDS, Memo
from ..store import Store
from ..store.base import new_uid, now
from .codebook import CodebookService
from .coding import CodingService
from .common import default_coder
from .documents import DocumentService
from .participants import ParticipantService
from .redaction import RedactionService
from .review import ReviewService

MEMO_EXPORTS = (".docx", ".md")


def _after(previous: str) -> str:
    """Now, or a millisecond after `previous` when the clock has not moved on: an edited memo's
    time differs from its creation's, which is how every face tells it was changed."""
    at = now()
    if at > previous:
        return at
    return (datetime.fromisoformat(previous) + timedelta(milliseconds=1)).isoformat(timespec="milliseconds")


class MemoService:
    def __init__(self, store: Store, documents: DocumentService, codebook: CodebookService,
                 coding: CodingService, review: ReviewService, redaction: RedactionService | None = None) -> None:
        self.store = store
        self.documents = documents
        self.codebook = codebook
        self.coding = coding
        self.review = review
        self.redaction = redaction or RedactionService(store, ParticipantService(store))

    # --- writing ------------------------------------------------------------------------------

    def add(self, kind: str, target: str | int | None, text: str, author: str | None = None) -> Memo:
        """A new memo on a target (None for the project). On a coding, the text is added to the
        coding's memo (a coding has one, its coder's)."""
        author = author or default_coder()
        text = _clean(text)
        if kind == "segment":
            segment = self._own_segment(target, author)
            self.coding.update_segment(segment.id, author, memo="\n\n".join(filter(None, [segment.memo, text])))
            return self._segment_memo(segment.id)
        target_uid, _ = self._target(kind, target)
        at = now()  # one moment: a memo never changed is one whose two times are equal
        row = {"uid": new_uid(), "kind": kind, "target_uid": target_uid, "author": author, "text": text,
               "created_at": at, "updated_at": at}
        with self.store.transaction():
            row["id"] = self.store.insert_memo(row)
            self.store.log(author, "memo.add", row)
        return self.get(row["id"])

    def edit(self, memo: Memo, text: str, actor: str | None = None) -> Memo:
        """Change a memo's text (its author's to change)."""
        actor = actor or default_coder()
        text = _clean(text)
        if memo.kind == "segment":
            segment = self._own_segment(memo.target_id, actor)
            self.coding.update_segment(segment.id, actor, memo=text)
            return self._segment_memo(segment.id)
        row = self._own_row(memo, actor)
        if row["text"] != text:
            with self.store.transaction():
                self.store.update_memo(row["id"], text, _after(row["updated_at"]))
                self.store.log(actor, "memo.edit", {"uid": row["uid"], "before": row["text"], "after": text})
        return self.get(row["id"])

    def remove(self, memo: Memo, actor: str | None = None) -> None:
        actor = actor or default_coder()
        if memo.kind == "segment":
            segment = self._own_segment(memo.target_id, actor)
            self.coding.update_segment(segment.id, actor, memo=None)
            return
        row = self._own_row(memo, actor)
        with self.store.transaction():
            self.store.delete_memo(row["id"])
            self.store.log(actor, "memo.remove", row)

    def save(self, kind: str, target: str | int | None, text: str, author: str | None = None) -> Memo | None:
        """The author's memo on a target set to `text` (made, changed, or removed when empty):
        what the workbench's memo editor does."""
        author = author or default_coder()
        mine = self.of(kind, target, author)
        if not text.strip():
            if mine:
                self.remove(mine, author)
            return None
        return self.edit(mine, text, author) if mine else self.add(kind, target, text, author)

    def _own_segment(self, segment_id, author: str):
        if segment_id is None or not str(segment_id).isdigit():
            raise QualcodeError("a segment id is a number", segment_id)
        segment = self.coding.segment(int(segment_id))
        if segment.coder != author:
            raise QualcodeError(f"a coding's memo is its coder's, and this is {segment.coder}'s coding "
                                "(memo its document or code instead)", segment_id)
        return segment

    def _own_row(self, memo: Memo, actor: str) -> dict:
        row = self.store.memo_row(memo.id if memo.id is not None else memo.uid)
        if row is None:
            raise QualcodeError("no such memo", memo.id)
        if row["author"] != actor:
            raise QualcodeError(f"this memo is {row['author']}'s to change", memo.id)
        return row

    # --- reading ------------------------------------------------------------------------------

    def get(self, memo_id: int | str) -> Memo:
        row = self.store.memo_row(memo_id)
        if row is None:
            raise QualcodeError("no such memo", memo_id)
        return self._memos([row])[0]

    def of(self, kind: str, target: str | int | None, author: str) -> Memo | None:
        """The author's memo on a target (the first, if they wrote several), or None."""
        if kind == "segment":
            memo = self._segment_memo(self.coding.segment(int(target)).id)
            return memo if memo and memo.author == author else None
        target_uid, _ = self._target(kind, target)
        rows = self.store.memo_rows(kind, target_uid, author)
        if kind == "project":
            rows = [r for r in rows if r["target_uid"] is None]
        return self._memos(rows[:1])[0] if rows else None

    def list(self, *, kind: str | None = None, target: str | int | None = None, author: str | None = None,
             doc: str | int | None = None, code: str | None = None) -> list[Memo]:
        """Memos in a stable order (project, documents, codes, themes, participants, codings),
        filtered by kind and target, author, document (its memos and its codings') or code
        (its memos and its codings')."""
        if kind is not None and kind not in MEMO_KINDS:
            raise QualcodeError(f"unknown kind of memo '{kind}' (use {', '.join(MEMO_KINDS)})", kind)
        doc_obj = self.documents.get(doc) if doc is not None else None
        code_obj = self.codebook.code(code) if code is not None else None
        rows = []
        if kind != "segment":
            target_uid = self._target(kind, target)[0] if kind and target is not None else None
            for row in self.store.memo_rows(kind, target_uid, author):
                if doc_obj and not (row["kind"] == "document" and row["target_uid"] == doc_obj.uid):
                    continue
                if code_obj and not (row["kind"] == "code" and row["target_uid"] == code_obj.uid):
                    continue
                rows.append(row)
        order = {k: i for i, k in enumerate(MEMO_KINDS)}
        memos = sorted(self._memos(rows), key=lambda m: (order[m.kind], m.target or "", m.created_at, m.id))
        if kind in (None, "segment"):  # codings' memos in document order
            segment_id = self.coding.segment(int(target)).id if kind == "segment" and target is not None else None
            found = self._segment_memos(doc_obj.id if doc_obj else None, code_obj.id if code_obj else None,
                                        segment_id)
            memos += [m for m in found if author is None or m.author == author]
        return memos

    def _memos(self, rows: list[dict]) -> list[Memo]:
        names: dict[str, dict[str, str]] = {}
        docs = self.store.document_uids()
        out = []
        for row in rows:
            kind = row["kind"]
            if kind != "project" and kind not in names:
                names[kind] = self.store.target_names(kind)
            target = names[kind].get(row["target_uid"], f"(gone: {row['target_uid']})") if kind != "project" else None
            out.append(Memo(row["id"], row["uid"], kind, row["target_uid"], target, row["author"], row["text"],
                            row["created_at"], row["updated_at"],
                            doc_id=docs.get(row["target_uid"]) if kind == "document" else None))
        return out

    def _segment_memos(self, doc_id: int | None = None, code_id: int | None = None,
                       segment_id: int | None = None) -> list[Memo]:
        rows = self.store.segment_memo_rows(doc_id, code_id, segment_id)
        times = self.store.segment_memo_times() if rows else {}
        out = []
        for r in rows:
            first, last = times.get(r["uid"], (r["created_at"], r["created_at"]))
            out.append(Memo(None, _coding_memo_uid(r["uid"]), "segment", r["uid"], str(r["id"]), r["coder_name"],
                            r["memo"], first, max(last, first), target_id=r["id"], doc_id=r["doc_id"],
                            code=r["code_name"], start=r["start"], end=r["end"]))
        return out

    def _segment_memo(self, segment_id: int) -> Memo | None:
        found = self._segment_memos(segment_id=segment_id)
        return found[0] if found else None

    def _target(self, kind: str, target: str | int | None) -> tuple[str | None, str | None]:
        """(uid, name) of a memo's target."""
        if kind == "project":
            return None, None
        if target is None or str(target).strip() == "":
            raise QualcodeError(f"a memo on a {kind} names the {kind}", kind)
        if kind == "document":
            doc = self.documents.get(target)
            return doc.uid, doc.name
        if kind == "code":
            code = self.codebook.code(str(target))
            return code.uid, code.name
        if kind == "theme":
            theme = self.codebook.theme(str(target))
            return theme.uid, theme.name
        if kind == "participant":
            wanted = str(target)
            for person in self.store.participants():
                if wanted in (person.key, person.uid, person.pseudonym):
                    return person.uid, person.key
            raise QualcodeError("no such participant", target)
        raise QualcodeError(f"unknown kind of memo '{kind}' (use {', '.join(MEMO_KINDS)})", kind)

    # --- the memo report ------------------------------------------------------------------------

    def export(self, path: Path, memos: list[Memo] | None = None, lang: str | None = None) -> Path:
        """Write the memos (all, or those given) as a report in .docx or .md (by suffix), atomically
        and redacted (placeholders in `lang`, else the display language): it goes out."""
        from ..reports.memos import MemoEntry, memo_docx, memo_markdown

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in MEMO_EXPORTS:
            raise QualcodeError(f"unsupported memo report '{suffix}' (use .docx or .md)", path)
        memos = self.list() if memos is None else memos
        codings = [m for m in memos if m.kind == "segment"]
        contexts = dict(zip([m.target_id for m in codings],
                            self.review.contexts((m.doc_id, m.start, m.end) for m in codings), strict=True))
        texts: dict[int, str] = {}
        entries = []
        for m in memos:
            context = contexts.get(m.target_id) if m.kind == "segment" else None
            quote = None
            if context is not None:
                if m.doc_id not in texts:
                    texts[m.doc_id] = self.documents.get(m.doc_id).text
                quote = texts[m.doc_id][m.start:m.end]
            entries.append(MemoEntry(m.kind, m.target, m.author, m.text, m.created_at, m.updated_at,
                                     code=m.code, context=context, quote=quote))
        title = f"Memos · {self.store.path.stem}"
        render = memo_docx if suffix == ".docx" else memo_markdown
        settings = self.codebook.settings
        return self.redaction.write(path, lambda report: render(*report), (entries, title),
                                    settings.check_language(lang) or settings.display_language or "en")


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise QualcodeError("a memo needs some text", "''")
    return text


def _coding_memo_uid(segment_uid: str) -> str:
    """A coding's memo has the uid REFI-QDA export gives its note (stable, derived from the segment)."""
    from ..exchange.qdpx_export import derived_guid

    return derived_guid(segment_uid, "memo")
