"""Project settings: the display language, the workbench's coder, the consensus coder's name, blind coding."""

from __future__ import annotations

from ..errors import QualcodeError
from ..store import Store
from .common import choose_from, default_coder, env_coder

# The one place the consensus coder's default name is written: everything else asks
# `SettingsService.consensus_coder`.
DEFAULT_CONSENSUS = "consensus"
OWN_LANGUAGES = ("sv", "zh", "en")  # the languages qualcode's own words (headings, placeholders) are in


class SettingsService:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def display_language(self) -> str | None:
        return self.store.setting("display_language")

    def known_languages(self) -> list[str]:
        """What a display or export language may be: sv, zh, en, the codebook's languages, and
        every language it has labels or texts in."""
        found: set[str] = set(self.languages())
        for code in self.store.codes():
            for texts in (code.labels, code.brief, code.definition, code.when_to_use, code.when_not_to_use,
                          code.example):
                found.update(texts)
        for theme in self.store.themes():
            found.update(theme.labels, theme.definition)
        return [*OWN_LANGUAGES, *sorted(found - set(OWN_LANGUAGES))]

    def check_language(self, lang: str | None) -> str | None:
        """`lang` if it is one of `known_languages()` (None stays None), else a one-line error listing them."""
        if lang is not None and lang not in (known := self.known_languages()):
            raise QualcodeError(f"unknown language '{lang}'", choose_from(known))
        return lang

    def set_display_language(self, lang: str, actor: str | None = None) -> None:
        self._set("display_language", self.check_language(lang), actor)

    def languages(self) -> list[str]:
        """The codebook's languages (its file's `languages`), else those its labels use."""
        named = [x for x in (self.store.setting("codebook.languages") or "").split(",") if x]
        return named or sorted({lang for code in self.store.codes() for lang in code.labels})

    def language_of(self, coder: str | None) -> str | None:
        """The language a coder reads the codes in, in the workbench (else the project's)."""
        return (coder and self.store.setting(f"tui.lang.{coder}")) or self.display_language

    def set_language_of(self, coder: str, lang: str) -> None:
        """Remember a coder's language (what the workbench shows them, not project data)."""
        with self.store.transaction():
            self.store.set_setting(f"tui.lang.{coder}", self.check_language(lang))

    @property
    def coder(self) -> str | None:
        """Who the workbench codes as: $QUALCODE_CODER, else the name it remembers for this
        project, else None (it asks)."""
        return env_coder() or self.store.setting("tui.coder")

    def set_coder(self, name: str) -> str:
        """Remember who codes in the workbench (what the workbench shows, not project data)."""
        name = name.strip()
        if not name:
            raise QualcodeError("a coder needs a name", "''")
        with self.store.transaction():
            self.store.set_setting("tui.coder", name)
        return name

    @property
    def consensus_coder(self) -> str:
        """The coder reconciliation writes its decisions as; reports prefer its coding."""
        return self.store.setting("consensus_coder") or DEFAULT_CONSENSUS

    def set_consensus_coder(self, name: str, actor: str | None = None) -> str:
        name = name.strip()
        if not name:
            raise QualcodeError("the consensus coder needs a name", "''")
        self._set("consensus_coder", name, actor)
        return name

    @property
    def blind_coding(self) -> bool:
        """While on (the default), the workbench hides co-authors' coding of a document from a
        coder until that coder marks the document done."""
        return self.store.setting("blind", "on") != "off"

    def set_blind_coding(self, on: bool | str, actor: str | None = None) -> bool:
        if isinstance(on, str):
            if on.strip().lower() not in ("on", "off"):
                raise QualcodeError("blind coding is 'on' or 'off'", on)
            on = on.strip().lower() == "on"
        self._set("blind", "on" if on else "off", actor)
        return on

    def _set(self, key: str, value: str, actor: str | None) -> None:
        if self.store.setting(key) == value:
            return
        with self.store.transaction():
            self.store.set_setting(key, value)
            self.store.log(actor or default_coder(), "settings.set", {"key": key, "value": value})
