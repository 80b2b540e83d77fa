"""The words of the manuscript exports, in the languages of the study."""

from __future__ import annotations

WORDS = {
    "en": {
        "title": "Themes", "method": "Method", "themes": "Overview of themes", "theme": "Theme",
        "definition": "Definition", "codes": "Codes", "segments": "Segments", "participants": "Participants",
        "documents": "Documents", "groups": "Groups", "quotes": "Quotes", "translation": "Translation",
        "frequencies": "Code frequencies by group", "code": "Code", "saturation": "Saturation",
        "document": "Transcript", "new": "New codes", "cumulative": "Codes so far", "by_group": "By group",
        "exemplar": "exemplar",
        "method_text": ("The analysis covers {documents} transcripts with {participants} participants"
                        "{moderators} in {ngroups} groups ({groups}), coded by {ncoders} coders ({coders})."),
        "moderators": " (and {n} moderators)",
        "counting": ("Counts include participants' speech only, never moderators or speaker labels; a coded "
                     "segment counts once per theme and for every participant whose speech it covers "
                     "(rules R1–R9 of qualcode's docs/methods.md)."),
        "consensus_text": ("In {k} of {n} transcripts the counts use the reconciled consensus coding ({consensus}); "
                           "elsewhere every coder's coding, identical segments once (R2)."),
        "agreement_two": ("Intercoder agreement of {coders} over {n} transcripts ({unit} units; A1–A6): "
                          "pooled Cohen's κ = {kappa}, Krippendorff's α = {alpha}, agreement {percent}."),
        "agreement_many": ("Intercoder agreement of {coders} over {n} transcripts ({unit} units; A1–A6): "
                           "Krippendorff's α = {alpha}, Fleiss' κ = {kappa}, agreement {percent} "
                           "(mean over coder pairs){pairwise}."),
        "pairwise": "; pairwise Cohen's κ {range}",
        "not_counted": ("Not counted (R3): coded spans that hold no participant speech, only a moderator's words "
                        "or a speaker label — {list}."),
        "saturation_text": "New codes per transcript, in import order.",
    },
    "sv": {
        "title": "Teman", "method": "Metod", "themes": "Översikt över teman", "theme": "Tema",
        "definition": "Definition", "codes": "Koder", "segments": "Segment", "participants": "Deltagare",
        "documents": "Dokument", "groups": "Grupper", "quotes": "Citat", "translation": "Översättning",
        "frequencies": "Kodfrekvenser per grupp", "code": "Kod", "saturation": "Mättnad",
        "document": "Transkript", "new": "Nya koder", "cumulative": "Koder hittills", "by_group": "Per grupp",
        "exemplar": "typcitat",
        "method_text": ("Analysen omfattar {documents} transkript med {participants} deltagare"
                        "{moderators} i {ngroups} grupper ({groups}), kodade av {ncoders} kodare ({coders})."),
        "moderators": " (och {n} moderatorer)",
        "counting": ("Räkningen omfattar endast deltagarnas tal, aldrig moderatorernas eller talaretiketter; ett "
                     "kodat segment räknas en gång per tema och för varje deltagare vars tal det omfattar "
                     "(regel R1–R9 i qualcodes docs/methods.md)."),
        "consensus_text": ("I {k} av {n} transkript bygger räkningen på den överenskomna konsensuskodningen "
                           "({consensus}); i övriga på alla kodares kodning, identiska segment en gång (R2)."),
        "agreement_two": ("Överensstämmelsen mellan {coders} i {n} transkript ({unit}; A1–A6): "
                          "poolad Cohens κ = {kappa}, Krippendorffs α = {alpha}, överensstämmelse {percent}."),
        "agreement_many": ("Överensstämmelsen mellan {coders} i {n} transkript ({unit}; A1–A6): "
                           "Krippendorffs α = {alpha}, Fleiss κ = {kappa}, överensstämmelse {percent} "
                           "(medel över kodarpar){pairwise}."),
        "pairwise": "; parvisa Cohens κ {range}",
        "not_counted": ("Ej räknade (R3): kodade avsnitt utan deltagares tal, bara moderatorns ord eller en "
                        "talaretikett — {list}."),
        "saturation_text": "Nya koder per transkript, i importordning.",
    },
    "zh": {
        "title": "主题", "method": "方法", "themes": "主题概览", "theme": "主题", "definition": "定义",
        "codes": "编码", "segments": "编码片段", "participants": "参与者", "documents": "文档", "groups": "小组",
        "quotes": "引文", "translation": "译文", "frequencies": "各小组编码频数", "code": "编码",
        "saturation": "饱和度", "document": "转录稿", "new": "新编码", "cumulative": "累计编码", "by_group": "按小组",
        "exemplar": "典型引文",
        "method_text": "本分析涵盖{documents}份转录稿，{participants}名参与者{moderators}，"
                       "分属{ngroups}个小组（{groups}），由{ncoders}名编码者（{coders}）编码。",
        "moderators": "（另有{n}名主持人）",
        "counting": ("计数只包括参与者的发言，不包括主持人和说话人标签；一个编码片段在每个主题中只计一次，"
                     "并计入其所覆盖发言的每位参与者（见qualcode的docs/methods.md规则R1–R9）。"),
        "consensus_text": ("{n}份转录稿中有{k}份按协商后的共识编码（{consensus}）计数；"
                           "其余按所有编码者的编码计数，相同片段只计一次（R2）。"),
        "agreement_two": ("{coders}在{n}份转录稿中的编码者间一致性（{unit}；A1–A6）："
                          "合并Cohen's κ = {kappa}，Krippendorff's α = {alpha}，一致率{percent}。"),
        "agreement_many": ("{coders}在{n}份转录稿中的编码者间一致性（{unit}；A1–A6）：Krippendorff's α = {alpha}，"
                           "Fleiss' κ = {kappa}，一致率{percent}（编码者两两平均）{pairwise}。"),
        "pairwise": "；两两Cohen's κ为{range}",
        "not_counted": "未计入（R3）：不含参与者发言、仅含主持人发言或说话人标签的编码片段——{list}。",
        "saturation_text": "按导入顺序，每份转录稿新增的编码数。",
    },
}


