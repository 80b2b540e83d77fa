"""Property: whatever Unicode a transcript holds, stored offsets and slices stay exact."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.cli import main
from qualcode.text.normalize import clean

pieces = st.sampled_from([
    "Moderator: ", "D1: ", "主持人：", "护士A：", "\r\n", "\n", "\n\n", "。", ". ", "? ",
    "😀", "👩‍⚕️", "𠀋", "e\u0301", "å", "Ä", "ö", "我们", "巴林特小组", "t.ex. ", "kl. 14.30 ", "\ufeff", "\t",
])
# any character a text file can hold (control characters make a file binary: tested elsewhere)
chars = st.characters(blacklist_categories=("Cc", "Cs"))
texts = st.lists(st.one_of(pieces, st.text(chars, min_size=1, max_size=12)), min_size=1, max_size=40).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=texts, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_random_unicode_imports_with_exact_offsets(tmp_path_factory, capsys, body, encoding):
    body = "Moderator: Hej 😀 och välkomna.\n" + body
    tmp = tmp_path_factory.mktemp("prop")
    src = tmp / "t.txt"
    src.write_bytes(body.encode(encoding))
    project = str(tmp / "p.qualcode")
    assert main(["-p", project, "import", str(src), "--json"]) == 0
    capsys.readouterr()
    assert main(["-p", project, "text", "t"]) == 0
    stored = capsys.readouterr().out
    # nothing but normalisation changed the text: the same characters; white space aside, which
    # normalisation rewrites (a reflow joins lines with one space, line ends lose trailing spaces)
    def bare(text: str) -> str:
        return re.sub(r"\s+", "", text)

    assert bare(stored) == bare(clean(body))
    main(["-p", project, "units", "t", "--json"])
    units = json.loads(capsys.readouterr().out)
    main(["-p", project, "codebook", "add", "K"])
    capsys.readouterr()
    for unit in units[:5]:
        assert stored[unit["start"]:unit["end"]].strip()
        assert main(["-p", project, "code", "t", "K", "--span", f"{unit['start']}:{unit['end']}", "--json"]) == 0
        segment = json.loads(capsys.readouterr().out)
        assert main(["-p", project, "text", "t", "--start", str(segment["start"]), "--end", str(segment["end"])]) == 0
        assert capsys.readouterr().out == segment["text"] == stored[unit["start"]:unit["end"]]
