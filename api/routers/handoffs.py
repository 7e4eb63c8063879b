"""Staff API of the handoff queue: /v1/handoffs (every route needs a staff token or session).

Errors: 401 anonymous, 403 wrong role / not the owner, 404 unknown ticket, 409 a state conflict
(claiming an owned ticket, replying to a closed one), 422 bad input. The queue's refusals
(HandoffError) rise out of the routes; api/domain_errors.py answers them."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from api.auth import require_admin, require_staff
from api.deps import get_services
from api.responses import error_responses
from api.services import Services
from assistant.handoff.queue import HandoffQueue
from assistant.handoff.states import STATUSES
from assistant.staff.accounts import StaffMember
from knowledge.database import MAX_DB_INT

router = APIRouter(prefix="/v1/handoffs", tags=["handoff (staff)"], dependencies=[Depends(require_staff)],
                   responses=error_responses(403, 404, 409, 422))

Service = Literal["法律援助", "人民调解", "律师咨询", "公证"]
Priority = Literal["urgent", "high", "normal"]


def get_queue(services: Services = Depends(get_services)) -> HandoffQueue:
    queue = services.handoff_desk
    if queue is None:
        raise HTTPException(status_code=503, detail="handoff queue not configured")
    return queue


class ReplyBody(BaseModel):
    text: str = Field(..., min_length=1, max_length=2000)


class ResolveBody(BaseModel):
    outcome: str = Field(..., min_length=1, max_length=200)


class NoteBody(BaseModel):
    note: str = Field("", max_length=200)


class AssignBody(BaseModel):
    username: str = Field(..., min_length=1, max_length=64)


class PullBody(BaseModel):
    session_id: str = Field(..., min_length=1, max_length=64)
    service: Service = "法律援助"
    region: str | None = Field(None, max_length=64)
    priority: Priority = "normal"
    note: str = Field("", max_length=500)


@router.get("")
def list_tickets(status: str | None = Query(None, max_length=16, json_schema_extra={"enum": [*STATUSES, "open"]}),
                 service: Service | None = None,
                 region: str | None = Query(None, max_length=64), mine: bool = False,
                 limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_DB_INT),
                 staff: StaffMember = Depends(require_staff), queue: HandoffQueue = Depends(get_queue)) -> dict:
    tickets = queue.list(status=status, service=service, region=region,
                         owner_id=staff.id if mine else None, limit=limit, offset=offset)
    return {"tickets": [t.to_dict() for t in tickets], "count": len(tickets)}


@router.post("/pull")
def pull_conversation(body: PullBody, staff: StaffMember = Depends(require_staff),
                      queue: HandoffQueue = Depends(get_queue)) -> dict:
    return queue.pull(body.session_id, staff, service=body.service, region=body.region,
                      priority=body.priority, note=body.note).to_dict()


@router.get("/{ticket_id}")
def get_ticket(ticket_id: str, queue: HandoffQueue = Depends(get_queue)) -> dict:
    ticket = queue.get(ticket_id)
    return {**ticket.to_dict(), "events": [e.to_dict() for e in queue.events(ticket_id)],
            "transcript": queue.transcript(ticket_id)}


@router.post("/{ticket_id}/claim")
def claim(ticket_id: str, staff: StaffMember = Depends(require_staff), queue: HandoffQueue = Depends(get_queue)) -> dict:
    return queue.claim(ticket_id, staff).to_dict()


@router.post("/{ticket_id}/assign")
def assign(ticket_id: str, body: AssignBody, request: Request, staff: StaffMember = Depends(require_staff),
           queue: HandoffQueue = Depends(get_queue)) -> dict:
    assignee = request.app.state.services.staff.by_username(body.username)
    if assignee is None:
        raise HTTPException(status_code=404, detail=f"没有这个工作人员 (no active staff {body.username!r})")
    return queue.assign(ticket_id, staff, assignee).to_dict()


@router.post("/{ticket_id}/reply")
def reply(ticket_id: str, body: ReplyBody, staff: StaffMember = Depends(require_staff),
          queue: HandoffQueue = Depends(get_queue)) -> dict:
    result = queue.reply(ticket_id, staff, body.text)
    return {"ticket": result.ticket.to_dict(), "delivered": result.delivered, "error": result.error,
            "message_id": result.message_id}


@router.post("/{ticket_id}/resolve")
def resolve(ticket_id: str, body: ResolveBody, staff: StaffMember = Depends(require_staff),
            queue: HandoffQueue = Depends(get_queue)) -> dict:
    return queue.resolve(ticket_id, staff, body.outcome).to_dict()


@router.post("/{ticket_id}/hand-back")
def hand_back(ticket_id: str, body: NoteBody | None = None, staff: StaffMember = Depends(require_staff),
              queue: HandoffQueue = Depends(get_queue)) -> dict:
    return queue.hand_back(ticket_id, staff, body.note if body else "").to_dict()


@router.post("/{ticket_id}/cancel")
def cancel(ticket_id: str, body: NoteBody | None = None, staff: StaffMember = Depends(require_staff),
           queue: HandoffQueue = Depends(get_queue)) -> dict:
    return queue.cancel(ticket_id, staff, body.note if body else "").to_dict()


@router.get("/{ticket_id}/events", dependencies=[Depends(require_admin)])
def audit_trail(ticket_id: str, queue: HandoffQueue = Depends(get_queue)) -> dict:
    """The full audit trail (admin only; staff see it on the ticket itself)."""
    queue.get(ticket_id)   # an unknown ticket: 404
    return {"events": [e.to_dict() for e in queue.events(ticket_id)]}
