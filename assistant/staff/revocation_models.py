"""Records tables that revoke staff credentials before they expire (signed tokens cannot be
recalled by themselves): one row per logged-out session, one cut-off time per staff member."""
from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase


class RevokedStaffTokenRow(RecordsBase):
    """A single token (console session or API token) revoked by logging out; kept until it expires."""

    __tablename__ = "staff_revoked_tokens"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class StaffTokenCutoffRow(RecordsBase):
    """Every token of this staff member issued before `revoked_before` (epoch seconds) is invalid."""

    __tablename__ = "staff_token_cutoffs"

    staff_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revoked_before: Mapped[float] = mapped_column(Float)
