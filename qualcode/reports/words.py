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
        "agreement_text": ("Intercoder agreement of {coders} over {n} transcripts ({unit} units): "
                           "{kappa_name} = {kappa}, Krippendorff's α = {alpha}, agreement {percent}."),
        "pooled": "pooled Cohen's κ", "pairwise": "mean pairwise Cohen's κ",
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
        "agreement_text": ("Överensstämmelsen mellan {coders} i {n} transkript ({unit}): "
                           "{kappa_name} = {kappa}, Krippendorffs α = {alpha}, överensstämmelse {percent}."),
        "pooled": "poolad Cohens κ", "pairwise": "medelvärdet av parvisa Cohens κ",
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
        "agreement_text": "{coders}在{n}份转录稿中的编码者间一致性（{unit}）："
                          "{kappa_name} = {kappa}，Krippendorff's α = {alpha}，一致率{percent}。",
        "pooled": "合并Cohen's κ", "pairwise": "两两Cohen's κ均值",
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
    w = words(summary.lang)
    moderators = w["moderators"].format(n=summary.moderators) if summary.moderators else ""
    text = w["method_text"].format(
        documents=summary.documents, participants=summary.participants, moderators=moderators,
        ngroups=len(summary.groups), groups=", ".join(summary.groups), ncoders=len(summary.coders),
        coders=", ".join(summary.coders))
    text = singular_after_one(text, summary.lang)
    a = summary.agreement
    if a and a.get("overall"):
        fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
        overall = a["overall"]
        pairs = [p["pooled_kappa"] for p in a.get("pairs", []) if p.get("pooled_kappa") is not None]
        two = len(a["coders"]) == 2
        kappa = overall.get("pooled_kappa") if two else (sum(pairs) / len(pairs) if pairs else None)
        text += ("" if summary.lang == "zh" else " ") + w["agreement_text"].format(
            coders=", ".join(a["coders"]), n=len(a.get("documents", [])), unit=a.get("unit", ""),
            kappa_name=w["pooled"] if two else w["pairwise"], kappa=fmt(kappa), alpha=fmt(overall.get("alpha")),
            percent="–" if overall.get("percent") is None else f"{100 * overall['percent']:.1f} %")
    return text
