"""The staff-editable reference tables as console pages read them: the legal-aid economic-hardship
standards (assistant/eligibility/standards.py) and the compensation statistics
(assistant/tools/figures.py), in Chinese, and the console's edit forms turned into the same
validated entries the /v1/admin JSON routes accept (so both paths store through assistant/overlay.py
with its audit)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError

from assistant.eligibility.regions import RegionEntry, StandardVersion
from assistant.tools.figures import FIGURES, FigureRegion, FigureRow

LEVEL_LABELS = {"national": "全国", "province": "省级", "city": "市级", "county": "县级"}
COMPARISON_LABELS = {"<": "低于", "<=": "不超过", "ambiguous": "未写明是否含本数"}
FORMULA_LABELS = {"fixed": "固定金额", "dibao_multiple": "低保标准的倍数", "min_wage_multiple": "最低工资的倍数",
                  "disposable_income_share": "人均可支配收入的比例", "low_income_standard": "低收入家庭标准"}
# which number the form's one amount field is, for each formula type
FORMULA_AMOUNT = {"fixed": "value", "dibao_multiple": "multiplier", "min_wage_multiple": "multiplier",
                  "disposable_income_share": "share", "low_income_standard": "value"}
SOURCE_STATUS_LABELS = {"official_source": "官方文件", "secondary_copy_of_official": "官方文件转载",
                        "news_report": "新闻报道", "rule_only_no_figure": "只有规则、无具体数字",
                        "seed_document_unverified": "未核实的资料", "unknown": "未注明", "staff_entry": "工作人员录入"}
GROUP_LABELS = {"disabled": "残疾人", "elderly": "老年人", "women": "妇女", "minors": "未成年人", "migrant_workers": "农民工"}


class FormError(ValueError):
    """A console form that cannot be saved; the message is for staff."""


def formula_text(formula: dict) -> str:
    kind = formula.get("type")
    prior = "上年" if formula.get("prior_year") else ""
    if kind == "fixed":
        return f"每人每月 {_num(formula.get('value'))} 元"
    if kind == "dibao_multiple":
        return f"{prior}低保标准的 {_num(formula.get('multiplier'))} 倍"
    if kind == "min_wage_multiple":
        return f"最低工资标准的 {_num(formula.get('multiplier'))} 倍"
    if kind == "disposable_income_share":
        share = formula.get("share")
        percent = f"{_num(share * 100)}%" if share else "一定比例"
        return f"上年城镇居民人均可支配收入的 {percent}（按月）"
    if kind == "low_income_standard":
        value = formula.get("value")
        return "当地低收入家庭认定标准" + (f"（每人每月 {_num(value)} 元）" if value else "")
    return FORMULA_LABELS.get(kind, "未知方式")


def _num(value) -> str:
    if value is None:
        return "？"
    return f"{value:g}" if isinstance(value, float) else str(value)


def version_rows(entry: dict) -> list[dict]:
    """A region's standard versions, newest first, in words."""
    rows = []
    for v in sorted(entry.get("standards", []), key=lambda v: v.get("effective_from") or "", reverse=True):
        rows.append({"from": v.get("effective_from") or "不详", "to": v.get("effective_to") or "",
                     "formula": formula_text(v["formula"]), "comparison": COMPARISON_LABELS.get(v["comparison"], ""),
                     "wording": v.get("wording") or "", "citation": v.get("citation") or "",
                     "sources": v.get("sources") or [],
                     "status": SOURCE_STATUS_LABELS.get(v.get("status"), v.get("status") or ""),
                     "uncertain": v.get("uncertain"), "stale": v.get("stale"),
                     "groups": "、".join(f"{GROUP_LABELS.get(g, g)} ×{m:g}"
                                        for g, m in (v.get("group_multipliers") or {}).items())})
    return rows


def new_standard_version(form: dict) -> StandardVersion:
    """The console's 新增标准 form → a StandardVersion (the same model the admin API validates)."""
    kind = form.get("formula_type", "")
    if kind not in FORMULA_AMOUNT:
        raise FormError("请选择计算方式")
    amount = _positive(form.get("amount", ""), "数额")
    if kind == "disposable_income_share":
        amount = amount / 100 if amount > 2 else amount     # 50 (%) or 0.5
    source = {"title": _required(form.get("source_title", ""), "来源文件名称")[:300],
              "published": _date(form.get("source_published", ""), "来源发布日期")}
    if form.get("source_url", "").strip():
        source["url"] = form["source_url"].strip()[:1000]
    try:
        return StandardVersion.model_validate({
            "effective_from": _date(form.get("effective_from", ""), "施行日期"),
            "formula": {"type": kind, FORMULA_AMOUNT[kind]: amount,
                        **({"prior_year": True} if form.get("prior_year") else {})},
            "comparison": form.get("comparison") if form.get("comparison") in COMPARISON_LABELS else "<",
            "wording": form.get("wording", "").strip()[:1000], "citation": form.get("citation", "").strip()[:300] or None,
            "sources": [source], "status": "staff_entry", "uncertain": False})
    except ValidationError as exc:
        raise FormError("填写的内容不符合要求：" + "；".join(e["msg"] for e in exc.errors())) from None


