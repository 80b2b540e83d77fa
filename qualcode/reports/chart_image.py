"""A bar chart as a PNG image, for Word (Excel gets a native chart): drawn with Pillow.

Pillow rather than matplotlib: a chart of grouped horizontal bars is rectangles and text, and
Pillow (with the FreeType it ships) draws both in a few milliseconds from one small wheel.
Text needs a font that has its characters: Latin script uses Pillow's own font; Chinese needs
a CJK font of the machine (found through fontconfig, or where macOS and Windows keep theirs).
Without one, the image shows keys (1, 2, … and A, B, …) and the caller prints what they stand
for beneath it, so no label is ever drawn as empty boxes.
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Okabe & Ito's palette: told apart with every common colour-vision deficiency, and in grey
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SCALE = 2  # drawn at twice the size, for print

# where CJK fonts live when fontconfig cannot say (macOS, Windows), best first
CJK_FONT_FILES = [
    "/System/Library/Fonts/PingFang.ttc", "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc", "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simhei.ttf", "C:/Windows/Fonts/simsun.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


@dataclass
class Chart:
    png: bytes
    keys: list[tuple[str, str]]  # (key drawn, the label it stands for), when labels could not be drawn


def _is_wide(text: str) -> bool:
    return any(ord(ch) > 0x2E7F for ch in text)


@cache
def cjk_font_file() -> str | None:
    """A font file with Chinese characters on this machine, or None."""
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10)
            files = sorted(line.split(":")[0].strip() for line in listed.stdout.splitlines() if line.strip())
            # a sans serif first, as the rest of the chart
            files.sort(key=lambda f: (0 if "Sans" in f and "Mono" not in f else 1, "Bold" in f, f))
            if files:
                return files[0]
        except (OSError, subprocess.SubprocessError):
            pass
    return next((f for f in CJK_FONT_FILES if Path(f).is_file()), None)


def _font(size: int, wide: bool):
    from PIL import ImageFont

    if wide:
        path = cjk_font_file()
        return ImageFont.truetype(path, size) if path else None
    return ImageFont.load_default(size)


def _nice_step(top: float, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 × 10^k that divides [0, top] into about `ticks` parts."""
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def bar_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
              width: int = 900) -> Chart:
    """Grouped horizontal bars: for each category (a code) one bar per series (a group), a
    value axis from zero, the values at the bars' ends, a legend; `width` in pixels at 1×
    (at 16 cm on a page the labels are then about 9 pt)."""
    from PIL import Image, ImageDraw

    labels = [*categories, *(name for name, _ in series), title]
    wide = any(_is_wide(t) for t in labels)
    font = _font(17 * SCALE, wide)
    keys: list[tuple[str, str]] = []
    if font is None:  # no font for these characters: keys in the picture, labels beneath it
        keys = [(str(i), c) for i, c in enumerate(categories, 1)]
        keys += [(chr(ord("A") + i % 26) * (1 + i // 26), name) for i, (name, _) in enumerate(series)]
        categories = [k for k, _ in keys[:len(categories)]]
        series = [(k, values) for (k, _), (_, values) in zip(keys[len(categories):], series, strict=True)]
        title = title if not _is_wide(title) else ""
        font = _font(17 * SCALE, False)
    bold = font.font_variant(size=21 * SCALE)
    small = font.font_variant(size=14 * SCALE)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def text_width(text: str, f=font) -> int:
        return int(probe.textlength(text, font=f))

    w = width * SCALE
    pad = 16 * SCALE
    line = int(font.size * 1.35)
    n_cats, n_series = len(categories), max(len(series), 1)
    bar = max(8 * SCALE, min(24 * SCALE, (900 * SCALE) // max(n_cats * n_series, 1)))
    gap = max(bar, 8 * SCALE)
    label_w = min(max((text_width(c) for c in categories), default=0) + pad, w // 3)
    top_value = max((v for _, values in series for v in values), default=0) or 1
    step = _nice_step(top_value)
    axis_max = step * math.ceil(top_value / step)
    legend_rows = _legend_rows([name for name, _ in series], w - 2 * pad, text_width, line)
    title_h = int(bold.size * 1.6) if title else 0
    legend_h = len(legend_rows) * line + pad
    plot_top = pad + title_h + legend_h
    plot_h = n_cats * (n_series * bar + gap)
    h = plot_top + plot_h + line + 2 * pad
    image = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(image)
    if title:
        draw.text((pad, pad), title, fill="black", font=bold)
    y = pad + title_h
    for row in legend_rows:
        x = pad
        for i, name in row:
            draw.rectangle([x, y + line // 5, x + line // 2, y + line // 5 + line // 2], fill=PALETTE[i % len(PALETTE)])
            draw.text((x + line // 2 + 6 * SCALE, y), name, fill="black", font=font)
            x += line // 2 + 6 * SCALE + text_width(name) + 2 * pad
        y += line
    x0, x1 = pad + label_w, w - pad - text_width(str(int(axis_max))) - pad
    scale = (x1 - x0) / axis_max
    for tick in range(0, int(axis_max) + 1, step):
        x = x0 + tick * scale
        draw.line([x, plot_top, x, plot_top + plot_h], fill="#DDDDDD", width=SCALE)
        label = str(tick)
        draw.text((x - text_width(label, small) / 2, plot_top + plot_h + 4 * SCALE), label, fill="#444444",
                  font=small)
    draw.line([x0, plot_top, x0, plot_top + plot_h], fill="#444444", width=SCALE)
    y = plot_top + gap // 2
    for c, category in enumerate(categories):
        block = n_series * bar
        label = _fit(category, label_w - pad, text_width)
        draw.text((x0 - pad // 2 - text_width(label), y + block / 2 - line / 2), label, fill="black", font=font)
        for s, (_, values) in enumerate(series):
            value = values[c]
            top = y + s * bar
            if value:
                draw.rectangle([x0, top, x0 + value * scale, top + bar - SCALE], fill=PALETTE[s % len(PALETTE)])
            if value and bar >= small.size:  # a value only where it has room beside its bar
                draw.text((x0 + value * scale + 4 * SCALE, top + bar / 2 - small.size / 2 - SCALE), f"{value:g}",
                          fill="#222222", font=small)
        y += block + gap
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(96 * SCALE, 96 * SCALE), optimize=True)
    return Chart(out.getvalue(), keys)


def _legend_rows(names: Sequence[str], room: int, text_width, line: int) -> list[list[tuple[int, str]]]:
    rows: list[list[tuple[int, str]]] = [[]]
    used = 0
    for i, name in enumerate(names):
        need = line + text_width(name) + 40 * SCALE
        if rows[-1] and used + need > room:
            rows.append([])
            used = 0
        rows[-1].append((i, name))
        used += need
    return rows if rows[0] else []


def _fit(text: str, room: int, text_width) -> str:
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"
