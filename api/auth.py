"""Staff authentication: bearer tokens for the staff API, a signed session cookie for the console,
CSRF tokens for the console's forms, and the `require_staff` / `require_admin` dependencies.

Anonymous → 401 (with `WWW-Authenticate: Bearer`), authenticated but wrong role → 403. Every
request re-reads the account and the revocations, so a deactivated account, a changed role, a
logout or an admin's "revoke all sessions" takes effect at once. Logins are throttled per
(username, client address) and per client address, with a doubling wait (429), counted before the
password is checked; at most api.services.HASH_SLOTS password checks run at once (503 when none frees in time)."""
from __future__ import annotations

import logging

import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from api.deps import get_services
from api.limits import RateLimited, request_ip
from api.responses import error_responses
from api.services import Services
from assistant.privacy import mask_pii
from assistant.staff.accounts import StaffAccountError, StaffMember
from assistant.staff.hashing_slots import HashingBusy
from assistant.staff.tokens import InvalidToken, TokenClaims, TokenSigner

log = logging.getLogger(__name__)

SESSION_COOKIE = "fayuan_staff_session"
API_PURPOSE = "api"
CONSOLE_PURPOSE = "console"

router = APIRouter(prefix="/v1/auth", tags=["staff auth"])


def token_signer(services: Services) -> TokenSigner:
    return TokenSigner(services.secret_key)


class LoginThrottled(RateLimited):
    def __init__(self, retry_after_s: float):
        minutes = max(1, round(retry_after_s / 60))
        super().__init__(retry_after_s, f"登录失败次数过多，请 {minutes} 分钟后再试 (too many failed logins)")


class LoginBusy(HTTPException):
    def __init__(self):
        super().__init__(503, "登录的人太多，请稍后再试 (too many logins at once; try again shortly)",
                         headers={"Retry-After": "5"})


async def authenticate_login(request: Request, services: Services, username: str, password: str
                             ) -> StaffMember | None:
    """The member for a right password, None for a wrong one; LoginThrottled (429) while this
    (username, address) or this address must wait (the password is then not even checked);
    LoginBusy (503) when no password-check place comes free in time."""
    throttle, ip = services.login_throttle, request_ip(request)
    wait = await anyio.to_thread.run_sync(throttle.begin, username, ip)   # Redis, maybe: off the loop
    if wait is not None:
        log.warning("staff login for %s from %s refused: too many failures", mask_pii(username), ip)
        raise LoginThrottled(wait)
    try:
        member = await services.login_hashing_slots.run(services.staff.authenticate, username, password)
    except HashingBusy:
        await anyio.to_thread.run_sync(throttle.abandoned, username, ip)
        log.warning("staff login for %s refused: all password-check places busy", mask_pii(username))
        raise LoginBusy() from None
    if member is None:
        log.warning("failed staff login for %s", mask_pii(username))
        return None
    await anyio.to_thread.run_sync(throttle.succeeded, username, ip)
    return member


def authenticated_staff(request: Request) -> StaffMember | None:
    """The staff member behind this request (bearer token first, then the console cookie)."""
    if hasattr(request.state, "staff"):
        return request.state.staff
    services: Services = request.app.state.services
    member = None
    claims, purpose = _presented_claims(request, token_signer(services))
    if claims is not None and not services.token_revocations.is_revoked(claims):
        member = services.staff.get(claims.staff_id)
        if member is not None:
            request.state.staff_claims = claims
            if purpose == CONSOLE_PURPOSE:
                request.state.session_nonce = claims.nonce
    request.state.staff = member
    return member


def _presented_claims(request: Request, signer: TokenSigner) -> tuple[TokenClaims | None, str]:
    """The verified claims of the bearer token, else of the console cookie, and which it was."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    try:
        if scheme.lower() == "bearer" and credential:
            return signer.verify(credential.strip(), API_PURPOSE), API_PURPOSE
        if request.cookies.get(SESSION_COOKIE) and _cookie_allowed(request):
            return signer.verify(request.cookies[SESSION_COOKIE], CONSOLE_PURPOSE), CONSOLE_PURPOSE
    except InvalidToken:
        pass
    return None, ""


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
                        secure=cookies_secure(settings), path="/")


def cookies_secure(settings) -> bool:
    """Secure cookies (sent over https only): always in production, else when the public URL is https."""
    return settings.env == "production" or settings.public_base_url.startswith("https://")


def end_console_session(request: Request, response: Response) -> None:
    """Logout: the session is revoked on the server (a copied cookie stops working too)."""
    claims = getattr(request.state, "staff_claims", None)
    if claims is not None:
        request.app.state.services.token_revocations.revoke(claims)
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


@router.post("/token", response_model=TokenResponse, responses=error_responses(401, 422, 429, 503))
async def issue_token(body: TokenRequest, request: Request, services: Services = Depends(get_services)
                      ) -> TokenResponse:
    member = await authenticate_login(request, services, body.username, body.password)
    if member is None:
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


@router.post("/logout", status_code=204, responses=error_responses(401))
def logout(request: Request, member: StaffMember = Depends(require_staff)) -> Response:
    """Revoke the credential of this request (the bearer token, or the console cookie) for good."""
    request.app.state.services.token_revocations.revoke(request.state.staff_claims)
    log.info("staff %s logged out", member.username)
    return Response(status_code=204)


class RevokedSessions(BaseModel):
    username: str
    revoked_before: float


@router.post("/staff/{username}/revoke", response_model=RevokedSessions,
             responses=error_responses(401, 403, 404, 422))
def revoke_staff_sessions(username: str, request: Request, admin: StaffMember = Depends(require_admin)
                          ) -> RevokedSessions:
    """Admin: end every console session and API token of a staff member issued until now."""
    try:
        cutoff = request.app.state.services.staff.revoke_sessions(username[:64])
    except StaffAccountError:
        raise HTTPException(status_code=404, detail="没有这个工作人员 (no such staff member)") from None
    log.warning("all sessions of staff %s revoked by %s", mask_pii(username), admin.username)
    return RevokedSessions(username=username, revoked_before=cutoff)
