"""Speaker turns: find labels such as `Moderator:`, `[00:12:03] Anna:`, `护士A：` at line starts.

A candidate label counts only when the document reads as a transcript: a label recurs, or
it has the shape of a role ("Deltagare 3", "D1", "主持人", "甲"), and at least two distinct
speakers take part. A heading like "Syfte:" or "摘要：" that occurs once is not a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..errors import QualcodeError
from ..model import Turn
from ..names import clean_name

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_UPPER = "A-ZÅÄÖÆØÉÈÜ"
# (spaces are written [ ] because LABEL_LINE is a verbose pattern)
_LATIN_LABEL = rf"[{_UPPER}][\w.'\-]{{0,24}}(?:[ ](?:[{_UPPER}0-9][\w.'\-]{{0,24}}|\d{{1,3}})){{0,2}}"
_CJK_LABEL = r"[\u3400-\u9fff]{1,6}(?:[ ]?[A-Za-z0-9]{1,3})?"
LABEL_LINE = re.compile(
    rf"""^(?P<lead>[ \t]*)
        (?:[\[(](?P<t1>{_TIME})[\])][ \t]*|(?P<t0>{_TIME})[ \t]+)?
        (?P<label>{_LATIN_LABEL}|{_CJK_LABEL})
        (?:[ \t]*[\[(](?P<t2>{_TIME})[\])])?
        [ \t]*(?:：[ \t]*|:(?:[ \t]+|$|(?=[\u3000-\u9fff\uff00-\uffef])))""",
    re.VERBOSE | re.MULTILINE,
)

_ROLE_WORDS = (
    "moderator|mod|facilitator|intervjuare|interviewer|intervjuperson|respondent|informant|"
    "deltagare|participant|läkare|doktor|doctor|sjuksköterska|nurse|patient|observatör|"
    "observer|ledare|leader|forskare|researcher|gruppledare|fokusgrupp|speaker|talare"
)
_ROLE = re.compile(
    rf"^(?:(?:{_ROLE_WORDS})(?: ?[0-9A-Z]{{1,3}})?|[A-Z]{{1,3}}\d{{0,3}}|[A-Z]{{1,3}} \d{{1,3}})$",
    re.IGNORECASE,
)
_CJK_ROLE = re.compile(
    r"^(?:主持人|主持|访谈者|采访者|研究者|访员|受访者|参与者|被访者|护士|医生|医师|患者|病人|家属|"
    r"组长|带领者|观察员|学员|老师)(?: ?[A-Za-z0-9]{1,3})?$|^[甲乙丙丁戊己庚辛壬癸]$"
)


@dataclass(frozen=True)
class Label:
    start: int  # where the label line starts (after leading blanks)
    speech: int  # where the speech starts (after the colon and blanks)
    name: str
    time: float | None


def _seconds(stamp: str | None) -> float | None:
    if not stamp:
        return None
    parts = stamp.replace(",", ".").split(":")
    total = float(parts[-1])
    for power, part in enumerate(reversed(parts[:-1]), start=1):
        total += int(part) * 60**power
    return total


def is_role(name: str) -> bool:
    # Case-sensitivity matters for codes: "D1" is a role, "Dx" is not.
    if re.fullmatch(r"[A-Z]{1,3}\d{0,3}|[A-Z]{1,3} \d{1,3}", name):
        return True
    return bool(_ROLE.match(name) and not re.fullmatch(r"[A-Za-z]{1,3}", name) or _CJK_ROLE.match(name))


def candidate_labels(text: str) -> list[Label]:
    labels = []
    for m in LABEL_LINE.finditer(text):
        time = _seconds(m["t1"] or m["t0"] or m["t2"])
        labels.append(Label(m.start() + len(m["lead"]), _skip_blanks(text, m.end()), m["label"], time))
    return labels


def _skip_blanks(text: str, i: int) -> int:
    """Speech starts at the first non-blank after the label, even on the next line,
    unless that line is another label (then the label stood alone)."""
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    if j < len(text) and "\n" in text[i:j] and LABEL_LINE.match(text, text.rfind("\n", 0, j) + 1):
        return i
    return j


# Words that start speech ("Ja: jag är säker", "我说：") and are never speakers
_NOT_SPEAKERS = {
    "ja", "nej", "jo", "nja", "tja", "ok", "okej", "alltså", "så", "men", "och", "precis", "exakt", "visst",
    "absolut", "kanske", "typ", "liksom", "hej", "tack", "sluta", "fråga", "svar", "obs", "citat", "notera",
    "yes", "no", "well", "so", "note", "question", "answer", "quote",
}
_REPORTED_SPEECH = re.compile(r"[说問问想道讲講答]$|^(?:就是|比如|也就是|问题|回答|注)$")
_KNOWN_LETTER_CODES = {"M", "I", "IP", "R", "F", "P", "D", "MOD", "INT"}


def _may_speak(name: str, count: int) -> bool:
    if name.casefold() in _NOT_SPEAKERS or _REPORTED_SPEECH.search(name):
        return False
    # a bare capital code ("OK", "ST") once is more likely a word than a speaker
    if re.fullmatch(r"[A-Z]{1,3}", name) and name not in _KNOWN_LETTER_CODES and count < 2:
        return False
    return True


def accepted_labels(text: str) -> list[Label]:
    candidates = candidate_labels(text)
    counts = Counter(label.name for label in candidates)
    may_speak = {name: _may_speak(name, count) for name, count in counts.items()}
    candidates = [label for label in candidates if may_speak[label.name]]
    strong = {n for n, c in counts.items() if may_speak[n] and (c >= 2 or is_role(n))}
    strong |= {label.name for label in candidates if label.time is not None}
    if not candidates or (len(strong) < 2 and not any(counts[n] >= 2 for n in strong)):
        return []
    first = next(i for i, label in enumerate(candidates) if label.name in strong)
    # once the transcript has begun, a person's name said once is still a speaker
    # ("Erik: …"); before it, "Datum: …" is a header
    accepted = [
        label for i, label in enumerate(candidates)
        if label.name in strong or (i > first and _NAME.fullmatch(label.name))
    ]
    return accepted if len({label.name for label in accepted}) >= 2 else []


_NAME = re.compile(rf"[{_UPPER}][a-zåäöæøéèü]+(?:[ -][{_UPPER}][a-zåäöæøéèü]+)?")


def regex_labels(text: str, pattern: str) -> list[Label]:
    """Labels from a user's regex (matched at line starts); group `speaker` or 1 names the speaker."""
    try:
        regex = re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise QualcodeError(f"invalid --speakers regex: {exc}", pattern) from None
    labels = []
    for m in regex.finditer(text):
        if m.start() != 0 and text[m.start() - 1] != "\n":
            continue
        name = m.groupdict().get("speaker") or (m.group(1) if regex.groups else m.group(0))
        labels.append(Label(m.start(), _skip_blanks(text, m.end()), name.strip(" :：\t"), None))
    return labels


def find_turns(text: str, speakers: str = "auto") -> list[Turn]:
    """Speaker turns of `text`. speakers: 'auto', 'none', or a regex for label lines."""
    if speakers == "none":
        return []
    labels = accepted_labels(text) if speakers == "auto" else regex_labels(text, speakers)
    turns: list[Turn] = []
    for i, label in enumerate(labels):
        end = labels[i + 1].start if i + 1 < len(labels) else len(text)
        while end > label.speech and text[end - 1].isspace():
            end -= 1
        if end <= label.speech:
            continue  # a label with nothing said is not a unit
        next_time = labels[i + 1].time if i + 1 < len(labels) else None
        speaker = clean_name(label.name) or None  # a label is a name: no control characters
        turns.append(Turn(len(turns), label.speech, end, speaker, label.start, label.time, next_time))
    return turns
