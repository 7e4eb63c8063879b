"""Console pages: login/logout, the queue, a ticket with its actions, regulation lookup, reports.

Every page needs a staff session (otherwise → the login page); every form carries the session's
CSRF token. Actions redirect back (303) with a message, so a reload never repeats them."""
from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import (LoginBusy, LoginThrottled, authenticate_login, authenticated_staff, check_csrf, csrf_token_for,
                      end_console_session, start_console_session)
from api.console.lookup import LEVELS, LookupFilters, regulation_lookup
from api.console.people import StaffNames
from api.console.render import STATUS_FILTERS, TEMPLATES
from assistant.handoff.states import SERVICES, HandoffError
from assistant.known_answers.store import KnownAnswerError, question_from_summary
from assistant.records.models import RATINGS
from assistant.records.report import monthly_report
from assistant.staff.accounts import StaffMember
from assistant.staff.tokens import same_secret
from knowledge.database import MAX_DB_INT

router = APIRouter(prefix="/console", include_in_schema=False)
LOGIN_CSRF_COOKIE = "fayuan_login_csrf"


def _services(request: Request):
    return request.app.state.services


def _page_staff(request: Request) -> StaffMember:
    member = authenticated_staff(request)
    if member is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(status_code=303, headers={"Location": f"/console/login?next={quote(target)}"})
    return member


def _names(request: Request) -> StaffNames:
    return StaffNames.of(_services(request).staff)


def _render(request: Request, template: str, staff: StaffMember | None, **context) -> HTMLResponse:
    context.update(staff=staff, csrf_token=csrf_token_for(request))
    if staff is not None:
        context.setdefault("names", _names(request))
    context.setdefault("message", request.query_params.get("msg", "")[:200])
    context.setdefault("error", request.query_params.get("error", "")[:200])
    return TEMPLATES.TemplateResponse(request, template, context)


def _back(path: str, *, msg: str = "", error: str = "") -> RedirectResponse:
    query = urlencode({k: v for k, v in (("msg", msg), ("error", error)) if v})
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=303)


def _safe_next(value: str | None) -> str:
    """Only same-site console paths (no open redirect to another host)."""
    return value if value and value.startswith("/console/") and not value.startswith("//") else "/console/queue"


# --- login ---------------------------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
def console_home() -> RedirectResponse:
    return RedirectResponse("/console/queue", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> HTMLResponse:
    return _login_form(request, next)


def _login_form(request: Request, next: str, **context) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = _render(request, "console/login.html", None, login_csrf=token, next=_safe_next(next), **context)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=1800, httponly=True, samesite="strict", path="/console")
    return response


@router.post("/login")
async def login(request: Request, username: str = Form("", max_length=64), password: str = Form("", max_length=256),
          csrf_token: str = Form("", max_length=100), next: str = Form("", max_length=300)):
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not same_secret(csrf_token, expected):
        return _back("/console/login", error="登录页面已过期，请重新登录")
    try:
        member = await authenticate_login(request, _services(request), username, password)
    except (LoginThrottled, LoginBusy) as exc:   # the form again, with the reason, as a 429 / 503
        response = _login_form(request, next, error=exc.detail)
        response.status_code = exc.status_code
        response.headers.update(exc.headers)
        return response
    if member is None:
        return _back("/console/login", error="用户名或密码错误")
    response = RedirectResponse(_safe_next(next), status_code=303)
    start_console_session(response, _services(request), member)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("", max_length=100)):
    _page_staff(request)
    check_csrf(request, csrf_token)
    response = _back("/console/login", msg="已退出")
    end_console_session(request, response)
    return response


# --- queue and tickets ------------------------------------------------------------------------------

