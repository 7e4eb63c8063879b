"""ConversationService: the `Assistant` every channel talks to.

One turn: open the session → stay silent if staff own it → detect the intent (with the session's
state for follow-ups) → run the flow (answer, statute lookup, eligibility dialogue, handoff,
urgent risk, small talk) → verify citations → store the masked turn and the new state."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.conversation import intents as I
from assistant.answers.cards import card_titles
from assistant.answers.matcher import match_cards
from assistant.answers.render import CardRenderer
from assistant.answers.article_cache import ArticleCaches
from assistant.documents.in_chat import chosen_form
from assistant.documents.prefill import facts_from_ticket
from assistant.answers.composer import DISCLAIMER, OFFER_HUMAN, ComposedAnswer, OfflineComposer
from assistant.contracts import ChatReply, HandoffDesk, HandoffInfo
from assistant.handoff.outbound import TRANSCRIPT_CHANNELS
from assistant.conversation.sessions import ChatSession, SessionStore, TurnRecord, mask_pii
from assistant.telemetry import chat_timer
from assistant.tools.in_chat import tool_answer
from assistant.conversation.urgent import GUIDANCE
from assistant.answers.verify import CitationVerifier
from knowledge.citations import parse
from knowledge.types import Citation, Hit, KnowledgeBase


# an answer found urgent (death, injury, violence): the first line says what to do now
URGENT_FIRST_LINE = "【先保安全】有危险马上打 110，有人受伤打 120。"

log = logging.getLogger(__name__)

GREETING_TEXT = ("您好！我是法援助手，可以帮您：\n1. 解答劳动工资、工伤、婚姻家庭、借钱欠债、买东西受骗等法律问题；\n"
                 "2. 查法条，比如“劳动合同法第38条是什么”；\n3. 看看能不能申请法律援助，比如“我能申请法律援助吗”。\n"
                 "直接用大白话说说您遇到的事就行。需要工作人员请回复“转人工”。")
THANKS_TEXT = "不客气！还有问题随时问我。拿不准的也可以拨打 12348 法律服务热线。"
UNCLEAR_TEXT = ("我没看明白您的意思。请用文字说说遇到了什么事，比如“老板拖欠工资三个月怎么办”，"
                "或者回复“转人工”找工作人员。")
OUT_OF_SCOPE_TEXT = ("这个问题我不确定能帮上忙：我只解答法律方面的问题，比如工资、工伤、婚姻家庭、借钱欠债、"
                     "消费纠纷等。如果和法律有关，请换个说法再问，或回复“转人工”找工作人员。")
INJECTION_TEXT = "我只能按照既定规则解答法律问题，不能更改设定或透露内部指令。有法律问题请直接说说您的情况。"
NO_HANDOFF_TEXT = ("人工服务暂时没有接通。您可以直接拨打 12348 法律服务热线，或到当地法律援助中心、找村（居）法律顾问"
                   "当面咨询；有紧急危险请拨打 110。")
ELIGIBILITY_QUERY = "法律援助 经济困难 申请条件 法律援助事项 申请法律援助"
RATING_REPLY = re.compile(r"(?P<change>(?:修)?改(?:成|为))?\s*(?P<rating>满意|基本满意|不满意)")
SERVICE_WORDS = (("公证", "公证"), ("调解", "人民调解"), ("律师", "律师咨询"))


class KnowledgeUnavailable(RuntimeError):
    """The knowledge base is not loaded (yet); the API answers 503 with a reason."""


@dataclass
class Outcome:
    """What one flow produced; turned into a ChatReply and stored."""
    answer: str
    intent: str
    citations: list[Hit] = field(default_factory=list)
    handoff: HandoffInfo | None = None
    substantive: bool = False         # a legal answer: carries the disclaimer in its text
    state: dict = field(default_factory=dict)   # state keys to update


class ConversationService:
    def __init__(self, *, store: SessionStore, knowledge: Callable[[], KnowledgeBase | None],
                 handoff_desk: Callable[[], HandoffDesk | None] = lambda: None,
                 eligibility: Callable[[], Any | None] = lambda: None,
                 records: Callable[[], Any | None] = lambda: None,
                 figures: Callable[[], Any | None] = lambda: None,
                 known_answers: Callable[[], Any | None] = lambda: None,
                 documents: Callable[[], Any | None] = lambda: None,
                 llm: Any | None = None, search_k: int = 10, min_score: float = 0.0, max_citations: int = 8,
                 relative_floor: float = 0.3, max_message_chars: int = 2000):
        from assistant.answers.composer import ComposerLimits

        self.store = store
        self._knowledge = knowledge
        self._handoff_desk = handoff_desk
        self._eligibility = eligibility
        self._records = records     # assistant.records.service.ConsultationRecords (reports)
        self._figures = figures     # assistant.tools.figures.FiguresBook (the money tool's local figures)
        self._known_answers = known_answers   # assistant.known_answers.match.KnownAnswerBank
        self._documents = documents           # assistant.documents.in_chat.DocumentDesk (fills forms)
        self._article_caches = ArticleCaches()
        self.llm = llm
        self.search_k = search_k
        self.limits = ComposerLimits(min_score=min_score, max_citations=max_citations, relative_floor=relative_floor)
        self.max_message_chars = max_message_chars

    # --- the Assistant contract ---------------------------------------------------------
    @chat_timer("turn")
    def reply(self, session_id: str | None, message: str, *, channel: str = "web",
              user_ref: str | None = None) -> ChatReply:
        message = (message or "").strip()[:self.max_message_chars]
        session = self.store.open(session_id, channel=channel, user_ref=user_ref, persist=False)
        if session.user_ref is None and channel in TRANSCRIPT_CHANNELS:
            session.user_ref = session.id   # web staff replies are stored under the session itself
        desk = self._handoff_desk()
        # a session id generated just now (none was asked for, or not this caller's) cannot have a ticket
        ticket = desk.active_ticket(session.id) if desk is not None and session.id == session_id else None
        if ticket is not None and desk.human_owns(session.id):
            self.store.save_turn(session, [TurnRecord("user", message, "human_owned")])
            return ChatReply(session.id, "", "human_owned", handoff=ticket, disclaimer=DISCLAIMER, silent=True)
        outcome = self._rating(session, message, desk) or self._run(session, message, desk)
        self._observe_facts(session, message, outcome)
        for key in ("topic", "story"):   # the state is stored like the transcript: masked
            if outcome.state.get(key):
                outcome.state[key] = mask_pii(outcome.state[key])[:300]
        if outcome.substantive:
            outcome.answer = f"{outcome.answer}\n（{DISCLAIMER}）"
        session.state.update(outcome.state)
        citations = [Citation.of(h) for h in outcome.citations]
        self.store.save_turn(session, [
            TurnRecord("user", message, outcome.intent),
            TurnRecord("assistant", outcome.answer, outcome.intent, [c.to_dict() for c in citations]),
        ])
        handoff = outcome.handoff or ticket
        self._record(session, outcome, citations, handoff)
        return ChatReply(session.id, outcome.answer, outcome.intent, citations, handoff, DISCLAIMER)

    def _rating(self, session: ChatSession, message: str, desk: HandoffDesk | None) -> Outcome | None:
        """满意 / 基本满意 / 不满意 typed after a ticket was resolved (the WeChat channels have no
        buttons): one rating per consultation; "改成满意" changes it."""
        from assistant.records.models import RATINGS
        from assistant.records.service import AlreadyRated, RecordsError

        said = RATING_REPLY.fullmatch(message.strip(" 。!！"))
        latest = getattr(desk, "latest_ticket", None)
        records = self._records()
        if said is None or said.group("rating") not in RATINGS or records is None or latest is None:
            return None
        rating, change = said.group("rating"), bool(said.group("change"))
        ticket = latest(session.id)
        if ticket is None or ticket.status != "resolved":
            return None
        try:
            records.rate(session.id, rating, change=change)
        except AlreadyRated as exc:
            return Outcome(f"您已经评价过（{exc.rating}）。如要修改，请回复“改成满意”“改成基本满意”或“改成不满意”。",
                           I.THANKS)
        except RecordsError:   # no consultation recorded for this session
            return None
        return Outcome(f"已把您的评价改为“{rating}”。" if change else "感谢您的评价！还有问题随时问我。", I.THANKS)

    def _observe_facts(self, session: ChatSession, message: str, outcome: Outcome) -> None:
        """Keep what an ordinary turn tells about the person's case (place, matter, 农民工, income,
        household) as structured facts: the eligibility check starts from them instead of asking
        again, and the transcript/topic (masked) need not be re-read."""
        dialogue = self._eligibility()
        if dialogue is None or outcome.intent == I.ELIGIBILITY:
            return
        facts = dialogue.observe(session.state.get("eligibility_facts"), message)
        if facts:
            outcome.state["eligibility_facts"] = facts

    def _record(self, session: ChatSession, outcome: Outcome, citations: list[Citation],
                handoff: HandoffInfo | None) -> None:
        """One row per answered turn for the monthly reports (the recorder never raises)."""
        records = self._records()
        if records is None:
            return
        decision = outcome.state.get("eligibility_decision") or {}
        records.record_turn(session.id, channel=session.channel, intent=outcome.intent,
                            citations=citations,
                            region=_session_region(session.state),
                            handoff_ticket_id=handoff.ticket_id if handoff else None,
                            eligibility_outcome=decision.get("decision"))

    # --- routing ----------------------------------------------------------------------------
    def _run(self, session: ChatSession, message: str, desk: HandoffDesk | None) -> Outcome:
        state = session.state
        intent = I.detect_intent(message, has_topic=bool(state.get("topic")), has_points=bool(state.get("points")))
        if intent.name == I.URGENT_RISK:
            return self._urgent(session, intent, desk)
        if intent.name == I.HUMAN_REQUEST:
            return self._handoff(session, message, desk)
        if state.get("flow") == "eligibility" and intent.name not in (I.GREETING, I.OUT_OF_SCOPE, I.STATUTE_LOOKUP):
            return self._eligibility_turn(session, intent.cleaned or message, desk, continuing=True)
        if state.get("eligibility_state") and intent.name in (I.LEGAL_QUESTION, I.FOLLOW_UP, I.UNCLEAR, I.THANKS):
            revisited = self._eligibility_revisit(session, message, desk)   # a fact told after the verdict
            if revisited is not None:
                return revisited
        if intent.name == I.GREETING:
            return Outcome(GREETING_TEXT, intent.name)
        if intent.name == I.THANKS:
            return Outcome(THANKS_TEXT, intent.name)
        if intent.name == I.UNCLEAR:
            return Outcome(UNCLEAR_TEXT, intent.name)
        if intent.name == I.OUT_OF_SCOPE:
            return Outcome(INJECTION_TEXT if intent.injection else OUT_OF_SCOPE_TEXT, intent.name)
        if intent.name == I.EXPAND_POINT:
            return self._expand(session, intent.point or 0)
        if intent.name == I.STATUTE_LOOKUP:
            return self._statute(intent.cleaned)
        if intent.name == I.DOCUMENT_REQUEST:
            return self._document(session, intent.cleaned)
        if intent.name == I.ELIGIBILITY:
            return self._eligibility_turn(session, intent.cleaned, desk, continuing=False)
        if intent.name == I.FOLLOW_UP:   # "那如果公司不给呢？" is about the previous topic
            quoted = {(c.get("law"), c.get("article_id")) for c in state.get("citations", [])}
            return self._answer(f"{state['topic']} {intent.cleaned}", intent.name, topic=None, already_quoted=quoted,
                                home_region=_session_region(state), card_text=intent.cleaned, session=session)
        return self._answer(intent.cleaned, intent.name, topic=intent.cleaned, home_region=_session_region(state),
                            session=session)

    def kb(self) -> KnowledgeBase:
        """The loaded knowledge base, with article lookups memoised (503 when not loaded yet)."""
        kb = self._knowledge()
        if kb is None:
            raise KnowledgeUnavailable("知识库尚未加载，请稍后再试 (knowledge base not loaded yet)")
        # a live knowledge base follows re-ingests: cache per generation it currently serves
        generation = kb.current() if callable(getattr(type(kb), "current", None)) else kb
        return self._article_caches.for_kb(generation)

    # --- flows -------------------------------------------------------------------------------
    def _answer(self, query: str, intent: str, *, topic: str | None, already_quoted: set = frozenset(),
                home_region: str | None = None, card_text: str | None = None,
                session: ChatSession | None = None) -> Outcome:
        kb = self.kb()
        tool = tool_answer(query if card_text is None else card_text, kb, self._figures())
        if tool is not None:     # a date or an amount the law lets us compute
            return self._tool_outcome(kb, tool, intent, topic, session)
        composer = OfflineComposer(kb, self.limits)
        # local regulations only for the asker's region (named in the question or known from the
        # session); no keyword at all when unknown, so the article cache memoises the hits
        hits = kb.search(query, k=self.search_k, **({"home_region": home_region} if home_region else {}))
        known = self._known_answers() if topic else None   # staff-approved replies (docs/known-answers.md)
        if known is not None and (reply := known.reply_for(kb, query, hits)) is not None:
            return Outcome(reply.text, intent, reply.citations, substantive=True, state={
                "points": [], "uncertain": False, "citations": [_cite_key(h) for h in reply.citations],
                "topic": topic, "story": topic, "known_answer": reply.answer_id})
        composed = composer.answer(query, hits, already_quoted=already_quoted, card_text=card_text)
        text, citations = self._grounded_text(kb, query, composed)
        state = {"points": composed.points, "uncertain": not composed.confident,
                 "citations": [_cite_key(h) for h in citations]}
        if composed.cards:
            state["cards"] = composed.cards
            state["document"] = composed.document or None
        if topic:
            state["topic"] = state["story"] = topic
        handoff = None
        if composed.urgent and session is not None:   # death, injury, violence: a person follows up first
            handoff = self._open_ticket(self._handoff_desk(), session, trigger="urgent_risk", service="法律援助",
                                        priority="urgent", summary=f"紧急（{composed.urgent_reason or '、'.join(card_titles(composed.cards))}）：{query}")
            # what to do now comes first, in one short line: the card's conclusion and first step stay on
            # the first phone screen (the ticket is shown by the H5 page's ticket card and said at the end)
            followed = f"\n已请工作人员优先跟进（编号 {handoff.ticket_id}），会尽快在这里回复您。" if handoff is not None else ""
            text = f"{URGENT_FIRST_LINE}\n{text}{followed}"
        return Outcome(text, intent, citations, handoff, substantive=True, state=state)

    def _tool_outcome(self, kb: KnowledgeBase, tool, intent: str, topic: str | None,
                      session: ChatSession | None) -> Outcome:
        checked = CitationVerifier(kb).verify(tool.text)
        citations = _unique(checked.citations + tool.citations)
        state = {"points": [], "uncertain": False, "citations": [_cite_key(h) for h in citations]}
        if topic:
            state["topic"] = state["story"] = topic
        text, handoff = checked.text, None
        if tool.urgent and session is not None:     # fewer than 30 days left: a person follows up first
            handoff = self._open_ticket(self._handoff_desk(), session, trigger="urgent_risk", service="法律援助",
                                        priority="urgent", summary=f"时效将到：{topic or ''}")
            if handoff is not None:
                text = f"{text}\n时间紧，已请工作人员优先跟进（编号 {handoff.ticket_id}）。"
        return Outcome(text, intent, citations, handoff, substantive=True, state=state)

    @chat_timer("ground")
    def _grounded_text(self, kb: KnowledgeBase, query: str, composed: ComposedAnswer) -> tuple[str, list[Hit]]:
        """The LLM's wording when it is configured and survives verification, else the offline text
        (verified too: the same check for every answer)."""
        verifier = CitationVerifier(kb)
        if composed.confident and self.llm is not None:
            reviewed = composed.text if composed.cards else None
            drafted = self.llm.compose(query, composed.citations, [p["text"] for p in composed.points], reviewed)
            if drafted:
                checked = verifier.verify(drafted)
                if checked.removed:
                    log.warning("LLM answer cited %d article(s) not in the knowledge base; removed",
                                len(checked.removed))
                # over a card answer, the model's wording is kept only if it cites the card's deciding article
                keeps_card = not composed.cards or composed.citations[0].doc_id in {c.doc_id for c in checked.citations}
                if checked.citations and len(checked.text) >= 20 and keeps_card:
                    return checked.text, checked.citations + [
                        h for h in composed.citations if h.doc_id not in {c.doc_id for c in checked.citations}]
        checked = verifier.verify(composed.text)
        extra = [h for h in composed.citations if h.doc_id not in {c.doc_id for c in checked.citations}]
        return checked.text, checked.citations + extra

    def _statute(self, text: str) -> Outcome:
        kb = self.kb()
        refs = parse(text) or parse(_with_article_marker(text))
        if not refs:
            return self._answer(text, I.LEGAL_QUESTION, topic=text)
        ref = refs[0]
        hit = kb.lookup(ref)
        if hit is None:
            law = kb.resolve_law(ref.law)
            if law is None:
                answer = f"知识库里没有找到《{ref.law}》这部法律法规，请核对名称，或者直接说说您遇到的问题。"
            else:
                answer = f"《{law}》里没有找到第{ref.article_id.replace('-', '条之')}条，请核对条文号。"
            return Outcome(answer, I.STATUTE_LOOKUP, substantive=True, state={"points": []})
        composed = OfflineComposer(kb, self.limits).statute(hit)
        return Outcome(composed.text, I.STATUTE_LOOKUP, [hit], substantive=True,
                       state={"points": [], "topic": Citation.of(hit).label, "citations": [_cite_key(hit)]})

    def _document(self, session: ChatSession, message: str) -> Outcome:
        """Fill the form the message names, or the one the last answer offered; what the session
        knows (the eligibility facts) goes in, the rest is left blank for the person to write."""
        desk = self._documents()
        form = chosen_form(message, session.state.get("document"))
        if desk is None:
            return Outcome("现在没法在线生成文书，请拨打 12348 或回复“转人工”，工作人员可以帮您准备。", I.DOCUMENT_REQUEST)
        if form is None:
            return Outcome("您想写哪一种？比如：劳动仲裁申请书、民事起诉状（离婚、抚养费、借钱不还）、人身安全保护令申请书、"
                           "法律援助申请表。先说说您遇到的事也可以，我会告诉您需要哪一种。", I.DOCUMENT_REQUEST)
        doc_type, case = form
        facts = facts_from_ticket(doc_type, {"facts": (session.state.get("flow_state") or {}).get("facts") or {},
                                             "decision": session.state.get("eligibility_decision")},
                                  region=_session_region(session.state))
        if case:
            facts["case"] = case
        title, blanks, url = desk.fill(doc_type, facts, session.id)
        gaps = f"还有 {len(blanks)} 处空着（如姓名、地址、对方信息），请打印后用笔填上或在电脑上补全。" if blanks else ""
        return Outcome(f"已经帮您生成《{title}》。{gaps}\n下载（24 小时内有效）：{url}\n"
                       "递交前可以请法律援助中心或村（居）法律顾问帮您看一遍；需要帮忙请回复“转人工”。",
                       I.DOCUMENT_REQUEST, state={"points": []})

    def _expand(self, session: ChatSession, number: int) -> Outcome:
        kb = self.kb()
        points = session.state.get("points") or []
        text = OfflineComposer(kb, self.limits).expand(points, number)
        keys = points[number - 1].get("cites", []) if 1 <= number <= len(points) else []
        cited = [h for key in keys if (h := _hit_for(kb, key)) is not None]
        return Outcome(text, I.EXPAND_POINT, cited, substantive=True)

    def _urgent(self, session: ChatSession, intent: I.Intent, desk: HandoffDesk | None) -> Outcome:
        guidance = GUIDANCE[intent.risk]
        kb = self.kb() if self._knowledge() is not None else None   # urgent help never waits for it
        citations = [h for c in guidance.citations if kb is not None and (h := kb.lookup(c)) is not None]
        steps = "\n".join(f"{i}. {s}" for i, s in enumerate(guidance.steps, 1))
        handoff = self._open_ticket(desk, session, trigger="urgent_risk", service=guidance.service,
                                    priority="urgent", summary=f"紧急情况（{guidance.label}）：{intent.cleaned}")
        tail = "" if handoff is not None else "\n人工服务暂时没有接通，请优先拨打上面的电话。"
        text = f"请先做这几件事：\n{steps}{tail}"
        # the other issues of the same message (离婚、房子、孩子) are still answered, after the safety steps
        cards = [m.card for m in match_cards(intent.cleaned)] if kb is not None else []
        if cards:
            rendered = CardRenderer(kb).render(cards, intent.cleaned)
            if rendered.citations:
                text = f"{text}\n\n您问到的事，按法律是这样的：\n{rendered.text}"
                citations = _unique(citations + rendered.citations)
        return Outcome(text, I.URGENT_RISK, citations, handoff, substantive=True,
                       state={"risk": intent.risk, "story": intent.cleaned})

    def _handoff(self, session: ChatSession, message: str, desk: HandoffDesk | None) -> Outcome:
        trigger = "uncertain_answer" if session.state.get("uncertain") else "person_request"
        service = next((s for word, s in SERVICE_WORDS if word in message), "法律援助")
        topic = session.state.get("topic") or message
        facts = self._case_facts(session)
        handoff = self._open_ticket(desk, session, trigger=trigger, service=service, priority="normal",
                                    summary=_handoff_summary_text(topic, facts), facts=facts or None,
                                    region=_session_region(session.state))
        if handoff is None:
            return Outcome(NO_HANDOFF_TEXT, I.HUMAN_REQUEST)
        return Outcome(handoff_opened_text(handoff), I.HUMAN_REQUEST, handoff=handoff)

    def _eligibility_turn(self, session: ChatSession, message: str, desk: HandoffDesk | None, *,
                          continuing: bool) -> Outcome:
        self.kb()   # its decisions cite articles: nothing is said that cannot be verified
        dialogue = self._eligibility()
        if dialogue is None:
            return self._eligibility_fallback()
        state = session.state.get("flow_state") or {}
        if continuing:
            turn = dialogue.answer(state, message)
        else:   # what the person already told us in this session counts (no need to repeat it)
            known = session.state.get("eligibility_facts")
            story = session.state.get("story") if not known else None   # sessions from before the facts were kept
            turn = dialogue.start(f"{story}。{message}" if story and story not in message else message, known=known)
        return self._eligibility_outcome(session, turn, desk)

    def _eligibility_revisit(self, session: ChatSession, message: str, desk: HandoffDesk | None) -> Outcome | None:
        dialogue = self._eligibility()
        if dialogue is None:
            return None
        turn = dialogue.revisit(session.state["eligibility_state"], message)
        return None if turn is None else self._eligibility_outcome(session, turn, desk)

    def _eligibility_outcome(self, session: ChatSession, turn, desk: HandoffDesk | None) -> Outcome:
        handoff = None
        if turn.done and turn.handoff_summary:
            urgent = bool((turn.handoff_summary.get("decision") or {}).get("urgent"))   # 法律援助法第四十四条
            handoff = self._open_ticket(desk, session, trigger="eligibility_application", service="法律援助",
                                        priority="high" if urgent else "normal",
                                        summary=_summary_text(turn.handoff_summary),
                                        facts=turn.handoff_summary,
                                        region=turn.handoff_summary.get("region"))
        reply, citations = turn.reply, self._eligibility_citations(turn.decision)
        checked = CitationVerifier(self.kb()).verify(reply)   # the same citation check as every answer
        reply, citations = checked.text, _unique(checked.citations + citations)
        new_state = {"flow": None if turn.done else "eligibility", "flow_state": None if turn.done else turn.state,
                     # the facts and questions asked stay after the flow ends: a late fact decides again
                     "eligibility_state": turn.state, "eligibility_facts": (turn.state or {}).get("facts") or {}}
        if turn.decision is not None:
            new_state["eligibility_decision"] = turn.decision
        region = ((turn.state or {}).get("facts") or {}).get("region") or (turn.handoff_summary or {}).get("region")
        if region:   # kept after the flow ends: later answers prefer this region's local rules
            new_state["region"] = region
        return Outcome(reply, I.ELIGIBILITY, citations, handoff, substantive=turn.done or turn.decision is not None,
                       state=new_state)

    def _case_facts(self, session: ChatSession) -> dict:
        """The structured facts this conversation gathered, with the last verdict (for staff)."""
        dialogue = self._eligibility()
        if dialogue is None:
            return {}
        facts = (session.state.get("flow_state") or {}).get("facts") or session.state.get("eligibility_facts")
        return dialogue.case_facts(facts, session.state.get("eligibility_decision"))

    def _eligibility_citations(self, decision: dict | None) -> list[Hit]:
        """The decision's cited articles, as the knowledge base has them (missing ones dropped)."""
        if not decision or self._knowledge() is None:
            return []
        kb = self.kb()
        cited = decision.get("citations") or []
        hits = []
        for item in cited:
            text = item if isinstance(item, str) else f"{item.get('law', '')}第{item.get('article', '')}条"
            for ref in parse(text):
                if (hit := kb.lookup(ref)) is not None:
                    hits.append(hit)
        return hits

    def _eligibility_fallback(self) -> Outcome:
        """Until the eligibility dialogue is available: the Legal Aid Law's own conditions."""
        kb = self.kb()
        hits = kb.search(ELIGIBILITY_QUERY, k=self.search_k)
        hits = [h for h in hits if h.law == "法律援助法"][:3]
        lines = ["能不能申请法律援助，主要看两点：一是事情属于法律援助的范围，二是经济困难（各地标准不同）。"]
        lines += [f"{Citation.of(h).label}：“{_trim(h)}”" for h in hits]
        lines.append("具体可以拨打 12348，或带上身份证件和家庭收入情况到当地法律援助中心申请。" + OFFER_HUMAN)
        return Outcome("\n".join(lines), I.ELIGIBILITY, hits, substantive=True)

    def _open_ticket(self, desk: HandoffDesk | None, session: ChatSession, *, trigger: str, service: str,
                     priority: str, summary: str, facts: dict | None = None,
                     region: str | None = None) -> HandoffInfo | None:
        if desk is None:
            return None
        try:
            return desk.open_ticket(session.id, trigger=trigger, service=service, priority=priority,
                                    region=region, summary=mask_pii(summary)[:500], facts=facts,
                                    channel=session.channel, user_ref=session.user_ref)
        except Exception:  # noqa: BLE001 - the person still gets the what-to-do text and hotlines
            log.exception("opening a handoff ticket failed (session %s)", session.id)
            return None