# The templates count many; "1 coders" reads "1 coder" (Chinese has no plural)
SINGULARS = {
    "en": {"transcripts": "transcript", "participants": "participant", "moderators": "moderator",
           "groups": "group", "coders": "coder"},
    "sv": {"grupper": "grupp", "moderatorer": "moderator"},
}


def singular_after_one(text: str, lang: str) -> str:
    """"1 coders" -> "1 coder": the nouns after a count of one, in the templates' words."""
    import re

    for many, one in SINGULARS.get(lang, {}).items():
        text = re.sub(rf"(?<![\d.,])\b1 {many}\b", f"1 {one}", text)
    return text


def words(lang: str) -> dict[str, str]:
    return {**WORDS["en"], **WORDS.get(lang, {})}


def method_text(summary) -> str:
    """The method paragraph: what was counted (R1–R9), from whose coding (R2), and the pooled
    agreement figures exactly as the CLI's "all codes" row prints them (A6)."""
    w = words(summary.lang)
    gap = "" if summary.lang == "zh" else " "
    moderators = w["moderators"].format(n=summary.moderators) if summary.moderators else ""
    text = w["method_text"].format(
        documents=summary.documents, participants=summary.participants, moderators=moderators,
        ngroups=len(summary.groups), groups=", ".join(summary.groups), ncoders=len(summary.coders),
        coders=", ".join(summary.coders))
    text += gap + w["counting"]
    if summary.consensus_documents:
        text += gap + w["consensus_text"].format(k=summary.consensus_documents, n=summary.documents,
                                                 consensus=summary.consensus)
    a = summary.agreement
    if a and a.get("overall"):
        text += gap + agreement_sentence(a, w)
    return singular_after_one(text, summary.lang)


def not_counted_text(summary) -> str | None:
    """The spans of each theme that hold no participant speech (R3), or None when there are none."""
    found = [(t.name, t.not_counted) for t in summary.themes if t.not_counted]
    if not found:
        return None
    sep = "，" if summary.lang == "zh" else ", "
    return words(summary.lang)["not_counted"].format(list=sep.join(f"{name} {n}" for name, n in found))


def agreement_sentence(report: dict, w: dict[str, str]) -> str:
    fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    overall = report["overall"]
    values = {"coders": ", ".join(report["coders"]), "n": len(report.get("documents", [])),
              "unit": report.get("unit", ""), "kappa": fmt(overall.get("pooled_kappa")),
              "alpha": fmt(overall.get("alpha")),
              "percent": "–" if overall.get("percent") is None else f"{100 * overall['percent']:.1f} %"}
    if len(report["coders"]) == 2:
        return w["agreement_two"].format(**values)
    pairs = sorted(p["pooled_kappa"] for p in report.get("pairs", []) if p.get("pooled_kappa") is not None)
    low, high = (fmt(pairs[0]), fmt(pairs[-1])) if pairs else ("", "")
    pairwise = w["pairwise"].format(range=low if low == high else f"{low}–{high}") if pairs else ""
    return w["agreement_many"].format(**values, pairwise=pairwise)
