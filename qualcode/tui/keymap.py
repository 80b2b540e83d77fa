"""The user's keymap: binding ids -> keys, from a TOML file, perhaps over a shipped preset.

    # ~/.config/qualcode/keys.toml  ($XDG_CONFIG_HOME, the platform's config dir, or $QUALCODE_KEYMAP)
    preset = "sv"                      # keys a Swedish keyboard reaches without AltGr
    [keys]
    "transcript.next_sentence" = "j"   # a key as Textual names it, or the character itself
    "coding.memo" = "M,ctrl+m"         # several keys: comma-separated

The workbench applies it with Textual's `App.set_keymap`; the help screen (`?`) shows the keys
in effect. A broken file never stops the workbench: its problems are notified.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.keys import format_key

ENV = "QUALCODE_KEYMAP"

# On a Swedish keyboard [ ] { } need AltGr (AltGr+8, 9, 7, 0); . , : ; are plain keys or shift.
PRESETS: dict[str, dict[str, str]] = {
    "sv": {
        "transcript.next_sentence": "full_stop",
        "transcript.previous_sentence": "comma",
        "transcript.next_turn": "colon",
        "transcript.previous_turn": "semicolon",
        "reconcile.next": "full_stop,j,down",
        "reconcile.previous": "comma,k,up",
    },
}
PRESET_TITLES = {"sv": "Swedish keyboard: . , for sentences, : ; for turns (no AltGr)"}


@dataclass
class Keys:
    """The keymap to apply, and where it came from."""

    keymap: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    path: Path | None = None  # the keymap file read, if there was one
    problems: list[str] = field(default_factory=list)


def keymap_path() -> Path:
    """$QUALCODE_KEYMAP, else keys.toml in $XDG_CONFIG_HOME/qualcode or the platform's config dir."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    if os.environ.get("XDG_CONFIG_HOME"):
        return Path(os.environ["XDG_CONFIG_HOME"]) / "qualcode" / "keys.toml"
    import platformdirs

    return platformdirs.user_config_path("qualcode") / "keys.toml"


def load_keys(known_ids: set[str], preset: str | None = None, path: Path | None = None) -> Keys:
    """The keymap from the file (if any) over its preset; `preset` (e.g. `--keys sv`) overrides
    the file's. Unknown presets, ids and malformed entries become problems, not errors."""
    path = path or keymap_path()
    keys = Keys()
    data: dict = {}
    if path.is_file():
        keys.path = path
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            keys.problems.append(f"keymap {path} not read: {exc}")
    elif os.environ.get(ENV):
        keys.problems.append(f"no keymap file at {path}")
    chosen = preset or data.get("preset")
    if chosen is not None and chosen not in PRESETS:
        keys.problems.append(f"unknown key preset '{chosen}' (known: {', '.join(PRESETS)})")
        chosen = None
    keys.preset = chosen
    keymap = dict(PRESETS.get(chosen, {})) if chosen else {}
    table = data.get("keys", {})
    if not isinstance(table, dict):
        keys.problems.append("keymap: [keys] must be a table of binding id = \"key\"")
        table = {}
    for binding_id, value in table.items():
        if binding_id not in known_ids:
            keys.problems.append(f"keymap: no binding '{binding_id}'")
        elif not isinstance(value, str) or not value.strip():
            keys.problems.append(f"keymap: '{binding_id}' needs a key as a string")
        else:
            keymap[binding_id] = ",".join(k.strip() for k in value.split(",") if k.strip())
    keys.keymap = keymap
    return keys


def describe(keys: Keys) -> str:
    """Where the keys in effect come from, for the help screen."""
    where = str(keys.path or keymap_path())
    if keys.preset:
        return f"Keys: preset '{keys.preset}' ({PRESET_TITLES[keys.preset]}); keymap file {where}."
    remapped = " (some keys remapped there)" if keys.keymap else ""
    presets = ", ".join(f"'{name}' for a {title.split(':')[0]}" for name, title in PRESET_TITLES.items())
    return (f"Keys: keymap file {where}{remapped}. preset = \"sv\" in it (or qualcode tui --keys sv) "
            f"picks a preset: {presets}.")


