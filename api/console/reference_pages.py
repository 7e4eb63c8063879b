"""Console pages for the reference tables staff maintain: the legal-aid economic-hardship standards
and the compensation statistics. Every staff member can read them (with sources, dates and the
audit trail); only admins can change them, through the same books and audit as /v1/admin."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.auth import check_csrf
from api.console.pages import _back, _page_staff, _render, _services
from api.console.reference import (COMPARISON_LABELS, FORMULA_LABELS, LEVEL_LABELS, FormError, audit_changes,
                                   figure_lines, new_standard_version, version_rows, with_figure, with_version)
from api.routers.eligibility import standards_book
from api.routers.tools import figures_book
from assistant.tools.figures import FIGURES

router = APIRouter(prefix="/console", include_in_schema=False)
FORM_FIELD_MAX = 1000


def _admin_only(request: Request, staff, back: str):
    return None if staff.is_admin else _back(back, error="只有管理员可以修改，请联系管理员")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v)[:FORM_FIELD_MAX] for k, v in form.items() if isinstance(v, str)}


def _audit_rows(rows, kind: str) -> list[dict]:
    return [{"at": row.at, "region": row.region, "actor": row.actor, "action": row.action,
             "changes": audit_changes(row.old, row.new, kind)} for row in rows]


# --- legal-aid standards ------------------------------------------------------------------------

@router.get("/standards", response_class=HTMLResponse)
def standards_page(request: Request) -> HTMLResponse:
    staff = _page_staff(request)
    book = standards_book(_services(request))
    table, today = book.snapshot(), dt.date.today()
    regions = []
    for name, entry in table.entries.items():
        std = table.standard_for(name, today)
        regions.append({"name": name, "level": LEVEL_LABELS.get(entry.level, ""), "parent": entry.parent or "",
                        "standard": None if std is None else {
                            "from_region": std.source_region, "formula": version_rows(
                                {"standards": [std.version.model_dump(mode="json")]})[0],
                            "urban": std.describe(std.threshold("urban"))["value"],
                            "rural": std.describe(std.threshold("rural"))["value"]}})
    return _render(request, "console/standards.html", staff, regions=regions,
                   audit=_audit_rows(book.audit(limit=50), "standards"))


@router.get("/standards/{region}", response_class=HTMLResponse)
def standard_region_page(request: Request, region: str) -> HTMLResponse:
    staff = _page_staff(request)
    book = standards_book(_services(request))
    found = book.entry(region[:40])
    if found is None:
        return _back("/console/standards", error=f"没有这个地区：{region[:40]}")
    name, entry = found
    return _render(request, "console/standard_region.html", staff, name=name, entry=entry,
                   level=LEVEL_LABELS.get(entry["level"], ""), versions=version_rows(entry),
                   formulas=FORMULA_LABELS, comparisons=COMPARISON_LABELS, today=dt.date.today().isoformat(),
                   audit=_audit_rows(book.audit(name, limit=100), "standards"))


@router.post("/standards/{region}")
async def add_standard_version(request: Request, region: str):
    staff = _page_staff(request)
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    page = f"/console/standards/{quote(region[:40])}"
    if (refused := _admin_only(request, staff, page)) is not None:
        return refused
    book = standards_book(_services(request))
    found = book.entry(region[:40])
    if found is None:
        return _back("/console/standards", error=f"没有这个地区：{region[:40]}")
    name, entry = found
    try:
        book.put(name, with_version(entry, new_standard_version(form)), actor=staff.username)
    except (FormError, ValueError) as exc:
        return _back(page, error=str(exc) if isinstance(exc, FormError) else "保存失败：内容不符合要求")
    return _back(page, msg="已保存，新标准按施行日期生效，修改已记入变更记录")


# --- compensation statistics ----------------------------------------------------------------------

@router.get("/figures", response_class=HTMLResponse)
def figures_page(request: Request) -> HTMLResponse:
    staff = _page_staff(request)
    book = figures_book(_services(request))
    regions = book.regions()
    return _render(request, "console/figures.html", staff, lines=figure_lines(regions), region_names=list(regions),
                   figure_names=FIGURES, levels=LEVEL_LABELS, audit=_audit_rows(book.audit(limit=100), "figures"))


@router.post("/figures")
async def save_figure(request: Request):
    staff = _page_staff(request)
    form = await _form(request)
    check_csrf(request, form.get("csrf_token"))
    if (refused := _admin_only(request, staff, "/console/figures")) is not None:
        return refused
    book = figures_book(_services(request))
    region = form.get("region", "").strip()[:40]
    if not region:
        return _back("/console/figures", error="请填写地区")
    regions = book.regions()
    key = book.resolve(region, regions)
    try:
        book.put(key or region, with_figure(regions.get(key) if key else None, form), actor=staff.username)
    except FormError as exc:
        return _back("/console/figures", error=str(exc))
    return _back("/console/figures", msg=f"已保存{key or region}的统计数字，修改已记入变更记录")
