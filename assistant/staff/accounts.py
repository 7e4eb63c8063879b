"""The staff directory: create accounts, check passwords (argon2id), bootstrap the first admin,
end an account's sessions (a new password does that too)."""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.staff.models import ROLES, StaffAccountRow, utcnow
from assistant.staff.revocations import TokenRevocations

log = logging.getLogger(__name__)

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD_LENGTH = 8


class StaffAccountError(ValueError):
    """A request about accounts that cannot be honoured (bad name, weak password, duplicate)."""


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    role: str
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _member(row: StaffAccountRow) -> StaffMember:
    return StaffMember(row.id, row.username, row.role, row.display_name or row.username)


class StaffDirectory:
    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None):
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._revocations = TokenRevocations(engine)
        self._hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        # a real hash to verify against for unknown users, so timing does not reveal who exists
        self._dummy_hash = self._hasher.hash("fayuan-no-such-user")

    def add(self, username: str, password: str, *, role: str = "staff", display_name: str = "") -> StaffMember:
        if not USERNAME_PATTERN.fullmatch(username or ""):
            raise StaffAccountError("username: 2–64 letters, digits or _ . @ -")
        if role not in ROLES:
            raise StaffAccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise StaffAccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
        row = StaffAccountRow(username=username, role=role, display_name=display_name or username,
                              password_hash=self._hasher.hash(password))
        try:
            with self._sessions.begin() as db:
                db.add(row)
        except IntegrityError as exc:
            raise StaffAccountError(f"username {username!r} already exists") from exc
        log.info("staff account %s created with role %s", username, role)
        return _member(row)

    def set_password(self, username: str, password: str) -> None:
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise StaffAccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
        self._update(username, password_hash=self._hasher.hash(password))
        self.revoke_sessions(username)   # whoever knew the old password is logged out everywhere

    def revoke_sessions(self, username: str, *, now: float | None = None) -> float:
        """End every console session and API token of this account issued until now (lost phone,
        a leaver, a leaked token); returns the cut-off time. Logging in again works."""
        member = self.by_username(username)
        if member is None:
            raise StaffAccountError(f"no staff account {username!r}")
        cutoff = time.time() if now is None else now
        self._revocations.revoke_all(member.id, now=cutoff)
        log.warning("all sessions of staff account %s revoked", username)
        return cutoff

    def authenticate(self, username: str, password: str) -> StaffMember | None:
        """The member if the password is right and the account active; None otherwise."""
        with self._sessions() as db:
            row = db.scalar(select(StaffAccountRow).where(StaffAccountRow.username == (username or "")))
        if row is None or not row.active:
            self._verify(self._dummy_hash, password or "")
            return None
        if not self._verify(row.password_hash, password or ""):
            return None
        values = {"last_login_at": utcnow()}
        if self._hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = self._hasher.hash(password)
        with self._sessions.begin() as db:  # a single UPDATE: safe next to concurrent SQLite writers
            db.execute(update(StaffAccountRow).where(StaffAccountRow.id == row.id).values(**values))
        return _member(row)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def get(self, staff_id: int) -> StaffMember | None:
        """The active member with this id (None if unknown or deactivated)."""
        with self._sessions() as db:
            row = db.get(StaffAccountRow, staff_id)
            return _member(row) if row is not None and row.active else None

    def by_username(self, username: str) -> StaffMember | None:
        with self._sessions() as db:
            row = db.scalar(select(StaffAccountRow).where(StaffAccountRow.username == username))
            return _member(row) if row is not None and row.active else None

    def list(self) -> list[StaffMember]:
        with self._sessions() as db:
            rows = db.scalars(select(StaffAccountRow).where(StaffAccountRow.active.is_(True))
                              .order_by(StaffAccountRow.username)).all()
            return [_member(r) for r in rows]

    def display_names(self) -> dict[str, str]:
        """username → display name of every account, deactivated ones too (their old tickets)."""
        with self._sessions() as db:
            rows = db.execute(select(StaffAccountRow.username, StaffAccountRow.display_name)).all()
            return {username: display or username for username, display in rows}

    def set_display_name(self, username: str, display_name: str) -> None:
        display_name = (display_name or "").strip()
        if not 1 <= len(display_name) <= 64:
            raise StaffAccountError("display name: 1–64 characters")
        self._update(username, display_name=display_name)

    def deactivate(self, username: str) -> None:
        self._update(username, active=False)

    def _update(self, username: str, **values) -> None:
        with self._sessions.begin() as db:
            changed = db.execute(update(StaffAccountRow).where(StaffAccountRow.username == username)
                                 .values(**values)).rowcount
        if changed != 1:
            raise StaffAccountError(f"no staff account {username!r}")

    def ensure_admin(self, username: str | None, password: str | None) -> StaffMember | None:
        """Start-up bootstrap: create the configured admin if it does not exist yet. An existing
        account is left as it is (its password may have been changed since)."""
        if not username or not password:
            return None
        existing = self.by_username(username)
        if existing is not None:
            return existing
        try:
            return self.add(username, password, role="admin", display_name="管理员")
        except StaffAccountError as exc:
            if self.by_username(username) is not None:  # another replica created it just now
                return self.by_username(username)
            raise StaffAccountError(f"FAYUAN_ADMIN_USERNAME/FAYUAN_ADMIN_PASSWORD: {exc}") from exc