@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, status: str = "open", service: str = "", region: str = "") -> HTMLResponse:
    staff = _page_staff(request)
    filters = {"status": status[:16], "service": service[:16], "region": region.strip()[:64]}
    try:
        tickets = _services(request).handoff_desk.list(status=filters["status"] or None,
                                                       service=filters["service"] or None,
                                                       region=filters["region"] or None, limit=200)
        error = ""
    except HandoffError as exc:
        tickets, error = [], _names(request).message(str(exc))
    extra = {"error": error} if error else {}
    return _render(request, "console/queue.html", staff, tickets=tickets, filters=filters,
                   statuses=STATUS_FILTERS, services_list=SERVICES, **extra)


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(request: Request, ticket_id: str) -> HTMLResponse:
    staff = _page_staff(request)
    queue = _services(request).handoff_desk
    try:
        ticket = queue.get(ticket_id[:32])
    except HandoffError:
        return HTMLResponse("<!doctype html><meta charset='utf-8'><p>没有这个工单。<a href='/console/queue'>返回队列</a>",
                            status_code=404)
    from api.routers.documents import document_store
    from assistant.documents.catalog import TYPES
    from assistant.documents.facts import CIVIL_CASES

    transcript = queue.transcript(ticket.id)
    staff_replies = [m["text"] for m in transcript if m.get("role") == "staff"]
    return _render(request, "console/ticket.html", staff, t=ticket, events=queue.events(ticket.id),
                   transcript=transcript, staff_members=_services(request).staff.list(),
                   known=store.for_ticket(ticket.id) if (store := _services(request).known_answers) else None,
                   known_question=question_from_summary(ticket.summary),
                   known_reply=staff_replies[-1] if staff_replies else "",
                   documents=document_store(_services(request)).for_ticket(ticket.id, ticket.session_id),
                   document_types=TYPES, civil_cases=CIVIL_CASES)


@router.post("/tickets/{ticket_id}/{action}")
def ticket_action(request: Request, ticket_id: str, action: str, csrf_token: str = Form("", max_length=100),
                  text: str = Form("", max_length=2000), outcome: str = Form("", max_length=200),
                  note: str = Form("", max_length=200), username: str = Form("", max_length=64),
                  question: str = Form("", max_length=500), approve_known: str = Form("", max_length=8),
                  doc_type: str = Form("", max_length=40), case: str = Form("", max_length=40)):
    staff = _page_staff(request)
    check_csrf(request, csrf_token)
    queue = _services(request).handoff_desk
    page = f"/console/tickets/{quote(ticket_id[:32])}"
    try:
        if action == "document":   # 生成文书: pre-filled from the ticket's facts, replaces the previous one
            return _generate_document(request, staff, ticket_id, doc_type, case, page)
        if action == "claim":
            queue.claim(ticket_id, staff)
            return _back(page, msg="已认领")
        if action == "reply":
            result = queue.reply(ticket_id, staff, text)
            if not result.delivered:
                return _back(page, error=f"回复已保存，但未能发送到对方：{_names(request).message(result.error)}")
            return _back(page, msg="回复已发送")
        if action == "resolve":
            queue.resolve(ticket_id, staff, outcome)
            if approve_known:
                return _approve_known(request, page, ticket_id, staff, done="已办结；")
            return _back(page, msg="已办结")
        if action == "approve-known":
            return _approve_known(request, page, ticket_id, staff, question=question, reply=text)
        if action == "hand-back":
            queue.hand_back(ticket_id, staff, note)
            return _back(page, msg="已交还机器人")
        if action == "cancel":
            queue.cancel(ticket_id, staff, note)
            return _back(page, msg="工单已取消")
        if action == "assign":
            assignee = _services(request).staff.by_username(username)
            if assignee is None:
                return _back(page, error="没有这个工作人员")
            queue.assign(ticket_id, staff, assignee)
            return _back(page, msg=f"已指派给 {assignee.display_name}")
    except HandoffError as exc:
        return _back(page, error=_names(request).message(str(exc)))
    raise HTTPException(status_code=404, detail="没有这个操作")


def _approve_known(request: Request, page: str, ticket_id: str, staff: StaffMember, *, done: str = "",
                   question: str = "", reply: str = "") -> RedirectResponse:
    from api.routers.known_answers import approve_known_answer

    try:
        approve_known_answer(_services(request), ticket_id, staff, question=question or None, reply=reply or None)
    except (KnownAnswerError, HandoffError) as exc:
        return _back(page, msg=done.rstrip("；"), error=f"未能审核为已知答复：{exc}")
    except HTTPException as exc:
        return _back(page, msg=done.rstrip("；"), error=f"未能审核为已知答复：{exc.detail}")
    return _back(page, msg=f"{done}已审核为已知答复，类似的问题将用这条答复回答")


def _generate_document(request: Request, staff: StaffMember, ticket_id: str, doc_type: str, case: str,
                       page: str) -> RedirectResponse:
    from api.routers.documents import document_store, ticket_document

    services = _services(request)
    try:
        stored, _token = ticket_document(services, document_store(services), ticket_id, doc_type,
                                         {"case": case} if doc_type == "civil_complaint" and case else None, staff)
    except HTTPException as exc:
        return _back(page, error=str(exc.detail))
    blanks = f"，{len(stored.missing)}处待填写" if stored.missing else ""
    return _back(page, msg=f"已生成《{stored.title}》{blanks}，可在“文书”中下载")


