"""The handoff queue: the back office's tickets, as the conversation (HandoffDesk) and staff see it.

States: (bot) → pending → assigned → resolved (the person's next message goes to the bot again);
pending → cancelled; an SLA breach → escalated (still claimable / resolvable). Every transition is
one transaction holding the conditional UPDATE and its audit row, so two staff can never own one
ticket — on SQLite (writes serialise) and on PostgreSQL (the second UPDATE re-checks its WHERE on
the committed row and matches nothing)."""
from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant.contracts import HandoffInfo
from assistant.handoff import outbox
from assistant.handoff.models import HandoffEventRow, HandoffTicketRow, utcnow
from assistant.handoff.notify import ticket_markdown, webhook_payload
from assistant.handoff.outbound import OutboundRegistry
from assistant.handoff.states import (HANDED_BACK, OPEN_STATUSES, PRIORITIES, PRIORITY_RANK, SERVICES,
                                      STATUSES, TRIGGERS, InvalidTicketInput, NotTicketOwner,
                                      TicketConflict, TicketNotFound)
from assistant.handoff.tickets import AuditEvent, ReplyResult, TicketView, closed_facts
from assistant.privacy import mask_pii, mask_value
from assistant.staff.accounts import StaffMember
from knowledge.database import flush_deleted

log = logging.getLogger(__name__)

DEFAULT_SLA_MINUTES = {"urgent": 30, "high": 120, "normal": 480}
MAX_SUMMARY_CHARS = 2000
MAX_REPLY_CHARS = 2000
MAX_OUTCOME_CHARS = 200
MAX_NOTE_CHARS = 500


def _actor(member: StaffMember | None) -> str:
    return f"staff:{member.username}" if member else "system"


def new_ticket_id(now: datetime) -> str:
    return f"HT{now:%Y%m%d}-{secrets.token_hex(4)}"


