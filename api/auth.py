"""Staff authentication: bearer tokens for the staff API, a signed session cookie for the console,
CSRF tokens for the console's forms, and the `require_staff` / `require_admin` dependencies.

Anonymous → 401 (with `WWW-Authenticate: Bearer`), authenticated but wrong role → 403. Every
request re-reads the account, so a deactivated account or a changed role takes effect at once."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from api.deps import get_services
from api.services import Services
from assistant.privacy import mask_pii
from assistant.staff.accounts import StaffDirectory, StaffMember
from assistant.staff.tokens import InvalidToken, TokenSigner

log = logging.getLogger(__name__)

SESSION_COOKIE = "fayuan_staff_session"
API_PURPOSE = "api"
CONSOLE_PURPOSE = "console"

router = APIRouter(prefix="/v1/auth", tags=["staff auth"])


def staff_directory(services: Services) -> StaffDirectory:
    directory = getattr(services, "staff", None)
    if directory is None:  # a Services built by hand in a test: same engine, same accounts
        directory = services.staff = StaffDirectory(services.records_engine)
    return directory


def token_signer(services: Services) -> TokenSigner:
    return TokenSigner(services.settings.secret_key)


def authenticated_staff(request: Request) -> StaffMember | None:
    """The staff member behind this request (bearer token first, then the console cookie)."""
    if hasattr(request.state, "staff"):
        return request.state.staff
    services: Services = request.app.state.services
    signer = token_signer(services)
    member = None
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    try:
        if scheme.lower() == "bearer" and credential:
            claims = signer.verify(credential.strip(), API_PURPOSE)
            member = staff_directory(services).get(claims.staff_id)
        elif request.cookies.get(SESSION_COOKIE) and _cookie_allowed(request):
            claims = signer.verify(request.cookies[SESSION_COOKIE], CONSOLE_PURPOSE)
            member = staff_directory(services).get(claims.staff_id)
            if member is not None:
                request.state.session_nonce = claims.nonce
    except InvalidToken:
        member = None
    request.state.staff = member
    return member


def _cookie_allowed(request: Request) -> bool:
    """The console cookie authenticates console pages (whose forms carry CSRF tokens) and safe
    API reads (the report CSV/chart links); changing API calls need a bearer token, so a forged
    cross-site request can never act with a staff member's cookie."""
    return request.url.path.startswith("/console") or request.method in ("GET", "HEAD")


def require_staff(request: Request) -> StaffMember:
    member = authenticated_staff(request)
    if member is None:
        raise HTTPException(status_code=401, detail="需要工作人员登录 (staff login required)",
                            headers={"WWW-Authenticate": "Bearer"})
    return member


def require_admin(member: StaffMember = Depends(require_staff)) -> StaffMember:
    if not member.is_admin:
        raise HTTPException(status_code=403, detail="需要管理员权限 (admin role required)")
    return member


# --- console session cookie and CSRF -----------------------------------------------------------

def start_console_session(response: Response, services: Services, member: StaffMember) -> None:
    settings = services.settings
    ttl = settings.session_ttl_minutes * 60
    cookie = token_signer(services).issue(member.id, CONSOLE_PURPOSE, ttl)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=ttl, httponly=True, samesite="lax",
                        secure=settings.public_base_url.startswith("https://"), path="/")


def end_console_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_token_for(request: Request) -> str:
    """The CSRF token to put in the console's forms (empty when not logged in)."""
    nonce = getattr(request.state, "session_nonce", None)
    return token_signer(request.app.state.services).csrf_token(nonce) if nonce else ""


def check_csrf(request: Request, token: str | None) -> None:
    nonce = getattr(request.state, "session_nonce", None)
    if nonce is None or not token_signer(request.app.state.services).check_csrf(nonce, token):
        raise HTTPException(status_code=403, detail="表单已过期或来源不明，请刷新页面后重试 (CSRF check failed)")


# --- the token endpoint ------------------------------------------------------------------------

class TokenRequest(BaseModel):
    username: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    username: str
    role: str


@router.post("/token", response_model=TokenResponse)
def issue_token(body: TokenRequest, services: Services = Depends(get_services)) -> TokenResponse:
    member = staff_directory(services).authenticate(body.username, body.password)
    if member is None:
        log.warning("failed staff login for %s", mask_pii(body.username))
        raise HTTPException(status_code=401, detail="用户名或密码错误 (wrong username or password)")
    ttl = services.settings.api_token_ttl_minutes * 60
    token = token_signer(services).issue(member.id, API_PURPOSE, ttl)
    return TokenResponse(access_token=token, expires_in=ttl, username=member.username, role=member.role)


class StaffMe(BaseModel):
    id: int
    username: str
    role: str
    display_name: str


@router.get("/me", response_model=StaffMe)
def who_am_i(member: StaffMember = Depends(require_staff)) -> StaffMe:
    return StaffMe(id=member.id, username=member.username, role=member.role, display_name=member.display_name)
