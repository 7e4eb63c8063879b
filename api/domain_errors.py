"""The staff API's domain errors answered in one place: a route lets `HandoffError` or
`KnownAnswerError` rise, and the handler registered here turns it into a 4xx whose `detail` is the
error's reason (`str(exc)`, written to be shown to staff). The console catches these errors itself
(it answers with a page, not JSON)."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.handoff.states import HandoffError, InvalidTicketInput, NotTicketOwner, TicketConflict, TicketNotFound
from assistant.known_answers.store import KnownAnswerError

HANDOFF_STATUS: dict[type[HandoffError], int] = {
    TicketNotFound: 404, TicketConflict: 409, NotTicketOwner: 403, InvalidTicketInput: 422}


def handoff_status(exc: HandoffError) -> int:
    return HANDOFF_STATUS.get(type(exc), 400)


async def _handoff_error(_request: Request, exc: HandoffError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=handoff_status(exc))


async def _known_answer_error(_request: Request, exc: KnownAnswerError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=exc.status)


def install_domain_errors(app: FastAPI) -> None:
    app.add_exception_handler(HandoffError, _handoff_error)
    app.add_exception_handler(KnownAnswerError, _known_answer_error)
