"""Records table of staff accounts. Passwords are stored only as argon2id hashes."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase

ROLES = ("staff", "admin")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class StaffAccountRow(RecordsBase):
    __tablename__ = "staff_accounts"
    __table_args__ = (CheckConstraint("role IN ('staff', 'admin')", name="ck_staff_accounts_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
