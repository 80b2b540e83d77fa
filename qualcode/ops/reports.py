"""Report operations of a Project: theme summaries and their exports, the redaction list."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from ..errors import QualcodeError
from ..reports.summary import DocInput, PersonInput, Summary, SummaryInput, summarize

EXPORT_FORMATS = (".docx", ".md", ".csv", ".xlsx")


class ReportOps:
    def redactions(self) -> list[str]:
        return json.loads(self.store.setting("redactions") or "[]")

    def add_redaction(self, name: str, actor: str | None = None) -> list[str]:
        name = unicodedata.normalize("NFC", name.strip())  # as the stored texts are
        if not name:
            raise QualcodeError("nothing to redact", "''")
        names = self.redactions()
        if name not in names:
            names.append(name)
            with self.store.transaction():
                self.store.set_setting("redactions", json.dumps(names, ensure_ascii=False))
                self.store.log(actor or self.default_actor(), "redaction.add", {"count": len(names)})
        return names

    def summary_input(self, agreement: dict | None = None) -> SummaryInput:
        participants = self.participants()
        by_id = {p.id: p for p in participants}
        speaker_person: dict[tuple[str, str], str] = {}
        for sp in self.store.speakers():
            if sp["participant_id"] in by_id:
                speaker_person[(sp["document"], sp["label"])] = by_id[sp["participant_id"]].key
        docs = []
        for summary in self.documents():
            doc = self.document(summary.id)
            turns = [(t.start, t.end, speaker_person.get((doc.name, t.speaker)))
                     for t in self.store.turns(doc.id)]
            sentences = [(u.start, u.end) for u in self.store.sentences(doc.id)]
            docs.append(DocInput(doc.id, doc.name, doc.group, doc.position, doc.text, sentences, turns))
        people = {
            p.key: PersonInput(p.key, p.pseudonym, p.attributes.get("group"), [label for _, label in p.speakers],
                               [v for k, v in p.attributes.items() if k.lower() in ("name", "namn", "姓名", "real_name")])
            for p in participants
        }
        return SummaryInput(
            title=self.store.setting("codebook.title"), documents=docs, people=people, codes=self.codes(),
            # scale (issue 12): the summary quotes from the documents' texts, not from segments' own
            themes=self.themes(), segments=self.store.segments(with_text=False), coders=self.store.coders(),
            redactions=self.redactions(), agreement=agreement,
        )

    def theme_summary(self, lang: str | None = None, **options) -> Summary:
        agreement = options.pop("agreement", None) or self._method_agreement()
        return summarize(self.summary_input(agreement), lang or self.display_language or "en", **options)

    def _method_agreement(self) -> dict | None:
        """Agreement of the co-authors (not the consensus) for the method paragraph, if any."""
        coders = [c for c in self.store.coders() if c != "consensus"]
        if len(coders) < 2:
            return None
        try:
            return self.agreement(coders)
        except QualcodeError:  # no transcript coded by all of them: nothing to report
            return None

    def export_themes(self, path: Path, lang: str | None = None, **options) -> Path:
        """Write the theme summary as .docx, .md, .csv or .xlsx (by suffix), atomically."""
        from ..files import write_atomically
        from ..reports import themes_docx, themes_tables

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in EXPORT_FORMATS:
            raise QualcodeError(f"unsupported export '{suffix}' (use {', '.join(EXPORT_FORMATS)})", path)
        summary = self.theme_summary(lang, **options)
        render = {".docx": themes_docx.render, ".md": themes_tables.markdown, ".csv": themes_tables.csv_bytes,
                  ".xlsx": themes_tables.xlsx_bytes}[suffix]
        write_atomically(path, render(summary))
        return path
