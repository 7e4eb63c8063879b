"""Consultation ratings (the person, at the end) and the monthly report (staff: JSON, CSV, SVG)."""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import require_staff
from api.console.labels import label
from api.deps import get_services
from api.responses import error_responses, file_response
from api.services import Services
from assistant.records.models import RATINGS
from assistant.records.report import MonthlyReport, RegionMonth, monthly_report, report_csv
from assistant.records.service import AlreadyRated, ConsultationRecords, RecordsError, UnknownConsultation

router = APIRouter(tags=["records"])
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# what parse_month accepts, declared in the schema (the route checks it itself, to say why)
MONTH_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"
Month = Annotated[str, Query(max_length=7, description="YYYY-MM", json_schema_extra={"pattern": MONTH_PATTERN})]
Region = Annotated[str | None, Query(max_length=64)]
STAFF_READ = {"dependencies": [Depends(require_staff)], "responses": error_responses(422)}


def get_records(services: Services = Depends(get_services)) -> ConsultationRecords:
    return services.records


class RatingBody(BaseModel):
    rating: str = Field(..., description="满意 / 基本满意 / 不满意", max_length=8,
                        json_schema_extra={"enum": list(RATINGS)})
    comment: str = Field("", max_length=500)
    change: bool = Field(False, description="true to replace an earlier rating (one rating per consultation)")


@router.post("/v1/consultations/{session_id}/rating", responses=error_responses(404, 409, 422))
def rate_consultation(session_id: str, body: RatingBody, records: ConsultationRecords = Depends(get_records),
                      services: Services = Depends(get_services)) -> dict:
    """The person rates their own consultation: the path carries the server-issued id of a web
    session, which only its holder knows. Channel sessions (WeChat, WeCom, the facade's `user`)
    and ids that are no session are not found here."""
    if body.rating not in RATINGS:
        raise HTTPException(status_code=422, detail=f"评价只能是：{'、'.join(RATINGS)}")
    if services.chat_sessions.held(session_id) is None:
        raise HTTPException(status_code=404, detail="没有找到这次咨询，无法评价")
    try:
        records.rate(session_id[:64], body.rating, body.comment, change=body.change)
    except AlreadyRated as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    except UnknownConsultation as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except RecordsError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    message = f"已把您的评价改为“{body.rating}”。" if body.change else "感谢您的评价！"
    return {"ok": True, "message": message, "rating": body.rating}


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


@router.get("/v1/reports/monthly", **STAFF_READ)
def monthly_json(month: Month, region: Region = None,
                 services: Services = Depends(get_services)) -> dict:
    report = load_report(services, month, region)
    return {"month": report.label, "regions": [region_dict(r) for r in report.regions],
            "total": region_dict(report.total)}


@router.get("/v1/reports/monthly.csv", response_class=Response, dependencies=STAFF_READ["dependencies"],
            responses={200: file_response("text/csv"), **STAFF_READ["responses"]})
def monthly_csv(month: Month, region: Region = None,
                services: Services = Depends(get_services)) -> Response:
    report = load_report(services, month, region)
    # BOM so that Excel opens the Chinese headers correctly
    return Response("\ufeff" + report_csv(report, label=label), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="fayuan-report-{report.label}.csv"'})


@router.get("/v1/reports/monthly.svg", response_class=Response, dependencies=STAFF_READ["dependencies"],
            responses={200: file_response("image/svg+xml"), **STAFF_READ["responses"]})
def monthly_svg(month: Month, region: Region = None,
                services: Services = Depends(get_services)) -> Response:
    from assistant.records.chart import report_chart_svg   # matplotlib (42 MB) only when a chart is drawn

    return Response(report_chart_svg(load_report(services, month, region)), media_type="image/svg+xml")
