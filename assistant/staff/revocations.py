"""Server-side revocation of staff credentials: logout ends one session or token for good, and an
admin can end every session and token of a staff member at once (a lost phone, a leaver)."""
from __future__ import annotations

import time

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.staff.revocation_models import RevokedStaffTokenRow, StaffTokenCutoffRow
from assistant.staff.tokens import TokenClaims


class TokenRevocations:
    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def revoke(self, claims: TokenClaims) -> None:
        """Logout: this one token stops working (a second logout of it is a no-op)."""
        now = time.time()
        try:
            with self._sessions.begin() as db:
                db.execute(delete(RevokedStaffTokenRow).where(RevokedStaffTokenRow.expires_at < now))
                db.add(RevokedStaffTokenRow(nonce=claims.nonce, expires_at=claims.expires_at))
        except IntegrityError:
            pass                                    # already revoked

    def revoke_all(self, staff_id: int, *, now: float | None = None) -> None:
        """Every token and session of `staff_id` issued until now stops working."""
        cutoff = time.time() if now is None else now
        with self._sessions.begin() as db:
            row = db.get(StaffTokenCutoffRow, staff_id)
            if row is None:
                db.add(StaffTokenCutoffRow(staff_id=staff_id, revoked_before=cutoff))
            else:
                row.revoked_before = max(row.revoked_before, cutoff)

    def is_revoked(self, claims: TokenClaims) -> bool:
        with self._sessions() as db:
            if db.get(RevokedStaffTokenRow, claims.nonce) is not None:
                return True
            cutoff = db.scalar(select(StaffTokenCutoffRow.revoked_before)
                               .where(StaffTokenCutoffRow.staff_id == claims.staff_id))
        return cutoff is not None and claims.issued_at < cutoff