def key_label(key: str) -> str:
    """A Textual key name as the user types it: "full_stop" is ".", "ctrl+z" stays "ctrl+z"."""
    *modifiers, name = key.strip().split("+")
    return "+".join([*modifiers, format_key(name)])


# The help screen: {binding.id} stands for the key in effect (after the user's keymap)
KEY_HELP = [
    ("Select", [("{transcript.next_sentence} / {transcript.previous_sentence}",
                 "next / previous sentence (at the cursor when nothing is selected)"),
                ("{transcript.next_turn} / {transcript.previous_turn}", "next / previous speaker turn"),
                ("shift+arrows", "extend the selection by characters (or drag the mouse)")]),
    ("Code", [("{coding.quick_code_1} … {coding.quick_code_9}", "apply quick code 1–9 (shown as [n] in the codebook)"),
              ("{coding.pick_code}", "code picker: type a code in any language, Enter applies it"),
              ("{picker.new_code} (picker)", "a new code: asks where it goes (also the picker's last row)"),
              ("{coding.remove_code}", "remove a code under the cursor"), ("{coding.memo}", "memo on the segment"),
              ("{coding.exemplar}", "toggle exemplar quote"), ("{coding.translation}", "translation of the segment"),
              ("{coding.undo} / {coding.redo}", "undo / redo your coding, many levels, across restarts"),
              ("{coding.goto_undo}", "go to where the last undo or redo changed coding")]),
    ("Find and view", [("{search.open}", "search the document (text and word forms)"),
                       ("{search.next_hit} / {search.previous_hit}", "next / previous hit"),
                       ("{view.cycle_layer}", "layer: my coding, everyone's, or one coder's"),
                       ("enter (codebook)", "all segments of the code across documents"),
                       ("{codebook.pin} (codebook)", "pin the code to a number key"),
                       ("{codebook.find} (codebook)", "find a code as you type"),
                       ("{view.language}", "codes in the codebook's next language (remembered for you)")]),
    ("Codebook editor ({codebook.edit})", [
        ("{editor.add} / {editor.rename} / {editor.edit}", "add a code / rename it / its texts in every language"),
        ("{editor.move} / {editor.move_up} / {editor.move_down}", "move under another parent / up / down"),
        ("{editor.merge} / {editor.retire} / {editor.delete}", "merge into another code / retire / delete if unused"),
        ("{coding.undo}", "undo the last codebook change")]),
    ("Reconcile (ctrl+p)", [
        ("{reconcile.write_agreed}", "write what both coders agree on (says how many first)"),
        ("{coding.undo}", "undo the last decision on this pair")]),
    ("Review", [("{view.stripes}", "coding stripes beside the transcript: █ yours ┃ a co-author's ▓ both"),
                ("{review.done}", "mark the document done (blind coding then shows co-authors' coding)"),
                ("{coding.memo} (codebook, documents)", "memo on the highlighted code, theme or document"),
                ("{memos.list}", "every memo: filter, go to, edit"),
                ("{media.play}", "play the recording from the selected turn (mpv, ffplay or VLC)")]),
    ("Query the project", [
        ("{queries.kwic}", "keyword in context: every hit of a word or phrase; Enter opens one, "
                           "{kwic.autocode} codes them all (one undo step)"),
        ("{queries.words} / {queries.cooccurrence}", "word frequencies and keyness / codes applied together"),
        ("{queries.matrix}", "codes × groups, participants, documents or an attribute; Enter lists a cell's segments"),
        ("{queries.chart}", "code frequencies by group as bars"),
        ("{query.save} (there)", "save the result as .docx, .xlsx or .csv")]),
    ("Workbench", [("{app.export}", "export the theme summary (docx, md, csv, xlsx)"), ("tab", "next pane"),
                   ("{view.toggle_documents} / {view.toggle_codebook}", "hide or show documents / codebook"),
                   ("{view.narrower} / {view.wider}", "narrower / wider codebook pane"),
                   ("ctrl+p", "command palette"), ("{app.help}", "this help"), ("{app.quit}", "quit")]),
]
