"""Documents (文书): generate a filled .docx, download it through an expiring link.

POST /v1/documents                          {"type", "facts", "session_id"?} → 201 + download link
                                            (the person of a web chat session, or staff with a token)
GET  /v1/documents/types                    the document types (anyone)
GET  /v1/documents/download?token=…         the .docx (anyone holding the link, until it expires)
POST /v1/handoffs/{ticket_id}/documents     generate (again) from the ticket's facts (staff)
GET  /v1/handoffs/{ticket_id}/documents     the ticket's live documents (staff)
GET  /v1/admin/documents/audit              generations and downloads, newest first (admin)

The facts are personal data: they are never logged, never audited and never echoed in errors;
the token travels in the query string, which the access log leaves out."""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from api.auth import authenticated_staff, require_admin, require_staff
from api.deps import get_services
from api.request_body import BadBody, first_reason, read_model
from api.responses import error_responses, json_body
from api.services import Services
from assistant.documents.catalog import DOCX_MEDIA_TYPE, TYPES, UnknownDocumentType, generate
from assistant.documents.facts import CIVIL_CASES, reason_in_chinese
from assistant.documents.prefill import facts_from_ticket
from assistant.documents.in_chat import DOWNLOAD_PATH
from assistant.documents.store import DocumentExpired, DocumentNotFound, DocumentStore, StoredDocument
from assistant.conversation.sessions import SESSION_ID_PATTERN
from assistant.staff.accounts import StaffMember

log = logging.getLogger(__name__)
router = APIRouter(tags=["documents"])
WEB_CHANNELS = {"web", "h5", "api"}
NEED_SESSION = "请先在咨询页面说明您的情况，再生成文书（需要有效的会话 session_id）"
BAD_LINK = "下载链接无效或文书已删除，请重新生成"
FACTS_NOT_OBJECT = "facts 必须是 JSON 对象 (facts must be an object)"


class TicketDocumentRequest(BaseModel):
    """POST /v1/handoffs/{ticket_id}/documents: the document, and facts that replace or add to the ticket's."""
    model_config = ConfigDict(extra="forbid")
    type: str | None = None
    facts: dict[str, Any] | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type_as_text(cls, value: object) -> str | None:
        """Any value: one that names no document type is refused with the list of those there are."""
        return value if value is None else str(value)


class DocumentRequest(TicketDocumentRequest):
    """POST /v1/documents. `session_id`: the person's web chat session (not needed with a staff
    token); one that is not text counts as none."""
    session_id: str | None = None

    @field_validator("session_id", mode="before")
    @classmethod
    def _text_or_none(cls, value: object) -> str | None:
        return value if isinstance(value, str) else None


TICKET_BODY = "请求体应为 {\"type\": …, \"facts\": {…}}"


def _unknown_keys(exc: ValidationError) -> list[str]:
    return sorted(str(e["loc"][0]) for e in exc.errors(include_url=False) if e["type"] == "extra_forbidden")


def _document_reason(exc: ValidationError) -> str:
    unknown = _unknown_keys(exc)
    if unknown:
        return f"请求里有不认识的项：{'、'.join(k[:40] for k in unknown[:5])}（只能有 type、facts、session_id）"
    return first_reason(exc, {"facts": FACTS_NOT_OBJECT})


def _ticket_document_reason(exc: ValidationError) -> str:
    return TICKET_BODY if _unknown_keys(exc) else first_reason(exc, {"facts": FACTS_NOT_OBJECT})


def _read(model: type[TicketDocumentRequest], body: Any, *, not_object: str, reason) -> Any:
    """The body as `model`, or a 422 with the reason (in Chinese)."""
    if not isinstance(body, dict):
        raise _unprocessable(not_object)
    try:
        return read_model(model, body, reason=reason)
    except BadBody as exc:
        raise _unprocessable(exc.reason) from None


def document_store(services: Services = Depends(get_services)) -> DocumentStore:
    return services.documents