@router.get("/documents/{document_id}")
def download_document(request: Request, document_id: str):
    """A document of a ticket, for staff (by id, with the console session; audited)."""
    from api.routers.documents import docx_response, document_store
    from assistant.documents.store import DocumentExpired, DocumentNotFound

    staff = _page_staff(request)
    try:
        stored, content = document_store(_services(request)).open_by_id(document_id[:32], actor=f"staff:{staff.username}")
    except (DocumentNotFound, DocumentExpired):
        return HTMLResponse("<!doctype html><meta charset='utf-8'><p>文书已过期或已删除，请在工单页重新生成。"
                            "<a href='/console/queue'>返回队列</a>", status_code=404)
    return docx_response(stored, content)


@router.post("/pull")
def pull_conversation(request: Request, csrf_token: str = Form("", max_length=100),
                      session_id: str = Form("", max_length=64), service: str = Form("法律援助", max_length=16),
                      region: str = Form("", max_length=64)):
    staff = _page_staff(request)
    check_csrf(request, csrf_token)
    try:
        ticket = _services(request).handoff_desk.pull(session_id.strip(), staff, service=service,
                                                      region=region.strip() or None)
    except HandoffError as exc:
        return _back("/console/queue", error=_names(request).message(str(exc)))
    return _back(f"/console/tickets/{quote(ticket.id)}", msg="已接管该会话，机器人暂停回复")


# --- known answers --------------------------------------------------------------------------------

@router.get("/known-answers", response_class=HTMLResponse)
def known_answers_page(request: Request, status: str = "") -> HTMLResponse:
    staff = _page_staff(request)
    status = status if status in ("active", "retired") else ""
    answers = _services(request).known_answers.list(status=status or None, limit=500)
    return _render(request, "console/known_answers.html", staff, answers=answers, status=status)


@router.post("/known-answers/{answer_id}/retire")
def retire_known_answer(request: Request, answer_id: int = Path(..., ge=1, le=MAX_DB_INT), csrf_token: str = Form("", max_length=100)):
    staff = _page_staff(request)
    check_csrf(request, csrf_token)
    try:
        _services(request).known_answers.retire(answer_id, staff.username)
    except KnownAnswerError as exc:
        return _back("/console/known-answers", error=str(exc))
    return _back("/console/known-answers", msg=f"已停用第 {answer_id} 条已知答复，今后不再使用")


# --- regulation lookup and reports -----------------------------------------------------------------

@router.get("/laws", response_class=HTMLResponse)
def laws_page(request: Request, q: str = "", level: str = "", region: str = "", in_force: str = "",
              as_of: str = "") -> HTMLResponse:
    staff = _page_staff(request)
    kb = _services(request).knowledge
    filters = LookupFilters.from_query(level[:20], region[:40], in_force[:4], as_of[:10])
    result = regulation_lookup(kb, q, filters) if kb is not None and q.strip() and not filters.error else None
    extra = {"error": filters.error} if filters.error else {}
    return _render(request, "console/laws.html", staff, q=q[:100], kb_loaded=kb is not None, filters=filters,
                   levels=LEVELS, result=result, **extra)


@router.get("/laws/article", response_class=HTMLResponse)
def article_page(request: Request, doc: str = "", law: str = "", article: str = "", q: str = "") -> HTMLResponse:
    """One article: its text, law, level, region, status, dates and the same article in the law's
    other versions. By doc id (a result row) or by law and number (a title row: its first article)."""
    staff = _page_staff(request)
    kb = _services(request).knowledge
    hit = None
    if kb is not None:
        hit = kb.article_by_doc(doc[:80]) if doc else kb.get_article(law[:100], article[:20] or "1")
    if hit is None or hit.kind != "statute":
        response = _render(request, "console/article.html", staff, hit=None, versions=[], q=q[:100],
                           kb_loaded=kb is not None)
        response.status_code = 404
        return response
    return _render(request, "console/article.html", staff, hit=hit, versions=kb.article_versions(hit.doc_id),
                   q=q[:100], kb_loaded=True)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, month: str = "", region: str = "") -> HTMLResponse:
    from api.routers.records import parse_month
    staff = _page_staff(request)
    now = datetime.now()
    try:
        year, number = parse_month(month) if month else (now.year, now.month)
        error = ""
    except HTTPException:
        (year, number), error = (now.year, now.month), "月份格式应为 2026-03"
    report = monthly_report(_services(request).records_engine, year, number, region=region.strip()[:64] or None)
    extra = {"error": error} if error else {}
    return _render(request, "console/reports.html", staff, report=report, rows=report.regions + [report.total],
                   region=region.strip()[:64], ratings=RATINGS, **extra)