class HandoffQueue:
    """Implements `assistant.contracts.HandoffDesk` plus the staff operations."""

    def __init__(self, engine: Engine, *, sla_minutes: dict[str, int] | None = None,
                 public_base_url: str = "http://127.0.0.1:8000", notify: bool = False,
                 mentions: list[str] | None = None, outbound: OutboundRegistry | None = None,
                 transcripts=None, on_notification: Callable[[], None] | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._engine = engine
        self._sla = {**DEFAULT_SLA_MINUTES, **(sla_minutes or {})}
        self._base_url = public_base_url
        self._notify = notify
        self._mentions = list(mentions or [])
        self.outbound = outbound or OutboundRegistry()
        self._transcripts = transcripts  # assistant.conversation.sessions.SessionStore
        self._on_notification = on_notification
        self._clock = clock

    # --- HandoffDesk (the conversation's view) ------------------------------------------------

    def open_ticket(self, session_id: str, *, trigger: str, service: str, priority: str,
                    region: str | None, summary: str, facts: dict | None, channel: str,
                    user_ref: str | None) -> HandoffInfo:
        return self.open(session_id, trigger=trigger, service=service, priority=priority, region=region,
                         summary=summary, facts=facts, channel=channel, user_ref=user_ref).info()

    def active_ticket(self, session_id: str) -> HandoffInfo | None:
        ticket = self._open_ticket_of(session_id)
        return ticket.info() if ticket else None

    def latest_ticket(self, session_id: str) -> TicketView | None:
        """The session's newest ticket, open or closed (what the person's page shows)."""
        with self._sessions() as db:
            row = db.scalar(select(HandoffTicketRow).where(HandoffTicketRow.session_id == session_id)
                            .order_by(HandoffTicketRow.created_at.desc(), HandoffTicketRow.id.desc()).limit(1))
            return TicketView.from_row(row) if row else None

    def human_owns(self, session_id: str) -> bool:
        ticket = self._open_ticket_of(session_id)
        return bool(ticket and ticket.human_owns)

    # --- opening ---------------------------------------------------------------------------------

    def open(self, session_id: str, *, trigger: str, service: str, priority: str = "normal",
             region: str | None = None, summary: str = "", facts: dict | None = None,
             channel: str = "web", user_ref: str | None = None, actor: str = "bot",
             owner: StaffMember | None = None) -> TicketView:
        """Raise a ticket (or return the session's open one, raising its priority if needed)."""
        self._check_open_input(session_id, trigger, service, priority)
        existing = self._open_ticket_of(session_id)
        if existing is not None:
            return self._maybe_raise_priority(existing, priority, actor)
        now = self._clock()
        row = HandoffTicketRow(
            id=new_ticket_id(now), session_id=session_id, channel=channel or "web", user_ref=user_ref,
            trigger=trigger, service=service, region=(region or None), priority=priority, status="pending",
            summary=mask_pii(summary or "")[:MAX_SUMMARY_CHARS], facts=facts or {},
            created_at=now, updated_at=now, due_at=now + timedelta(minutes=self._sla[priority]))
        try:
            with self._sessions.begin() as db:
                db.add(row)
                db.flush()
                self._audit(db, row.id, actor, "open", None, "pending", f"trigger={trigger}", now)
                if owner is not None:  # a staff pull: the puller owns it at once
                    row.status, row.owner_id, row.owner_name, row.claimed_at = "assigned", owner.id, owner.username, now
                    self._audit(db, row.id, _actor(owner), "claim", "pending", "assigned", "", now)
                else:
                    self._enqueue(db, TicketView.from_row(row), "new", now)
        except IntegrityError:
            # another replica opened this session's ticket a moment ago: that one stands
            existing = self._open_ticket_of(session_id)
            if existing is None:
                raise
            return existing
        self._kick()
        log.info("handoff ticket %s opened (%s, %s, %s)", row.id, trigger, service, priority)
        return TicketView.from_row(row)

    def pull(self, session_id: str, staff: StaffMember, *, service: str, region: str | None = None,
             priority: str = "normal", note: str = "") -> TicketView:
        """A staff member takes over a conversation the bot is having (trigger staff_pull)."""
        existing = self._open_ticket_of(session_id)
        if existing is not None:
            if existing.owner_id is None:
                return self.claim(existing.id, staff)
            if existing.owner_id == staff.id:
                return existing
            raise TicketConflict(f"该会话已由 {existing.owner_name} 处理 (already owned)")
        channel, user_ref = self._session_channel(session_id)
        return self.open(session_id, trigger="staff_pull", service=service, priority=priority, region=region,
                         summary=note, facts={}, channel=channel, user_ref=user_ref,
                         actor=_actor(staff), owner=staff)

    # --- staff transitions -------------------------------------------------------------------------

    def claim(self, ticket_id: str, staff: StaffMember) -> TicketView:
        return self._take(ticket_id, staff, staff, action="claim")

    def assign(self, ticket_id: str, actor: StaffMember, assignee: StaffMember) -> TicketView:
        """Give a ticket to `assignee`: unowned tickets by anyone; owned ones by their owner or an admin."""
        return self._take(ticket_id, actor, assignee, action="assign")

    def _take(self, ticket_id: str, actor: StaffMember, owner: StaffMember, *, action: str) -> TicketView:
        current = self.get(ticket_id)
        if not current.is_open:
            raise TicketConflict(f"工单已{_closed_word(current.status)}，不能再认领 (ticket is {current.status})")
        if current.owner_id is not None:
            if action == "claim":
                if current.owner_id == owner.id:
                    return current
                raise TicketConflict(f"工单已由 {current.owner_name} 认领 (already claimed)")
            if current.owner_id != actor.id and not actor.is_admin:
                raise NotTicketOwner("只有当前处理人或管理员可以改派 (only the owner or an admin can reassign)")
        now = self._clock()
        new_status = "assigned" if current.status == "pending" else current.status
        with self._sessions.begin() as db:
            # the guard: the row must still be exactly as we saw it (owner and status)
            owner_guard = (HandoffTicketRow.owner_id.is_(None) if current.owner_id is None
                           else HandoffTicketRow.owner_id == current.owner_id)
            changed = db.execute(update(HandoffTicketRow)
                                 .where(HandoffTicketRow.id == ticket_id, owner_guard,
                                        HandoffTicketRow.status == current.status)
                                 .values(owner_id=owner.id, owner_name=owner.username, status=new_status,
                                         claimed_at=func.coalesce(HandoffTicketRow.claimed_at, now),
                                         updated_at=now)).rowcount
            if changed != 1:
                raise TicketConflict("工单刚被其他人处理，请刷新 (ticket changed, someone else got it)")
            note = "" if action == "claim" else f"to {owner.username}"
            self._audit(db, ticket_id, _actor(actor), action, current.status, new_status, note, now)
        ticket = self.get(ticket_id)
        self._tell_person(ticket, claimed_notice(ticket.id, owner))
        return ticket

    def reply(self, ticket_id: str, staff: StaffMember, text: str) -> ReplyResult:
        """Send a staff reply to the person; stored in the transcript even if delivery fails."""
        text = (text or "").strip()
        if not text:
            raise InvalidTicketInput("回复内容不能为空 (empty reply)")
        if len(text) > MAX_REPLY_CHARS:
            raise InvalidTicketInput(f"回复不能超过 {MAX_REPLY_CHARS} 字 (reply too long)")
        ticket = self._owned_open(ticket_id, staff)
        now = self._clock()
        with self._sessions.begin() as db:
            db.execute(update(HandoffTicketRow).where(HandoffTicketRow.id == ticket_id)
                       .values(first_reply_at=func.coalesce(HandoffTicketRow.first_reply_at, now), updated_at=now))
            self._audit(db, ticket_id, _actor(staff), "reply", ticket.status, ticket.status, text, now)
        message_id, delivered, error = self._send_to_person(ticket, text, "staff", _actor(staff))
        return ReplyResult(self.get(ticket_id), delivered, error, message_id)

    def _send_to_person(self, ticket: TicketView, text: str, role: str, actor: str,
                        intent: str | None = None) -> tuple[int | None, bool, str]:
        """Store `text` in the conversation's transcript and deliver it on the person's channel
        (WeChat…); a failed delivery is kept and audited, never raised."""
        message_id = self._store_in_transcript(ticket, text, role, intent)
        delivered, error = True, ""
        if self.outbound.needs_sending(ticket.channel):
            try:
                self.outbound.deliver(ticket.channel, ticket.user_ref, text)
            except Exception as exc:  # noqa: BLE001 - any channel failure: keep the message, tell staff
                delivered, error = False, mask_pii(str(exc))[:300] or type(exc).__name__
                log.warning("message on ticket %s not delivered on %s: %s", ticket.id, ticket.channel, error)
                with self._sessions.begin() as db:
                    self._audit(db, ticket.id, actor, "delivery_failed", ticket.status, ticket.status,
                                error, self._clock())
        return message_id, delivered, error

    def _tell_person(self, ticket: TicketView, text: str) -> None:
        """A status notice to the person (claimed, resolved): the same words on every channel."""
        try:
            self._send_to_person(ticket, text, "assistant", "system", intent=HANDOFF_NOTICE_INTENT)
        except Exception:  # noqa: BLE001 - the transition happened; a lost notice must not undo it
            log.exception("could not tell the person about ticket %s", ticket.id)

    def resolve(self, ticket_id: str, staff: StaffMember, outcome: str) -> TicketView:
        """Close the case; its sensitive facts (incomes, disability, violence…) go with it (closed_facts)."""
        outcome = (outcome or "").strip()
        if not outcome:
            raise InvalidTicketInput("请填写办理结果 (outcome is required)")
        ticket = self._close(ticket_id, staff, "resolve", "resolved", outcome)
        self._tell_person(ticket, resolved_notice(ticket))
        return ticket

    def hand_back(self, ticket_id: str, staff: StaffMember, note: str = "") -> TicketView:
        """Staff give the conversation back to the bot (the ticket closes as resolved)."""
        return self._close(ticket_id, staff, "hand_back", "resolved", HANDED_BACK, note=note)

    def cancel(self, ticket_id: str, actor: StaffMember | None, reason: str = "") -> TicketView:
        """Withdraw an unclaimed ticket (the person no longer needs it, or a duplicate)."""
        current = self.get(ticket_id)
        if current.status not in ("pending", "escalated") or current.owner_id is not None:
            raise TicketConflict("只有未认领的工单可以取消 (only unclaimed tickets can be cancelled)")
        now = self._clock()
        with self._sessions.begin() as db:
            changed = db.execute(update(HandoffTicketRow)
                                 .where(HandoffTicketRow.id == ticket_id, HandoffTicketRow.owner_id.is_(None),
                                        HandoffTicketRow.status == current.status)
                                 .values(status="cancelled", outcome=mask_pii(reason)[:MAX_OUTCOME_CHARS] or "取消",
                                         closed_at=now, updated_at=now, facts=closed_facts(current.facts))).rowcount
            if changed != 1:
                raise TicketConflict("工单刚被其他人处理，请刷新 (ticket changed)")
            self._audit(db, ticket_id, _actor(actor) if actor else "person", "cancel", current.status,
                        "cancelled", reason, now)
        flush_deleted(self._engine)
        return self.get(ticket_id)

    def _close(self, ticket_id: str, staff: StaffMember, action: str, status: str, outcome: str,
               note: str = "") -> TicketView:
        current = self._owned_open(ticket_id, staff)
        now = self._clock()
        with self._sessions.begin() as db:
            changed = db.execute(update(HandoffTicketRow)
                                 .where(HandoffTicketRow.id == ticket_id,
                                        HandoffTicketRow.owner_id == current.owner_id,
                                        HandoffTicketRow.status == current.status)
                                 .values(status=status, outcome=mask_pii(outcome)[:MAX_OUTCOME_CHARS], closed_at=now,
                                         updated_at=now, facts=closed_facts(current.facts))).rowcount
            if changed != 1:
                raise TicketConflict("工单刚被其他人处理，请刷新 (ticket changed)")
            self._audit(db, ticket_id, _actor(staff), action, current.status, status,
                        note or outcome, now)
        flush_deleted(self._engine)
        return self.get(ticket_id)

    # --- SLA (called by assistant.handoff.sla) ------------------------------------------------------

    # Both start their transaction with the conditional UPDATE (never read-then-write): on SQLite a
    # read transaction that later writes fails at once if another connection wrote in between.

    def mark_reminded(self, ticket_id: str, now: datetime) -> bool:
        ticket = self.get(ticket_id)
        with self._sessions.begin() as db:
            changed = db.execute(update(HandoffTicketRow)
                                 .where(HandoffTicketRow.id == ticket_id, HandoffTicketRow.reminded_at.is_(None),
                                        HandoffTicketRow.status == ticket.status,
                                        HandoffTicketRow.status.in_(("pending", "assigned")))
                                 .values(reminded_at=now)).rowcount
            if changed != 1:
                return False
            self._audit(db, ticket_id, "system", "remind", ticket.status, ticket.status, "SLA half time", now)
            self._enqueue(db, replace(ticket, reminded_at=now), "reminder", now)
        self._kick()
        return True

    def escalate(self, ticket_id: str, now: datetime) -> bool:
        ticket = self.get(ticket_id)
        with self._sessions.begin() as db:
            changed = db.execute(update(HandoffTicketRow)
                                 .where(HandoffTicketRow.id == ticket_id, HandoffTicketRow.status == ticket.status,
                                        HandoffTicketRow.status.in_(("pending", "assigned")),
                                        HandoffTicketRow.first_reply_at.is_(None))
                                 .values(status="escalated", escalated_at=now, updated_at=now)).rowcount
            if changed != 1:
                return False
            self._audit(db, ticket_id, "system", "escalate", ticket.status, "escalated", "SLA deadline passed", now)
            self._enqueue(db, replace(ticket, status="escalated", escalated_at=now), "escalation", now)
        self._kick()
        return True

    # --- reading -------------------------------------------------------------------------------------

    def get(self, ticket_id: str) -> TicketView:
        with self._sessions() as db:
            row = db.get(HandoffTicketRow, ticket_id)
            if row is None:
                raise TicketNotFound(f"没有这个工单 (no ticket {ticket_id!r})")
            return TicketView.from_row(row)

    def list(self, *, status: str | None = None, service: str | None = None, region: str | None = None,
             owner_id: int | None = None, limit: int = 100, offset: int = 0) -> list[TicketView]:
        if status is not None and status not in STATUSES + ("open",):
            raise InvalidTicketInput(f"status must be one of {', '.join(STATUSES + ('open',))}")
        query = select(HandoffTicketRow)
        if status == "open":
            query = query.where(HandoffTicketRow.status.in_(OPEN_STATUSES))
        elif status:
            query = query.where(HandoffTicketRow.status == status)
        if service:
            query = query.where(HandoffTicketRow.service == service)
        if region:
            query = query.where(HandoffTicketRow.region == region)
        if owner_id is not None:
            query = query.where(HandoffTicketRow.owner_id == owner_id)
        query = query.order_by(HandoffTicketRow.due_at, HandoffTicketRow.id).limit(min(limit, 500)).offset(offset)
        with self._sessions() as db:
            rows = db.scalars(query).all()
        tickets = [TicketView.from_row(r) for r in rows]
        return sorted(tickets, key=lambda t: (not t.is_open, PRIORITY_RANK.get(t.priority, 9), t.due_at))

    def events(self, ticket_id: str) -> list[AuditEvent]:
        with self._sessions() as db:
            rows = db.scalars(select(HandoffEventRow).where(HandoffEventRow.ticket_id == ticket_id)
                              .order_by(HandoffEventRow.id)).all()
            return [AuditEvent.from_row(r) for r in rows]

    def transcript(self, ticket_id: str) -> list[dict]:
        """The conversation's masked messages (from the chat session store)."""
        ticket = self.get(ticket_id)
        if self._transcripts is None:
            return []
        return [m.to_dict() for m in self._transcripts.messages(ticket.session_id, limit=500)]

    def due_candidates(self, now: datetime) -> list[TicketView]:
        """Open tickets still waiting for a first human reply (the SLA sweep's input)."""
        with self._sessions() as db:
            rows = db.scalars(select(HandoffTicketRow)
                              .where(HandoffTicketRow.status.in_(("pending", "assigned")),
                                     HandoffTicketRow.first_reply_at.is_(None))
                              .order_by(HandoffTicketRow.due_at).limit(1000)).all()
            return [TicketView.from_row(r) for r in rows]

    # --- helpers ---------------------------------------------------------------------------------------

    def _open_ticket_of(self, session_id: str) -> TicketView | None:
        with self._sessions() as db:
            row = db.scalar(select(HandoffTicketRow).where(HandoffTicketRow.session_id == session_id,
                                                           HandoffTicketRow.status.in_(OPEN_STATUSES)))
            return TicketView.from_row(row) if row else None

    def _owned_open(self, ticket_id: str, staff: StaffMember) -> TicketView:
        ticket = self.get(ticket_id)
        if not ticket.is_open:
            raise TicketConflict(f"工单已{_closed_word(ticket.status)} (ticket is {ticket.status})")
        if ticket.owner_id is None:
            raise TicketConflict("请先认领工单 (claim the ticket first)")
        if ticket.owner_id != staff.id and not staff.is_admin:
            raise NotTicketOwner(f"工单由 {ticket.owner_name} 处理 (you do not own this ticket)")
        return ticket

    def _maybe_raise_priority(self, ticket: TicketView, priority: str, actor: str) -> TicketView:
        if PRIORITY_RANK[priority] >= PRIORITY_RANK[ticket.priority]:
            return ticket
        now = self._clock()
        due = min(ticket.due_at, now + timedelta(minutes=self._sla[priority]))
        with self._sessions.begin() as db:
            db.execute(update(HandoffTicketRow).where(HandoffTicketRow.id == ticket.id)
                       .values(priority=priority, due_at=due, updated_at=now))
            self._audit(db, ticket.id, actor, "reprioritise", ticket.status, ticket.status,
                        f"{ticket.priority} → {priority}", now)
        return self.get(ticket.id)

    def _check_open_input(self, session_id: str, trigger: str, service: str, priority: str) -> None:
        if not session_id or len(session_id) > 64:
            raise InvalidTicketInput("session_id is required (at most 64 characters)")
        if trigger not in TRIGGERS:
            raise InvalidTicketInput(f"trigger must be one of {', '.join(TRIGGERS)}")
        if service not in SERVICES:
            raise InvalidTicketInput(f"service must be one of {'、'.join(SERVICES)}")
        if priority not in PRIORITIES:
            raise InvalidTicketInput(f"priority must be one of {', '.join(PRIORITIES)}")

    def _audit(self, db: Session, ticket_id: str, actor: str, action: str, from_status: str | None,
               to_status: str | None, note: str, now: datetime) -> None:
        db.add(HandoffEventRow(ticket_id=ticket_id, at=now, actor=actor, action=action,
                               from_status=from_status, to_status=to_status,
                               note=mask_pii(note or "")[:MAX_NOTE_CHARS]))  # mask first, then cut

    def _enqueue(self, db: Session, ticket: TicketView, kind: str, now: datetime) -> None:
        if not self._notify:
            return
        markdown = ticket_markdown(ticket, kind, base_url=self._base_url,
                                   mentions=self._mentions if kind != "new" or ticket.priority == "urgent" else None)
        outbox.enqueue(db, ticket_id=ticket.id, kind=kind, payload=mask_value(webhook_payload(markdown)), now=now)

    def _kick(self) -> None:
        if self._notify and self._on_notification is not None:
            self._on_notification()

    def _store_in_transcript(self, ticket: TicketView, text: str, role: str = "staff",
                             intent: str | None = None) -> int | None:
        if self._transcripts is None:
            return None
        try:
            return self._transcripts.add_message(ticket.session_id, role, text, intent=intent)
        except KeyError:  # the conversation has no stored session yet (e.g. opened by a channel)
            self._transcripts.ensure(ticket.session_id, channel=ticket.channel, user_ref=ticket.user_ref)
            return self._transcripts.add_message(ticket.session_id, role, text, intent=intent)

    def _session_channel(self, session_id: str) -> tuple[str, str | None]:
        if self._transcripts is not None:
            session = self._transcripts.get(session_id)
            if session is not None:
                return session.channel, session.user_ref
        return "web", session_id


HANDOFF_NOTICE_INTENT = "handoff_status"   # transcript messages that tell the person where their ticket is
RATING_QUESTION = "请您评价这次服务：回复“满意”“基本满意”或“不满意”。"


def claimed_notice(ticket_id: str, owner: StaffMember) -> str:
    return f"工作人员{owner.display_name or '（法律援助中心）'}已接手您的咨询（编号 {ticket_id}），会在这里回复您。"


def resolved_notice(ticket: TicketView) -> str:
    outcome = "" if not ticket.outcome or ticket.outcome == HANDED_BACK else f"办理结果：{ticket.outcome}\n"
    return (f"您的咨询（编号 {ticket.id}）已办结。{outcome}"
            f"还有问题可以直接在这里问，或说“转人工”。\n{RATING_QUESTION}")


def _closed_word(status: str) -> str:
    return {"resolved": "办结", "cancelled": "取消"}.get(status, status)

