"""Reports: theme summaries and their exports, the agreement table, the redaction list.

The summary itself is a pure function (`reports.summary.summarize`) of what `summary_input`
gathers here; renderers turn it into .docx, .md, .csv or .xlsx.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from ..errors import QualcodeError
from ..files import write_atomically
from ..reports.agreement_table import AgreementTables, agreement_csv, agreement_docx, agreement_tables
from ..reports.summary import DocInput, PersonInput, Summary, SummaryInput, summarize
from ..store import Store
from .codebook import CodebookService
from .coding import CodingService
from .common import default_coder
from .documents import DocumentService
from .participants import ParticipantService
from .settings import SettingsService
from .team import TeamService

EXPORT_FORMATS = (".docx", ".md", ".csv", ".xlsx")
AGREEMENT_FORMATS = (".docx", ".csv")
NAME_ATTRIBUTES = ("name", "namn", "姓名", "real_name")  # attributes holding a participant's real name


class ReportService:
    def __init__(self, store: Store, documents: DocumentService, participants: ParticipantService,
                 codebook: CodebookService, coding: CodingService, team: TeamService,
                 settings: SettingsService) -> None:
        self.store = store
        self.documents = documents
        self.participants = participants
        self.codebook = codebook
        self.coding = coding
        self.team = team
        self.settings = settings

    # --- redaction ----------------------------------------------------------------------------

    def redactions(self) -> list[str]:
        """Names never to appear in an export (they become [name])."""
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
                self.store.log(actor or default_coder(), "redaction.add", {"count": len(names)})
        return names

    # --- theme summary ------------------------------------------------------------------------

    def summary_input(self, agreement: dict | None = None) -> SummaryInput:
        """Everything the theme summary is computed from, read from the project."""
        participants = self.participants.list()
        by_id = {p.id: p for p in participants}
        speaker_person: dict[tuple[str, str], str] = {}
        for sp in self.store.speakers():
            if sp["participant_id"] in by_id:
                speaker_person[(sp["document"], sp["label"])] = by_id[sp["participant_id"]].key
        docs = []
        for summary in self.documents.list():
            doc = self.documents.get(summary.id)
            turns = [(t.start, t.end, speaker_person.get((doc.name, t.speaker)))
                     for t in self.store.turns(doc.id)]
            sentences = [(u.start, u.end) for u in self.store.sentences(doc.id)]
            docs.append(DocInput(doc.id, doc.name, doc.group, doc.position, doc.text, sentences, turns))
        people = {
            p.key: PersonInput(p.key, p.pseudonym, p.attributes.get("group"), [label for _, label in p.speakers],
                               [v for k, v in p.attributes.items() if k.lower() in NAME_ATTRIBUTES])
            for p in participants
        }
        return SummaryInput(
            title=self.store.setting("codebook.title"), documents=docs, people=people, codes=self.codebook.codes(),
            themes=self.codebook.themes(), segments=self.coding.segments(), coders=self.coding.coders(),
            redactions=self.redactions(), agreement=agreement, consensus=self.settings.consensus_coder,
        )

    def theme_summary(self, lang: str | None = None, **options) -> Summary:
        agreement = options.pop("agreement", None) or self._method_agreement()
        return summarize(self.summary_input(agreement), lang or self.settings.display_language or "en", **options)

    def _method_agreement(self) -> dict | None:
        """Agreement of the co-authors (not the consensus) for the method paragraph, if any."""
        coders = [c for c in self.coding.coders() if c != self.settings.consensus_coder]
        if len(coders) < 2:
            return None
        try:
            return self.team.agreement(coders)
        except QualcodeError:  # no transcript coded by all of them: nothing to report
            return None

    def export_themes(self, path: Path, lang: str | None = None, **options) -> Path:
        """Write the theme summary as .docx, .md, .csv or .xlsx (by suffix), atomically."""
        from ..reports import themes_docx, themes_tables

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in EXPORT_FORMATS:
            raise QualcodeError(f"unsupported export '{suffix}' (use {', '.join(EXPORT_FORMATS)})", path)
        memos = options.pop("memos", False)
        summary = self.theme_summary(lang, **options)
        if memos:
            self.add_theme_memos(summary)
        render = {".docx": themes_docx.render, ".md": themes_tables.markdown, ".csv": themes_tables.csv_bytes,
                  ".xlsx": themes_tables.xlsx_bytes}[suffix]
        write_atomically(path, render(summary))
        return path

    def add_theme_memos(self, summary: Summary) -> None:
        """Each theme's memos and its codes' (oldest first), for the summary's renderers."""
        themes = {t.label(summary.lang): t for t in self.codebook.themes()}
        codes = {c.id: c for c in self.codebook.codes()}
        on: dict[str, list[dict]] = {}
        for row in self.store.memo_rows("theme") + self.store.memo_rows("code"):
            on.setdefault(row["target_uid"], []).append(row)
        for result in summary.themes:
            theme = themes.get(result.name)
            if theme is None:
                continue
            about = [(theme.uid, result.name)] + [(codes[i].uid, codes[i].label(summary.lang))
                                                  for i in theme.code_ids if i in codes]
            result.memos = [(name, row["author"], row["text"]) for uid, name in about for row in on.get(uid, [])]

    # --- agreement ----------------------------------------------------------------------------

    def agreement_tables(self, report: dict) -> AgreementTables:
        """An agreement report (from `team.agreement`) as rows to show or print."""
        return agreement_tables(report)

    def export_agreement(self, report: dict, path: Path) -> Path:
        """Write an agreement report's table as .docx or .csv (by suffix), atomically."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in AGREEMENT_FORMATS:
            raise QualcodeError(f"unsupported agreement export '{suffix}' (use .docx or .csv)", path)
        write_atomically(path, agreement_docx(report) if suffix == ".docx" else agreement_csv(report))
        return path
