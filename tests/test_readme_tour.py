"""The README's tour of the command line, run as written on a fresh clone: every command in
its shell blocks works, in order, and codes what the README says it codes."""

from __future__ import annotations

import glob
import json
import re
import shlex
import subprocess

from conftest import ROOT
from qualcode.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR = README[README.index("## A tour of the command line"):README.index("## The workbench")]


def tour_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", TOUR, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_tour_holds_the_commands_it_shows():
    lines = tour_lines()
    assert len(lines) > 50 and lines[0].startswith("export QUALCODE_PROJECT=")
    assert sum(line.startswith("qualcode ") for line in lines) > 48


def test_every_command_of_the_tour_works_as_written(tmp_path, monkeypatch, capsys):
    clone = tmp_path / "qualcode"
    clone.mkdir()
    for folder in ("corpora", "codebooks"):
        (clone / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(clone)
    failed = []
    for line in tour_lines():
        words = shlex.split(line, comments=True)
        if words[0] == "export":
            for assignment in words[1:]:
                monkeypatch.setenv(*assignment.split("=", 1))
        elif words[0] != "qualcode":
            subprocess.run(line, shell=True, check=True, cwd=clone)
        elif words[1] != "tui":  # the workbench waits for its user
            argv = [found for word in words[1:] for found in (sorted(glob.glob(word)) if "*" in word else [word])]
            code = main(argv)
            err = capsys.readouterr().err
            if code != 0:
                failed.append((line, err.strip()))
    assert failed == []
    main(["segments", "--json"])
    segments = json.loads(capsys.readouterr().out)
    # the key quote is a participant's (D2, pseudonym P02) words on safety in the group, not the moderator's
    (key_quote,) = [s for s in segments if s["memo"] == "nyckelcitat"]
    assert (key_quote["code"], key_quote["speaker"], key_quote["text"]) == (
        "Trygghet i gruppen", ["P02"], "Tryggheten, skulle jag säga, framför allt.")
    # a span the tour codes by offsets is whole sentences (it was cut inside words)
    for line in [line for line in tour_lines() if "--span" in line]:
        start, end = map(int, re.search(r"--span (\d+):(\d+)", line).groups())
        main(["text", shlex.split(line)[2]])
        text = capsys.readouterr().out
        assert text[start - 1].isspace() and text[start].isupper(), line
        assert text[end - 1] in ".!?" and text[end].isspace(), line
