"""Known answers (staff): approve a resolved ticket's reply, list them with their use counts, retire.

POST /v1/handoffs/{ticket_id}/known-answer — the ticket's owner or an admin; 409 unless the ticket
is resolved, 422 (with the reason) when the reply cites no article the knowledge base has, or one
it does not have / that is repealed. GET /v1/known-answers, POST /v1/known-answers/{id}/retire — staff.
KnownAnswerError and HandoffError rise out of the routes; api/domain_errors.py answers them."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field

from api.auth import require_staff
from api.deps import get_services
from api.responses import error_responses
from api.routers.handoffs import get_queue
from api.services import Services
from assistant.handoff.queue import HandoffQueue
from assistant.known_answers.store import MAX_QUESTION_CHARS, MAX_REPLY_CHARS, KnownAnswerStore
from assistant.staff.accounts import StaffMember
from knowledge.database import MAX_DB_INT

router = APIRouter(tags=["known answers (staff)"], dependencies=[Depends(require_staff)],
                   responses=error_responses(403, 404, 409, 422))


class ApproveBody(BaseModel):
    question: str | None = Field(None, max_length=MAX_QUESTION_CHARS,
                                 description="the question as it should be matched; default: the ticket's summary")
    reply: str | None = Field(None, max_length=MAX_REPLY_CHARS,
                              description="the answer; default: the last staff reply on the ticket")


def get_store(services: Services = Depends(get_services)) -> KnownAnswerStore:
    return services.known_answers


def approve_known_answer(services, ticket_id: str, staff: StaffMember, *, question: str | None = None,
                         reply: str | None = None):
    """Shared by the API and the console: raises KnownAnswerError / HandoffError / HTTPException(503)."""
    if services.knowledge is None:
        raise HTTPException(status_code=503, detail="知识库尚未加载，暂时不能核对法条 (knowledge base not loaded)")
    return services.known_answers.approve_ticket(services.handoff_desk, ticket_id, staff, services.knowledge,
                                                 question=question, reply=reply)


@router.post("/v1/handoffs/{ticket_id}/known-answer")
def approve(ticket_id: str, body: ApproveBody | None = None, staff: StaffMember = Depends(require_staff),
            services: Services = Depends(get_services), _queue: HandoffQueue = Depends(get_queue),
            _store: KnownAnswerStore = Depends(get_store)) -> dict:
    body = body or ApproveBody()
    return approve_known_answer(services, ticket_id[:32], staff, question=body.question,
                                reply=body.reply).to_dict()


@router.get("/v1/known-answers")
def list_known_answers(status: Literal["active", "retired"] | None = None, limit: int = Query(200, ge=1, le=500),
                       offset: int = Query(0, ge=0, le=MAX_DB_INT),
                       store: KnownAnswerStore = Depends(get_store)) -> dict:
    answers = store.list(status=status, limit=limit, offset=offset)
    return {"known_answers": [a.to_dict() for a in answers], "count": len(answers)}


@router.post("/v1/known-answers/{answer_id}/retire")
def retire(answer_id: int = Path(..., ge=1, le=MAX_DB_INT), staff: StaffMember = Depends(require_staff),
           store: KnownAnswerStore = Depends(get_store)) -> dict:
    return store.retire(answer_id, staff.username).to_dict()