def _unprocessable(reason: str) -> HTTPException:
    return HTTPException(status_code=422, detail=reason)


def _body_schema() -> dict:
    return json_body({"type": "object", "required": ["type"], "additionalProperties": False, "properties": {
        "type": {"type": "string", "enum": sorted(TYPES)},
        "facts": {"type": "object", "description": "docs/documents.md lists the facts of each type; "
                                                   "civil_complaint needs facts.case"},
        "session_id": {"type": "string", "pattern": SESSION_ID_PATTERN.pattern,
                       "description": "the web chat session of the person (not needed with a staff token)"}}})


def render(doc_type: object, facts: object):
    """generate() with its errors as 422s in Chinese."""
    if facts is not None and not isinstance(facts, dict):
        raise _unprocessable(FACTS_NOT_OBJECT)
    try:
        return generate(doc_type, facts)
    except UnknownDocumentType as exc:
        raise _unprocessable(str(exc)) from None
    except ValidationError as exc:
        raise _unprocessable(f"文书信息有误：{reason_in_chinese(exc)}") from None


def link_json(request: Request, stored: StoredDocument, token: str) -> dict:
    path = f"{DOWNLOAD_PATH}?token={token}"
    base = request.app.state.services.settings.public_base_url.rstrip("/")
    return {**stored.to_dict(), "download_path": path, "download_url": base + path}


def _created(payload: dict) -> JSONResponse:
    return JSONResponse(payload, status_code=201, headers={"Cache-Control": "no-store"})


def _requester(request: Request, services: Services, session_id: str | None) -> tuple[str, str | None]:
    """(actor, session id): a staff member by token, else the person of an existing web session."""
    staff = authenticated_staff(request)
    if staff is not None:
        return f"staff:{staff.username}", session_id
    if not (session_id is not None and SESSION_ID_PATTERN.fullmatch(session_id)):
        raise HTTPException(status_code=403, detail=NEED_SESSION)
    session = services.chat_sessions.get(session_id)
    if session is None or session.channel not in WEB_CHANNELS:
        raise HTTPException(status_code=403, detail=NEED_SESSION)
    return "person", session_id


@router.post("/v1/documents", status_code=201, openapi_extra=_body_schema(), responses=error_responses(403, 422))
def create_document(request: Request, body: Any = Body(..., include_in_schema=False),
                    services: Services = Depends(get_services), store: DocumentStore = Depends(document_store)):
    """Fill a document from `facts`; blanks where facts are missing. Answers with a download link
    that expires (FAYUAN_DOCUMENTS_TTL_HOURS), what was left blank and what to attach."""
    document_request: DocumentRequest = _read(DocumentRequest, body, reason=_document_reason,
                                                not_object="请求体必须是 JSON 对象：{\"type\": …, \"facts\": {…}}")
    actor, session_id = _requester(request, services, document_request.session_id)
    document = render(document_request.type, document_request.facts)
    stored, token = store.save(document, actor=actor, session_id=session_id)
    log.info("document %s (%s) generated by %s, %d blanks", stored.id, stored.doc_type, actor, len(stored.missing))
    return _created(link_json(request, stored, token))


@router.get("/v1/documents/types")
def document_types() -> dict:
    return {"types": [{"type": code, "title": t.title} for code, t in TYPES.items()],
            "civil_complaint_cases": [{"case": code, "title": title} for code, title in CIVIL_CASES.items()]}


@router.get(DOWNLOAD_PATH, responses={200: {"description": "The .docx", "content": {DOCX_MEDIA_TYPE: {}}},
                                      **error_responses(404), 410: {"description": "The link has expired"}})
def download(token: str = Query("", description="the token of the link POST /v1/documents gave"),
             store: DocumentStore = Depends(document_store)):
    if not token or len(token) > 100:
        return JSONResponse({"detail": BAD_LINK}, status_code=404)
    try:
        stored, content = store.open_by_token(token)
    except DocumentNotFound:
        return JSONResponse({"detail": BAD_LINK}, status_code=404)
    except DocumentExpired:
        hours = f"{store.ttl.total_seconds() / 3600:g}"
        return JSONResponse({"detail": f"下载链接已过期（文书只保存{hours}小时），请重新生成"}, status_code=410)
    return docx_response(stored, content)


