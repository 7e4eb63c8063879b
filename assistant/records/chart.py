"""The monthly report as a bar chart (SVG): consultations and handoffs per region, in Chinese.

The CJK font is registered with matplotlib from its file (Debian's fonts-noto-cjk, installed by
scripts/system-deps.sh), so the chart does not depend on matplotlib's font cache having been
built after the font was installed. Without any CJK font the SVG keeps its text as text
(svg.fonttype "none") and names CJK fonts, so the browser draws the Chinese with its own fonts
instead of matplotlib drawing empty boxes: region names are never replaced by codes."""
from __future__ import annotations

import io
import logging
import warnings
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager, rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from assistant.records.report import MonthlyReport  # noqa: E402

log = logging.getLogger(__name__)

# files first (Debian/Ubuntu paths of fonts-noto-cjk, fonts-wqy-*), then names fontconfig may know
CJK_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
                  "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Source Han Sans SC", "SimHei", "Microsoft YaHei")
BROWSER_FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]


@lru_cache(maxsize=1)
def cjk_font(files: tuple[str, ...] = CJK_FONT_FILES) -> str | None:
    """The family name of a CJK font matplotlib can draw with (registering its file), or None."""
    for path in files:
        if Path(path).is_file():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                log.warning("could not register CJK font %s", path)
                continue
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def report_chart_svg(report: MonthlyReport) -> bytes:
    return chart_svg(report, cjk_font())


def chart_svg(report: MonthlyReport, font: str | None) -> bytes:
    """The chart drawn with `font` (a CJK family matplotlib knows), or without one: text left to the browser."""
    labels = [r.region for r in report.regions]
    settings = ({"font.family": [font, "DejaVu Sans"]} if font
                else {"svg.fonttype": "none", "font.family": BROWSER_FONTS})
    with rc_context(settings), warnings.catch_warnings():
        if font is None:   # matplotlib measures with DejaVu: "Glyph missing" for every character
            warnings.simplefilter("ignore", UserWarning)
        fig = Figure(figsize=(max(4.0, 1.1 * len(labels) + 2), 3.6), dpi=100)
        ax = fig.add_subplot()
        ax.set_title(f"{report.label} 各地区咨询量与转人工")
        xs = range(len(labels))
        ax.bar([x - 0.2 for x in xs], [r.consultations for r in report.regions], width=0.4, label="咨询")
        ax.bar([x + 0.2 for x in xs], [r.handoffs for r in report.regions], width=0.4, label="转人工")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(labels)
        ax.set_ylabel("次数")
        ax.legend()
        ax.yaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