def _cite_key(hit: Hit) -> dict:
    if hit.kind == "case":
        return {"case_title": hit.case_title, "section": hit.section, "doc_id": hit.doc_id}
    return {"law": hit.law, "article_id": hit.article_id}


def _hit_for(kb: KnowledgeBase, key: dict) -> Hit | None:
    if key.get("law"):
        return kb.get_article(key["law"], key["article_id"])
    return None


def _unique(hits: list[Hit]) -> list[Hit]:
    seen: set[str] = set()
    return [h for h in hits if not (h.doc_id in seen or seen.add(h.doc_id))]


def _trim(hit: Hit) -> str:
    from assistant.answers.composer import article_body, trim_quote

    return trim_quote(article_body(hit), 90)


def _with_article_marker(text: str) -> str:
    """民法典1079 → 民法典第1079条 (people often drop 第/条)."""
    return re.sub(r"(\d+)(?!\s*条)", r"第\1条", text, count=1)


SUMMARY_WORDS = {"region": "地区"}


def _summary_text(summary: dict) -> str:
    """One line for the ticket list: 初步判断 first, then the facts, in Chinese."""
    first = [k for k in ("初步判断", "region", "事项") if summary.get(k)]
    keys = first + [k for k in summary if k not in first]
    parts = [f"{SUMMARY_WORDS.get(k, k)}：{summary[k]}" for k in keys
             if isinstance(summary.get(k), (str, int, float)) and summary[k] != ""]
    return ("法律援助申请　" + "；".join(parts))[:500] if parts else "法律援助申请"


def _handoff_summary_text(topic: str, facts: dict) -> str:
    """A person asked for staff: what they asked about, and what they told about their case."""
    told = _summary_text(facts).removeprefix("法律援助申请") if facts else ""
    return f"咨询：{topic}" + (f"\n已了解：{told.strip()}" if told.strip() else "")


def handoff_opened_text(handoff: HandoffInfo) -> str:
    when = f"，预计{handoff.expected_reply}回复您" if handoff.expected_reply else ""
    return (f"已为您转接人工（编号 {handoff.ticket_id}）{when}，回复会出现在这里。\n"
            "等待期间如有紧急危险请拨打 110；也可以拨打 12348 法律服务热线。")


def _session_region(state: dict) -> str | None:
    """The asker's region as this session knows it (eligibility facts), else None."""
    return (state.get("region") or ((state.get("flow_state") or {}).get("facts") or {}).get("region")
            or (state.get("eligibility_facts") or {}).get("region") or None)