def docx_response(stored: StoredDocument, content: bytes) -> Response:
    disposition = f"attachment; filename=\"{stored.doc_type}.docx\"; filename*=UTF-8''{quote(stored.filename)}"
    return Response(content, media_type=DOCX_MEDIA_TYPE, headers={
        "Content-Disposition": disposition, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})


# --- from a ticket (staff) ---------------------------------------------------------------------------

def ticket_document(services: Services, store: DocumentStore, ticket_id: str, doc_type: object,
                    overrides: object, staff: StaffMember) -> tuple[StoredDocument, str]:
    """Generate `doc_type` from the ticket's facts (overridden by `overrides`), replacing the ticket's
    earlier document of that type. Raises HandoffError (unknown ticket) or HTTPException (422)."""
    ticket = services.handoff_desk.get(ticket_id[:32])
    if overrides is not None and not isinstance(overrides, dict):
        raise _unprocessable("facts 必须是 JSON 对象 (facts must be an object)")
    code = doc_type if isinstance(doc_type, str) else ""
    facts = merge(facts_from_ticket(code, ticket.facts, region=ticket.region), overrides or {})
    document = render(doc_type, facts)
    stored, token = store.save(document, actor=f"staff:{staff.username}", session_id=ticket.session_id,
                               ticket_id=ticket.id, replace=True)
    log.info("document %s (%s) generated from ticket %s by %s", stored.id, stored.doc_type, ticket.id, staff.username)
    return stored, token


def merge(base: dict, overrides: dict) -> dict:
    """Overrides win; nested objects (applicant …) are merged key by key."""
    merged = dict(base)
    for key, value in overrides.items():
        merged[key] = merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def _ticket_body_schema() -> dict:
    return json_body({"type": "object", "required": ["type"], "additionalProperties": False, "properties": {
        "type": {"type": "string", "enum": sorted(TYPES)},
        "facts": {"type": "object", "description": "facts that replace or add to the ticket's"}}})


@router.post("/v1/handoffs/{ticket_id}/documents", status_code=201, tags=["handoff (staff)"],
             openapi_extra=_ticket_body_schema(), responses=error_responses(404, 422))
def create_ticket_document(ticket_id: str, request: Request, body: Any = Body(..., include_in_schema=False),
                           services: Services = Depends(get_services), store: DocumentStore = Depends(document_store),
                           staff: StaffMember = Depends(require_staff)):
    """Generate (or regenerate) a document pre-filled from the ticket's structured facts."""
    document_request: TicketDocumentRequest = _read(TicketDocumentRequest, body, not_object=TICKET_BODY,
                                                      reason=_ticket_document_reason)
    stored, token = ticket_document(services, store, ticket_id, document_request.type, document_request.facts, staff)
    return _created(link_json(request, stored, token))


@router.get("/v1/handoffs/{ticket_id}/documents", tags=["handoff (staff)"], responses=error_responses(404))
def list_ticket_documents(ticket_id: str, services: Services = Depends(get_services),
                          store: DocumentStore = Depends(document_store), _staff: StaffMember = Depends(require_staff)):
    ticket = services.handoff_desk.get(ticket_id[:32])   # unknown: TicketNotFound, a 404 (api/domain_errors.py)
    return {"documents": [d.to_dict() for d in store.for_ticket(ticket.id, ticket.session_id)]}


@router.get("/v1/admin/documents/audit")
def document_audit(limit: int = Query(200, ge=1, le=1000), store: DocumentStore = Depends(document_store),
                   _admin: StaffMember = Depends(require_admin)) -> dict:
    return {"audit": [event.to_dict() for event in store.audit(limit)]}
