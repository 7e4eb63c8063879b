"""The monthly report as a bar chart (SVG): consultations and handoffs per region.

Labels are Chinese when a CJK font is installed (Debian's fonts-noto-cjk in CI); otherwise the
chart labels regions R1, R2, ... in ASCII and the page's table gives the names."""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from assistant.records.report import MonthlyReport  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Source Han Sans SC", "SimHei", "Microsoft YaHei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def region_labels(report: MonthlyReport, chinese: bool) -> list[str]:
    return [r.region if chinese else f"R{i}" for i, r in enumerate(report.regions, 1)]


def report_chart_svg(report: MonthlyReport) -> bytes:
    font = cjk_font()
    labels = region_labels(report, chinese=font is not None)
    consultations = [r.consultations for r in report.regions]
    handoffs = [r.handoffs for r in report.regions]
    fig = Figure(figsize=(max(4.0, 1.1 * len(labels) + 2), 3.6), dpi=100)
    ax = fig.add_subplot()
    if font:
        ax.set_title(f"{report.label} 各地区咨询量与转人工", fontname=font)
    else:
        ax.set_title(f"{report.label} consultations and handoffs by region")
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], consultations, width=0.4, label="咨询" if font else "consultations")
    ax.bar([x + 0.2 for x in xs], handoffs, width=0.4, label="转人工" if font else "handoffs")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(labels, fontname=font) if font else ax.set_xticklabels(labels)
    ax.legend(prop={"family": font} if font else None)
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
