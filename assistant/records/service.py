"""Recording consultations and ratings. The chat engineer calls `record_turn` once per answered
turn; the H5 page (or a channel) posts the person's rating at the end."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.privacy import mask_pii
from assistant.records.models import RATINGS, ConsultationRatingRow, ConsultationRecordRow, utcnow
from knowledge.types import Citation

log = logging.getLogger(__name__)
_INSERT_RECORD = insert(ConsultationRecordRow.__table__)   # Core, built once: written on every chat turn


class RecordsError(ValueError):
    pass


class UnknownConsultation(RecordsError):
    pass


class AlreadyRated(RecordsError):
    """A rating exists and the person did not ask to change it (it is never replaced silently)."""

    def __init__(self, rating: str):
        super().__init__(f"您已经评价过（{rating}）。如要修改，请点“修改评价”。")
        self.rating = rating


def _citation_label(citation: Citation | str) -> str:
    """A record keeps a citation's label (《劳动合同法》第三十八条); a string is taken as one."""
    return citation if isinstance(citation, str) else citation.label


class ConsultationRecords:
    def __init__(self, engine: Engine):
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def record_turn(self, session_id: str, *, channel: str, intent: str, citations: Iterable[Citation | str] = (), region: str | None = None,
                    handoff_ticket_id: str | None = None, eligibility_outcome: str | None = None,
                    outcome: str | None = None, at: datetime | None = None) -> int:
        """Record one answered turn; never raises into the conversation (a failure is logged)."""
        try:
            row = {"session_id": session_id[:64], "channel": (channel or "web")[:32], "region": (region or None),
                   "intent": (intent or "unknown")[:32], "citations": [_citation_label(c)[:120] for c in citations][:20],
                   "handoff_ticket_id": handoff_ticket_id, "eligibility_outcome": eligibility_outcome,
                   "outcome": (outcome or None), "created_at": at or utcnow()}
            with self._engine.begin() as conn:
                return conn.execute(_INSERT_RECORD, row).inserted_primary_key[0]
        except Exception:  # noqa: BLE001 - recording must not break an answer
            log.exception("could not record consultation turn of session %s", session_id)
            return 0

    def rating_of(self, session_id: str) -> str | None:
        with self._sessions() as db:
            return db.scalar(select(ConsultationRatingRow.rating).where(ConsultationRatingRow.session_id == session_id))

    def rate(self, session_id: str, rating: str, comment: str = "", *, at: datetime | None = None,
             change: bool = True) -> None:
        """Record the person's rating; with change=False an existing one is kept (AlreadyRated)."""
        if rating not in RATINGS:
            raise RecordsError(f"评价只能是：{'、'.join(RATINGS)}")
        if not change and (existing := self.rating_of(session_id)) is not None:
            raise AlreadyRated(existing)
        with self._sessions() as db:
            last = db.scalar(select(ConsultationRecordRow).where(ConsultationRecordRow.session_id == session_id)
                             .order_by(ConsultationRecordRow.id.desc()).limit(1))
        if last is None:
            raise UnknownConsultation("没有找到这次咨询，无法评价")
        values = {"rating": rating, "comment": mask_pii(comment or "")[:500], "region": last.region,
                  "created_at": at or utcnow()}
        for _attempt in range(2):  # update, else insert; a racing insert makes the second round update
            try:
                with self._sessions.begin() as db:
                    changed = db.execute(update(ConsultationRatingRow)
                                         .where(ConsultationRatingRow.session_id == session_id)
                                         .values(**values)).rowcount
                    if changed == 0:
                        db.add(ConsultationRatingRow(session_id=session_id, **values))
                return
            except IntegrityError:
                continue

    def turns(self, session_id: str) -> list[dict]:
        with self._sessions() as db:
            rows = db.scalars(select(ConsultationRecordRow).where(ConsultationRecordRow.session_id == session_id)
                              .order_by(ConsultationRecordRow.id)).all()
            return [{"intent": r.intent, "channel": r.channel, "region": r.region, "citations": r.citations,
                     "handoff_ticket_id": r.handoff_ticket_id, "eligibility_outcome": r.eligibility_outcome,
                     "outcome": r.outcome} for r in rows]
