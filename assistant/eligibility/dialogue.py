"""The eligibility pre-screen as a conversation ("我能申请法律援助吗").

Contract used by the chat (assistant/conversation/service.py):
    EligibilityDialogue(standards).start(message) -> DialogueTurn
    EligibilityDialogue(standards).answer(state, message) -> DialogueTurn
`state` is plain JSON (the facts found so far, the question pending); the message text itself is
never kept. The dialogue asks only for what the rules still need, one short question at a time,
says why before asking about income, never asks for an ID number, then gives the decision with
reasons, cited articles, materials and where to apply, and offers to hand the case to staff.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from assistant.eligibility.application import applicant_notice, application_packet
from assistant.eligibility.decision import ELIGIBLE, INELIGIBLE
from assistant.eligibility.engine import as_table, decide
from assistant.eligibility.explain import PLAIN
from assistant.eligibility.extract import (
    extract, find_dibao_ratio, find_household_size, find_matter, find_monthly_income, find_region,
    spoken_number)
from assistant.eligibility.facts import EligibilityFacts
from assistant.eligibility.labels import matter_label, status_labels
from assistant.eligibility.regions import OTHER_REGION
from assistant.privacy import mask_pii

STATE_VERSION = 1
MAX_QUESTIONS = 8

# question key → (text, what the answer fills)
QUESTIONS: dict[str, str] = {
    "matter": "请问是遇到了什么事需要法律帮助？（比如讨薪、工伤、交通事故、离婚、赡养费、被打、家里人被抓……）",
    "criminal_stage": "案子现在到哪一步了：还在公安、已经到检察院，还是在法院审判？",
    "criminal_age": "当事人现在多大年纪？（未满18岁的，国家必须派律师）",
    "child_age": "孩子现在多大年纪？",
    "criminal_sentence": "办案机关有没有说可能判多重？比如可能判无期徒刑或死刑？",
    "migrant_worker": "您是从农村出来打工的农民工吗？（农民工讨工钱、工伤赔偿，可以不审查家里收入）",
    "proof": "您手上有没有能证明这个身份的材料？（比如低保证、残疾证、村（居）委会证明、户口簿和务工证明等）",
    "region": "您打算在哪个市或县申请？（一般是打官司、仲裁或事情发生的地方，标准按那里算）",
    "household_size": "家里一起生活的一共有几口人？",
    "income": ("为了对照当地的经济困难标准，需要了解一下收入（只用于这次判断和办理这件事，不会另作他用）："
               "全家一起生活的人每月收入加起来大约多少钱？"),
    "personal_income": ("为了对照当地的经济困难标准，需要了解一下收入（只用于这次判断和办理这件事，不会另作他用）："
                        "因为对方是家里人，只算您本人的收入——您自己每月收入大约多少钱？"),
    "residence": "您家是住在城镇还是农村？（两边标准不一样）",
    "income_ratio": ("当地标准是按低保的倍数算的。为了对照标准，需要了解一下收入（只用于这次判断和办理这件事，不会另作他用）："
                     "您家人均每月收入大约是当地低保标准的几倍？（村里或社区帮您算过的话直接说就行）"),
}
HEADLINE = {ELIGIBLE: "符合申请条件", INELIGIBLE: "暂时不符合申请条件", "review": "需要法律援助机构工作人员进一步审查"}
HANDOFF_OFFER = "这只是初步判断，最终由法律援助机构决定。需要我把您的情况整理好转给法律援助中心的工作人员吗？回复“需要”即可。"
ID_NOTICE = "提醒：为保护您的隐私，聊天里不需要、也请不要发身份证号，我们没有记录它。"
_ID_LIKE = re.compile(r"\d{15}(?:\d{2}[\dXx])?|\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx]")
_YES = re.compile(r"^(?:要|需要|好|好的|可以|行|嗯|是|对|麻烦|帮我|转|请).{0,10}$|需要|麻烦你|帮我转|转给")
_NO = re.compile(r"不用|不要|不需要|算了|先不|没必要")
_HAS_NOT = re.compile(r"没有|没得|没|无|不(?:是|能|会|清楚)?")
_ASKS_SOMETHING = re.compile(r"[？?吗呢]|怎么|能不能|可不可以|咋")
# facts that change a verdict: told after it (even after the flow ended), they decide again
LATE_FACT_KEYS = ("region", "household_size", "household_monthly_income", "applicant_monthly_income",
                  "per_capita_income_to_dibao_ratio", "residence_type", "proof_available")
LATE_APPLICANT_KEYS = ("migrant_worker", "statuses", "disability", "age", "no_fixed_income")
# what a later message may not change about the case itself (a new matter is a new question)
_CASE_KEYS = ("matter_type", "matter_desc", "service", "proceeding", "criminal")


@dataclass
class DialogueTurn:
    reply: str
    state: dict
    done: bool
    decision: dict | None = None
    handoff_summary: dict | None = None
    asked: str | None = field(default=None, repr=False)   # the question key (tests, evals)


class EligibilityDialogue:
    def __init__(self, standards, today: dt.date | None = None):
        self.standards = standards
        self.today = today

    # ---- contract ---------------------------------------------------------------------------
    def start(self, message: str, known: dict | None = None) -> DialogueTurn:
        """`known`: facts the conversation already gathered (observe), so nothing is asked twice."""
        state = {"v": STATE_VERSION, "facts": copy.deepcopy(known or {}), "asked": [], "pending": None,
                 "stage": "collect"}
        notice = self._absorb(state, message)
        return self._next(state, notice)

    def answer(self, state: dict, message: str) -> DialogueTurn:
        state = _valid_state(state)
        if state["stage"] == "offer":
            return self._offer_answer(state, message)
        notice = self._absorb(state, message)
        return self._next(state, notice)

    def observe(self, facts: dict | None, message: str) -> dict:
        """The facts of an ordinary turn (a legal question before anyone asked about legal aid),
        added to what the conversation knows; the text itself is not kept."""
        facts = copy.deepcopy(facts) if isinstance(facts, dict) else {}
        _merge(facts, self._found(message))
        return facts

    def revisit(self, state: dict, message: str) -> DialogueTurn | None:
        """After the flow ended: a message that tells facts the verdict depends on ("我是农民工，每月
        收入2000块，家里3口人") decides again; anything else (None) is an ordinary turn."""
        state = _valid_state(state)
        if not state["facts"] or _ASKS_SOMETHING.search(message or ""):
            return None
        notice = ID_NOTICE if _ID_LIKE.search(message or "") else ""
        if not self._take_late_facts(state, message):
            return None
        state.update(stage="collect", pending=None)
        return self._next(state, notice)

    # ---- reading what the person says -----------------------------------------------------------
    def _absorb(self, state: dict, message: str) -> str:
        raw = (message or "")[:2000]
        notice = ID_NOTICE if _ID_LIKE.search(raw) else ""
        facts = state["facts"]
        pending = state.get("pending")
        if pending:
            _fill_answer(facts, pending, _readable(raw), as_table(self.standards))
        _merge(facts, self._found(raw))
        state["pending"] = None
        return notice

    def _found(self, message: str) -> dict:
        return _jsonable(extract(_readable((message or "")[:2000]), as_table(self.standards)))

    def case_facts(self, facts: dict | None, decision: dict | None = None) -> dict:
        """What staff get on any ticket of this conversation: the facts told so far (and the
        verdict, if one was given), in the shape of the eligibility ticket."""
        state = {"facts": copy.deepcopy(facts) if isinstance(facts, dict) else {}}
        return handoff_summary(self._facts(state), decision) if state["facts"] else {}

    def _take_late_facts(self, state: dict, message: str) -> bool:
        """Merge the verdict-changing facts of a message told after the verdict (they replace what
        was known: a correction counts); True when something changed."""
        found = {k: v for k, v in self._found(message).items() if k not in _CASE_KEYS}
        before = copy.deepcopy(state["facts"])
        _merge(state["facts"], found, override=True)
        return _late_view(before) != _late_view(state["facts"])

    # ---- choosing the next step -----------------------------------------------------------------
    def _next(self, state: dict, notice: str = "") -> DialogueTurn:
        facts = self._facts(state)
        decision = decide(facts, self.standards, today=self.today)
        question = None if len(state["asked"]) >= MAX_QUESTIONS else self._question(state, facts, decision)
        if question:
            state["asked"].append(question)
            state["pending"] = question
            early = _decided_before_region(decision) if question == "region" else ""
            reply = "\n".join(filter(None, [notice, early or _ack(state, facts), QUESTIONS[question]]))
            return DialogueTurn(reply, state, False, asked=question)
        state["stage"] = "offer"
        state["decision"] = decision.api_dict()
        reply = "\n".join(filter(None, [notice, _decision_text(decision), HANDOFF_OFFER]))
        return DialogueTurn(reply, state, False, decision=decision.api_dict())

    def _question(self, state: dict, facts: EligibilityFacts, decision) -> str | None:
        asked = set(state["asked"])
        missing, reasons = set(decision.missing), set(decision.reasons)

        def ask(key: str, needed: bool) -> bool:
            return needed and key not in asked

        cr = facts.criminal
        suspect = cr is not None and cr.role in ("suspect_defendant", None) and facts.matter_type != "criminal_victim"
        steps = [
            ("matter", "missing_matter_info" in missing),
            ("criminal_stage", suspect and decision.decision != ELIGIBLE and cr.stage is None),
            ("criminal_age", suspect and decision.decision != ELIGIBLE and facts.applicant.age is None),
            ("criminal_sentence", suspect and decision.decision != ELIGIBLE and cr.possible_sentence is None
             and "missing_criminal_facts" in missing),
            ("child_age", state["facts"].get("applicant", {}).get("applies_for_child") is True
             and facts.applicant.age is None),
            ("proof", decision.decision != ELIGIBLE and facts.proof_available is None
             and self._would_decide(facts, {"proof_available": True})),
            # where to apply, and which local rules apply: asked unless the organs notify the agency
            ("region", facts.region is None and not _no_application_needed(decision)),
            # 农民工讨薪/工伤 need no means test (法律援助法第四十二条): asked before any income question
            ("migrant_worker", decision.decision != ELIGIBLE and facts.applicant.migrant_worker is None
             and self._would_decide(facts, {"applicant": facts.applicant.model_copy(
                 update={"migrant_worker": True, "hukou": "rural"}), "proof_available": True})),
            ("income_ratio", "threshold_unknown" in reasons and "missing_income_info" in missing
             and facts.per_capita_income_to_dibao_ratio is None and self._ratio_route(facts)),
            # asked even when the local figure is unknown: staff decide with them (and see them on the ticket)
            ("household_size", "missing_household_size" in missing
             and facts.per_capita_income_to_dibao_ratio is None),
            ("personal_income" if facts.adversary_is_household_member else "income",
             "missing_income_info" in missing and facts.per_capita_income_to_dibao_ratio is None),
            ("residence", "missing_residence_type" in missing),
        ]
        for key, needed in steps:
            if ask(key, needed):
                return key
        return None

    def _ratio_route(self, facts: EligibilityFacts) -> bool:
        """A 低保-multiple rule without a 低保 figure (江西): income as a multiple of 低保 decides."""
        table = as_table(self.standards)
        std = table.standard_for(facts.region, facts.application_date or self.today or dt.date.today())
        return std is not None and std.is_multiple_of_dibao and std.base_multiplier is not None

    def _would_decide(self, facts: EligibilityFacts, update: dict) -> bool:
        """Ask only when the answer could make the case eligible (an art. 42 exemption)."""
        return decide(facts.model_copy(update=update), self.standards, today=self.today).decision == ELIGIBLE

    def _facts(self, state: dict) -> EligibilityFacts:
        raw = copy.deepcopy(state["facts"])
        raw.setdefault("service", "representation" if raw.get("matter_type") else None)
        try:
            return EligibilityFacts.model_validate(raw)
        except ValidationError as exc:   # drop what does not validate rather than fail the chat
            for err in exc.errors():
                _drop(state["facts"], err["loc"])
            return EligibilityFacts.model_validate({k: v for k, v in state["facts"].items()})

    # ---- after the decision: hand over to staff? -------------------------------------------------
    def _offer_answer(self, state: dict, message: str) -> DialogueTurn:
        text = (message or "").strip()
        changed = self._take_late_facts(state, text)
        says_yes = bool(_YES.search(text)) and not _NO.search(text)
        if changed and not says_yes:   # a fact after the verdict: decide again (asking only what is new)
            state.update(stage="collect", pending=None)
            return self._next(state, ID_NOTICE if _ID_LIKE.search(text) else "")
        if changed:
            state["decision"] = decide(self._facts(state), self.standards, today=self.today).api_dict()
        decision = state.get("decision")
        if says_yes:
            summary = handoff_summary(self._facts(state), decision)
            packet = application_packet(decision or {}, summary["facts"], self.today or dt.date.today(),
                                        as_table(self.standards))
            summary["application"] = packet   # the centre's ticket: decision, facts, materials, due date
            if packet["decision_due"].get("date"):
                summary["决定期限"] = packet["decision_due"]["date"]
            reply = ("好的，已把您的情况（事项、家庭人口和收入、初步判断）整理好转交法律援助中心工作人员，他们会尽快联系您。\n"
                     + applicant_notice(packet))
            return DialogueTurn(reply, {**state, "stage": "done"}, True, decision=None, handoff_summary=summary)
        if not _NO.search(text) and len(text) > 8 and re.search(r"[？?吗呢]|怎么|能不能|可不可以", text):
            reply = "好的，这次初步判断就到这里。您的新问题请再发一次，我来回答；需要转交工作人员时随时说“转人工”。"
        else:
            reply = "好的。需要时可以随时说“转人工”，也可以拨打12348公共法律服务热线。"
        return DialogueTurn(reply, {**state, "stage": "done"}, True)


# ---- helpers -------------------------------------------------------------------------------------
def _valid_state(state: dict | None) -> dict:
    if not isinstance(state, dict) or state.get("v") != STATE_VERSION:
        return {"v": STATE_VERSION, "facts": {}, "asked": [], "pending": None, "stage": "collect"}
    state = copy.deepcopy(state)
    state.setdefault("facts", {})
    state.setdefault("asked", [])
    state.setdefault("stage", "collect")
    return state


def _jsonable(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _merge(facts: dict, found: dict, *, override: bool = False) -> None:
    """Add newly found facts; what the person already said is kept (answers fill it directly),
    unless `override` (facts told after a verdict replace the earlier ones)."""
    for key, value in found.items():
        if isinstance(value, dict) and isinstance(facts.get(key), dict):
            for sub, subval in value.items():
                if sub == "statuses":
                    facts[key]["statuses"] = sorted(set(facts[key].get("statuses", [])) | set(subval))
                elif override:
                    facts[key][sub] = subval
                else:
                    facts[key].setdefault(sub, subval)
        elif override:
            facts[key] = copy.deepcopy(value)
        else:
            facts.setdefault(key, value)


def _late_view(facts: dict) -> tuple:
    applicant = facts.get("applicant") or {}
    return (tuple(str(facts.get(k)) for k in LATE_FACT_KEYS)
            + tuple(str(applicant.get(k)) for k in LATE_APPLICANT_KEYS))


def _readable(raw: str) -> str:
    """The text the extractor reads: personal data masked except incomes, and never an ID number
    (which would read as an amount)."""
    return mask_pii(_ID_LIKE.sub("", raw), income=False)


def _drop(facts: dict, loc: tuple) -> None:
    node = facts
    for part in loc[:-1]:
        if not isinstance(node, dict) or part not in node:
            return
        node = node[part]
    if isinstance(node, dict):
        node.pop(loc[-1], None)


def _says_no(text: str) -> bool:
    return bool(re.match(r"^\s*(?:没有|没得|没|无|不是|不|否)", text)) or bool(re.search(r"没有|没得|拿不出|开不了", text))


def _yes_or_no(text: str, yes_words: str) -> bool | None:
    """A yes/no answer: None when it is neither (a bare number is no answer to "有没有")."""
    if re.search(r"不确定|不知道|不清楚|不晓得|说不准", text):
        return None
    if _says_no(text):
        return False
    if re.search(rf"^\s*(?:是|对|嗯|好|要|有|yes)|{yes_words}", text, re.IGNORECASE):
        return True
    return None


def _fill_answer(facts: dict, pending: str, text: str, table) -> None:
    """Read the answer to the question just asked (short answers: '3', '九千', '农村', '有')."""
    if pending == "matter":
        if (code := find_matter(text)) and code != "criminal":
            facts["matter_type"] = code
        elif code is None:
            facts["matter_type"] = "other_personal_matter"
        facts["matter_desc"] = None
    elif pending == "region":
        region = find_region(text, table) or table.resolve(text.strip(" 。.，,"))
        unsure = _says_no(text) or re.search(r"不确定|不知道|不清楚|没想好|不晓得", text)
        facts["region"] = region or (OTHER_REGION if not unsure and text.strip() else None)
    elif pending == "household_size":
        size = find_household_size(text)
        if size is None and (n := _bare_number(text)) is not None and 1 <= n <= 20:
            size = int(n)
        if size:
            facts["household_size"] = size
    elif pending in ("income", "personal_income", "income_ratio"):
        key = "applicant_monthly_income" if pending == "personal_income" else "household_monthly_income"
        ratio = find_dibao_ratio(text)
        if ratio is not None:
            facts["per_capita_income_to_dibao_ratio"] = str(ratio)
            return
        amount = find_monthly_income(text)
        if amount is None:
            amount = _bare_number(text)
            if amount is not None and re.search(r"年", text):
                amount = amount / 12
        if amount is None and re.search(r"没有收入|没收入|没得收入|零|0元", text):
            amount = Decimal(0)
        if amount is not None:
            facts[key] = _jsonable(Decimal(amount))
    elif pending == "residence":
        if re.search(r"农村|乡下|村|乡", text):
            facts["residence_type"] = "rural"
        elif re.search(r"城|镇|市|县城|社区", text):
            facts["residence_type"] = "urban"
    elif pending == "proof":
        if (answer := _yes_or_no(text, r"有|带|能开|开了|可以")) is not None:
            facts["proof_available"] = answer
    elif pending == "migrant_worker":
        if (answer := _yes_or_no(text, r"农民工|打工|务工|干活|农村")) is not None:
            applicant = facts.setdefault("applicant", {})
            applicant["migrant_worker"] = answer
            if answer:
                applicant["hukou"] = "rural"
    elif pending == "criminal_stage":
        cr = facts.setdefault("criminal", {"role": "suspect_defendant"})
        cr["stage"] = ("death_review" if "复核" in text else "trial" if re.search(r"法院|审判|开庭|一审|二审", text)
                       else "prosecution" if "检察" in text else "investigation" if re.search(r"公安|警察|派出所|看守所|侦查", text)
                       else cr.get("stage"))
        if "普通程序" in text:
            cr["procedure"] = "ordinary"
    elif pending in ("criminal_age", "child_age"):
        n = _bare_number(text)
        if n is not None and 0 < n < 120:
            facts.setdefault("applicant", {})["age"] = int(n)
    elif pending == "criminal_sentence":
        cr = facts.setdefault("criminal", {"role": "suspect_defendant"})
        cr["possible_sentence"] = ("death" if "死刑" in text and not _says_no(text) else
                                   "life" if "无期" in text and not _says_no(text) else "fixed_term")
        cr.setdefault("charge", "已说明")


def _bare_number(text: str) -> Decimal | None:
    m = re.search(r"\d[\d,，]*(?:\.\d+)?\s*[万千]?|[一二两三四五六七八九十百千万]+", text)
    if not m:
        return None
    try:
        return spoken_number(m.group())
    except (InvalidOperation, ValueError):
        return None


def _no_application_needed(decision) -> bool:
    """Consultation, or a mandatory defence the organs must notify: no region needed."""
    return any(r in ("consultation_no_means_test", "compulsory_medical_treatment_agent")
               or r.startswith("criminal_mandatory_defense") for r in decision.reasons)


def _decided_before_region(decision) -> str:
    """Already eligible on national rules (e.g. a migrant worker's wage claim, art. 42(3)): say so
    now; the region only decides which centre to go to (art. 38), so it is asked after the answer."""
    if decision.decision != ELIGIBLE:
        return ""
    plain = "".join(PLAIN[c] for c in decision.reasons if c in PLAIN)
    return (f"【初步判断】{HEADLINE[ELIGIBLE]}。{plain}"
            "在哪里申请只决定去哪个法律援助中心，不影响这个判断。")


def _ack(state: dict, facts: EligibilityFacts) -> str:
    """A short acknowledgement on the first question (no amounts or personal data echoed)."""
    if len(state["asked"]) != 1:
        return ""
    return "好的，我先帮您初步看看能不能申请法律援助，需要问几个简单的问题。"


def _decision_text(decision) -> str:
    lines = [f"【初步判断】{HEADLINE[decision.decision]}。"]
    plain = [PLAIN[c] for c in decision.reasons if c in PLAIN]
    if plain:
        lines.append("理由：" + "".join(plain))
    if decision.decision == INELIGIBLE:
        lines.append("如对不予援助的决定不服，可以向设立法律援助机构的司法局提出异议，之后还可以申请行政复议或提起行政诉讼。")
    if decision.citations:
        lines.append("依据：" + "、".join(decision.citations) + "。")
    if decision.materials:
        lines.append("需要准备：" + "；".join(f"{i}. {m}" for i, m in enumerate(decision.materials, 1)) + "。")
    lines.append("去哪里申请：" + decision.where_to_apply + "。")
    return "\n".join(lines)


def handoff_summary(facts: EligibilityFacts, decision: dict | None) -> dict:
    """The 经济困难状况说明 facts + matter, pre-filled for the legal-aid centre's staff."""
    ap = facts.applicant
    flat = {
        "region": facts.region or "",
        "事项": matter_label(facts.matter_type, facts.matter_desc),
        "初步判断": HEADLINE.get((decision or {}).get("decision"), ""),
        "家庭人口": facts.household_size if facts.household_size is not None else "",
        "家庭月收入": str(facts.household_monthly_income) if facts.household_monthly_income is not None else "",
        "本人月收入": str(facts.applicant_monthly_income) if facts.applicant_monthly_income is not None else "",
        "城乡": {"urban": "城镇", "rural": "农村"}.get(facts.residence_type or "", ""),
        "特殊身份": "、".join(status_labels(facts.statuses)),
        "农民工": "是" if ap.migrant_worker else "",
        "有证明材料": "是" if facts.has_proof else "",
        "紧急": "是" if facts.is_urgent else "",
    }
    summary = {k: v for k, v in flat.items() if v != ""}
    summary["facts"] = _jsonable(facts.model_dump(mode="json", exclude_none=True))
    summary["decision"] = decision
    return summary
