"""Consultation ratings (the person, at the end) and the monthly report (staff: JSON, CSV, SVG)."""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import require_staff
from api.deps import get_services
from api.services import Services
from assistant.records.chart import report_chart_svg
from assistant.records.models import RATINGS
from assistant.records.report import MonthlyReport, RegionMonth, monthly_report, report_csv
from assistant.records.service import ConsultationRecords, RecordsError, UnknownConsultation

router = APIRouter(tags=["records"])
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def get_records(services: Services = Depends(get_services)) -> ConsultationRecords:
    records = getattr(services, "records", None)
    if records is None:
        records = services.records = ConsultationRecords(services.records_engine)
    return records


class RatingBody(BaseModel):
    rating: str = Field(..., description="满意 / 基本满意 / 不满意", max_length=8)
    comment: str = Field("", max_length=500)


@router.post("/v1/consultations/{session_id}/rating")
def rate_consultation(session_id: str, body: RatingBody, records: ConsultationRecords = Depends(get_records)) -> dict:
    if body.rating not in RATINGS:
        raise HTTPException(status_code=422, detail=f"评价只能是：{'、'.join(RATINGS)}")
    try:
        records.rate(session_id[:64], body.rating, body.comment)
    except UnknownConsultation as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except RecordsError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return {"ok": True, "message": "感谢您的评价！"}


def parse_month(month: str) -> tuple[int, int]:
    match = MONTH.fullmatch(month or "")
    if not match or not (1 <= int(match.group(2)) <= 12) or not (2000 <= int(match.group(1)) <= 2100):
        raise HTTPException(status_code=422, detail="month must look like 2026-03")
    return int(match.group(1)), int(match.group(2))


def load_report(services: Services, month: str, region: str | None) -> MonthlyReport:
    year, number = parse_month(month)
    return monthly_report(services.records_engine, year, number, region=region or None)


def region_dict(row: RegionMonth) -> dict:
    return {"region": row.region, "consultations": row.consultations, "turns": row.turns,
            "intents": dict(row.intents), "handoffs": row.handoffs,
            "handoffs_by_service": dict(row.handoffs_by_service),
            "median_first_reply_minutes": row.median_first_reply_minutes,
            "eligibility": dict(row.eligibility), "ratings": dict(row.ratings),
            "satisfaction_rate": row.satisfaction_rate}


@router.get("/v1/reports/monthly", dependencies=[Depends(require_staff)])
def monthly_json(month: str = Query(..., max_length=7), region: str | None = Query(None, max_length=64),
                 services: Services = Depends(get_services)) -> dict:
    report = load_report(services, month, region)
    return {"month": report.label, "regions": [region_dict(r) for r in report.regions],
            "total": region_dict(report.total)}


@router.get("/v1/reports/monthly.csv", dependencies=[Depends(require_staff)])
def monthly_csv(month: str = Query(..., max_length=7), region: str | None = Query(None, max_length=64),
                services: Services = Depends(get_services)) -> Response:
    report = load_report(services, month, region)
    # BOM so that Excel opens the Chinese headers correctly
    return Response("\ufeff" + report_csv(report), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="fayuan-report-{report.label}.csv"'})


@router.get("/v1/reports/monthly.svg", dependencies=[Depends(require_staff)])
def monthly_svg(month: str = Query(..., max_length=7), region: str | None = Query(None, max_length=64),
                services: Services = Depends(get_services)) -> Response:
    return Response(report_chart_svg(load_report(services, month, region)), media_type="image/svg+xml")