def with_version(entry: dict, version: StandardVersion) -> RegionEntry:
    """The region's entry plus the new version (a version of the same start date is replaced);
    the engine uses, on each date, the latest version already in force, so older ones stay as history."""
    start = version.effective_from.isoformat()
    kept = [v for v in entry.get("standards", []) if v.get("effective_from") != start]
    return RegionEntry.model_validate({**entry, "standards": kept + [version.model_dump(mode="json")]})


@dataclass
class FigureLine:
    region: str
    level: str
    figure: str
    name: str
    label: str
    year: int
    annual: float
    source: dict
    checked: str


def figure_lines(regions: dict[str, FigureRegion]) -> list[FigureLine]:
    lines = []
    for region, entry in regions.items():
        for row in sorted(entry.figures, key=lambda r: (r.figure, -r.year)):
            lines.append(FigureLine(region, LEVEL_LABELS.get(entry.level, ""), row.figure, FIGURES[row.figure],
                                    row.label if row.label != FIGURES[row.figure] else "", row.year, row.annual,
                                    row.source.model_dump(), row.checked or ""))
    return lines


def with_figure(existing: FigureRegion | None, form: dict) -> FigureRegion:
    """The console's figure form → the region's entry with that (figure, year) added or replaced."""
    figure = form.get("figure", "")
    if figure not in FIGURES:
        raise FormError("请选择统计项目")
    level = form.get("level", "")
    if existing is None and level not in LEVEL_LABELS:
        raise FormError("新地区请选择级别")
    source = {"title": _required(form.get("source_title", ""), "来源文件名称")[:300],
              "published": _date(form.get("source_published", ""), "来源发布日期"),
              "publisher": form.get("source_publisher", "").strip()[:100] or None,
              "url": form.get("source_url", "").strip()[:1000] or None}
    annual = _positive(form.get("annual", ""), "年度数额")
    try:
        year = int(form.get("year", ""))
        row = FigureRow.model_validate({"figure": figure, "year": year, "annual": annual, "source": source,
                                        "checked": form.get("checked", "").strip()[:1000] or None})
    except (ValueError, ValidationError):
        raise FormError("年份应为 1990–2100 之间的整数") from None
    rows = [r for r in (existing.figures if existing else []) if (r.figure, r.year) != (figure, year)]
    return FigureRegion(level=existing.level if existing else level, aliases=existing.aliases if existing else [],
                        figures=rows + [row])


def audit_changes(old: dict | None, new: dict, kind: str) -> list[str]:
    """What an audit row changed, in words: versions (standards) or figures added, changed, removed."""
    if kind == "standards":
        key = lambda v: v.get("effective_from") or "不详"          # noqa: E731
        describe = lambda v: f"{key(v)}起 {formula_text(v['formula'])}"  # noqa: E731
        before, after = ({key(v): v for v in (e or {}).get("standards", [])} for e in (old, new))
    else:
        key = lambda r: (r["figure"], r["year"])                    # noqa: E731
        describe = lambda r: f"{r.get('label') or FIGURES.get(r['figure'], '')} {r['year']}年 {_num(r['annual'])} 元"  # noqa: E731
        before, after = ({key(r): r for r in (e or {}).get("figures", [])} for e in (old, new))
    changes = [f"新增：{describe(after[k])}" for k in after if k not in before]
    changes += [f"修改：{describe(before[k])} → {describe(after[k])}" for k in after
                if k in before and before[k] != after[k]]
    changes += [f"删除：{describe(before[k])}" for k in before if k not in after]
    return changes or ["其他信息修改"]


def _required(value: str, name: str) -> str:
    if not (value or "").strip():
        raise FormError(f"请填写{name}")
    return value.strip()


def _date(value: str, name: str) -> str:
    try:
        return dt.date.fromisoformat(_required(value, name)[:10]).isoformat()
    except ValueError:
        raise FormError(f"{name}格式应为 2025-01-31") from None


def _positive(value: str, name: str) -> float:
    try:
        number = float(_required(value, name))
    except ValueError:
        raise FormError(f"{name}应为数字") from None
    if not 0 < number < 10_000_000:
        raise FormError(f"{name}应为正数")
    return number
