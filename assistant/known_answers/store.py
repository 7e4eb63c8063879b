"""Known answers in the records database: approve a resolved ticket's staff reply, list, retire,
count uses, flag. Approval verifies every article the reply cites against the knowledge base."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.handoff.models import utcnow
from assistant.handoff.tickets import as_utc, iso
from assistant.known_answers.models import ACTIVE, RETIRED, KnownAnswerRow
from assistant.privacy import mask_pii
from knowledge.catalog import REPEALED
from knowledge.citations import parse
from knowledge.database import for_writes
from knowledge.types import Citation, Hit

MAX_QUESTION_CHARS = 500
MAX_REPLY_CHARS = 2000
# the prefixes the conversation puts before a ticket's summary ("咨询：…", "紧急（人身伤害）：…")
_MASKED = re.compile(r"[A-Za-z0-9.@_]*\*+[A-Za-z0-9.@_*]*")
_SUMMARY_PREFIX = re.compile(r"^\s*(?:咨询|紧急[^：:]{0,40})[：:]\s*")


class KnownAnswerError(Exception):
    status = 400


class InvalidApproval(KnownAnswerError):
    status = 422


class ApprovalConflict(KnownAnswerError):
    status = 409


class ApprovalNotAllowed(KnownAnswerError):
    status = 403


class KnownAnswerNotFound(KnownAnswerError):
    status = 404


@dataclass
class KnownAnswerView:
    id: int
    ticket_id: str
    question: str
    reply: str
    citations: list[dict]
    approved_by: str
    approved_at: datetime
    status: str
    use_count: int
    last_used_at: datetime | None
    retired_by: str | None
    retired_at: datetime | None
    flag: str | None
    flagged_at: datetime | None
    embedding: list | None = None
    embedding_model: str = ""

    @classmethod
    def from_row(cls, row: KnownAnswerRow, *, with_embedding: bool = False) -> "KnownAnswerView":
        return cls(row.id, row.ticket_id, row.question, row.reply, list(row.citations or []), row.approved_by,
                   as_utc(row.approved_at), row.status, row.use_count or 0, as_utc(row.last_used_at),
                   row.retired_by, as_utc(row.retired_at), row.flag, as_utc(row.flagged_at),
                   list(row.embedding or []) if with_embedding else None, row.embedding_model)

    def to_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k not in ("embedding", "embedding_model")}
        for name in ("approved_at", "last_used_at", "retired_at", "flagged_at"):
            data[name] = iso(data[name])
        return data


def article_problem(hit: Hit | None, label: str) -> str | None:
    """Why a cited article cannot back an answer now (None: it can)."""
    if hit is None:
        return f"{label}在知识库中不存在"
    if hit.status == REPEALED:
        return f"{label}已废止"
    return None


def verified_citations(kb, text: str) -> tuple[list[Hit], list[str]]:
    """The articles `text` cites, as the knowledge base has them, and the problems found
    (an article it does not have, or one repealed)."""
    hits: list[Hit] = []
    problems: list[str] = []
    seen: set[tuple] = set()
    for ref in parse(text):
        hit = kb.lookup(ref)
        key = (hit.law, hit.article_id) if hit is not None else (ref.law, ref.article_id)
        if key in seen:
            continue
        seen.add(key)
        problem = article_problem(hit, ref.raw or f"{ref.law}第{ref.article_id}条")
        if problem:
            problems.append(problem)
        else:
            hits.append(hit)
    return hits, problems


def matching_text(question: str) -> str:
    """The question as compared with others: without the masked personal data (138****5678,
    110*****34), which is noise to the embedding (it lowers a paraphrase's cosine by ~0.01)."""
    return _MASKED.sub("", question).strip()


def question_from_summary(summary: str) -> str:
    return _SUMMARY_PREFIX.sub("", summary or "").strip()


class KnownAnswerStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow):
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(for_writes(engine), expire_on_commit=False)
        self._clock = clock
        self._version = 0          # bumped on every change made through this process
        self._lock = threading.Lock()

    @property
    def version(self) -> int:
        return self._version

    def _changed(self) -> None:
        with self._lock:
            self._version += 1

    # --- approval ----------------------------------------------------------------------------

    def approve_ticket(self, queue, ticket_id: str, staff, kb, *, question: str | None = None,
                       reply: str | None = None) -> KnownAnswerView:
        """Approve a resolved ticket's staff reply (the last one unless `reply` is given; the
        ticket's summary as the question unless `question` is given) as a known answer."""
        ticket = queue.get(ticket_id)           # TicketNotFound → 404 in the router
        if ticket.status != "resolved":
            raise ApprovalConflict("工单办结后才能审核为已知答复 (ticket is not resolved)")
        if ticket.owner_id != staff.id and not staff.is_admin:
            raise ApprovalNotAllowed("只有办理人或管理员可以审核这条答复 (only the ticket's owner or an admin)")
        if reply is None or not reply.strip():
            replies = [m["text"] for m in queue.transcript(ticket_id) if m.get("role") == "staff"]
            reply = replies[-1] if replies else ""
        if question is None or not question.strip():
            question = question_from_summary(ticket.summary)
        return self.approve(ticket_id, staff.username, kb, question=question, reply=reply)

    def approve(self, ticket_id: str, approved_by: str, kb, *, question: str, reply: str) -> KnownAnswerView:
        question = mask_pii((question or "").strip())
        reply = mask_pii((reply or "").strip())
        if not question:
            raise InvalidApproval("请填写问题 (the question is empty)")
        if not reply:
            raise InvalidApproval("这个工单没有工作人员的回复，请填写答复内容 (no staff reply to approve)")
        if len(question) > MAX_QUESTION_CHARS or len(reply) > MAX_REPLY_CHARS:
            raise InvalidApproval(f"问题不能超过 {MAX_QUESTION_CHARS} 字，答复不能超过 {MAX_REPLY_CHARS} 字 (too long)")

        hits, problems = verified_citations(kb, reply)
        if problems:
            raise InvalidApproval("答复引用的法条有问题：" + "；".join(problems) + "。请改正后再审核 (a cited article "
                                  "is not in the knowledge base or is repealed)")
        if not hits:
            raise InvalidApproval("答复没有引用法条（例如“《劳动合同法》第三十条”），不能作为已知答复 "
                                  "(the reply cites no article of the knowledge base)")
        vector = [round(float(x), 6) for x in kb.embed_query(matching_text(question))]
        now = self._clock()
        row = KnownAnswerRow(ticket_id=ticket_id, question=question, reply=reply,
                             citations=[{"law": h.law, "article_id": h.article_id, "label": Citation.of(h).label} for h in hits],
                             embedding=vector, embedding_model=kb.embedding_model, approved_by=approved_by,
                             approved_at=now, status=ACTIVE, use_count=0, changed_at=now)
        try:
            with self._write_sessions.begin() as db:
                db.add(row)
        except IntegrityError as exc:
            raise ApprovalConflict("这个工单的答复已经审核过了 (already approved)") from exc
        self._changed()
        return KnownAnswerView.from_row(row)

    # --- staff --------------------------------------------------------------------------------

    def get(self, answer_id: int) -> KnownAnswerView:
        with self._sessions() as db:
            row = db.get(KnownAnswerRow, answer_id)
            if row is None:
                raise KnownAnswerNotFound(f"没有这条已知答复 (no known answer {answer_id})")
            return KnownAnswerView.from_row(row)

    def for_ticket(self, ticket_id: str) -> KnownAnswerView | None:
        with self._sessions() as db:
            row = db.scalar(select(KnownAnswerRow).where(KnownAnswerRow.ticket_id == ticket_id))
            return KnownAnswerView.from_row(row) if row else None

    def list(self, *, status: str | None = None, limit: int = 200, offset: int = 0) -> list[KnownAnswerView]:
        if status not in (None, ACTIVE, RETIRED):
            raise InvalidApproval(f"status must be {ACTIVE} or {RETIRED}")
        query = select(KnownAnswerRow)
        if status:
            query = query.where(KnownAnswerRow.status == status)
        query = query.order_by(KnownAnswerRow.status, KnownAnswerRow.use_count.desc(), KnownAnswerRow.id.desc())
        with self._sessions() as db:
            return [KnownAnswerView.from_row(r) for r in db.scalars(query.limit(min(limit, 500)).offset(offset))]

    def retire(self, answer_id: int, retired_by: str) -> KnownAnswerView:
        now = self._clock()
        with self._write_sessions.begin() as db:
            changed = db.execute(update(KnownAnswerRow)
                                 .where(KnownAnswerRow.id == answer_id, KnownAnswerRow.status == ACTIVE)
                                 .values(status=RETIRED, retired_by=retired_by, retired_at=now, changed_at=now)).rowcount
        if changed != 1:
            current = self.get(answer_id)      # 404 when it does not exist
            raise ApprovalConflict(f"这条已知答复已于 {iso(current.retired_at)} 停用 (already retired)")
        self._changed()
        return self.get(answer_id)

    # --- the conversation's side --------------------------------------------------------------

    def active(self) -> list[KnownAnswerView]:
        with self._sessions() as db:
            rows = db.scalars(select(KnownAnswerRow).where(KnownAnswerRow.status == ACTIVE)
                              .order_by(KnownAnswerRow.id)).all()
            return [KnownAnswerView.from_row(r, with_embedding=True) for r in rows]

    def stamp(self) -> tuple:
        """Changes anywhere (other workers too): how many rows, and the latest change."""
        with self._sessions() as db:
            count, latest = db.execute(select(func.count(KnownAnswerRow.id), func.max(KnownAnswerRow.changed_at))).one()
            return count, as_utc(latest)

    def record_use(self, answer_id: int) -> bool:
        """Count one use; False when the answer was retired meanwhile (it is then not used)."""
        with self._write_sessions.begin() as db:
            return db.execute(update(KnownAnswerRow)
                              .where(KnownAnswerRow.id == answer_id, KnownAnswerRow.status == ACTIVE)
                              .values(use_count=KnownAnswerRow.use_count + 1, last_used_at=self._clock())).rowcount == 1

    def flag(self, answer_id: int, reason: str) -> None:
        """Mark for staff: an answer-time check failed (the answer was not used)."""
        now = self._clock()
        with self._write_sessions.begin() as db:
            db.execute(update(KnownAnswerRow)
                       .where(KnownAnswerRow.id == answer_id,
                              (KnownAnswerRow.flag.is_(None)) | (KnownAnswerRow.flag != reason[:300]))
                       .values(flag=reason[:300], flagged_at=now))
