"""A one-sentence conclusion in plain words, read off the quoted clause itself (no model, no
guessing): "依照《民法典》第八百九十二条，除紧急情况或者为维护寄存人利益外，不能擅自改变保管场所或者
方法。" put before the quote of a retrieval answer.

Only for questions of a form handled here (conclusion/forms.py) — lawyers' yes/no (是否承担…、可以…吗、
属于…吗), validity (有效吗、效力如何), who (谁承担、由谁), how long (多久、期限), how much, and the
villagers' 怎么办、合法吗、赔多少、去哪、能…不, and the lawyers' open questions (conclusion/points.py:
有哪些、什么是、承担什么责任、什么情况下、何时、如何确定、如何救济) — and only when the clause has a sentence that speaks to
the very point asked, with its polarity written in the clause. The conclusion is that sentence's own
words (legal modals put plainly: 不得 → 不能, 人民法院应予支持 → 法院会支持), with its condition and
its exception; a lawyer's question gets the answer word first (要/可以/不可以, the party, the one
period or figure, 无效: conclusion/leads.py) when the modal right before the asked verb gives it.
Anything else → None: the answer stays a quote. Graders: "outside the cards there is no plain-words
conclusion" (issue #22).

The parts: conclusion/forms.py (the question's form), sentences.py (the clause as rule, condition and
exception), matching.py (does it speak of the asker's case), one reader per form (yes_no.py,
legality.py, figures.py, actions.py, points.py), wording.py and leads.py. Several questions in one:
the conclusion for the first of them the clause settles."""
from __future__ import annotations

import re

from assistant.answers.conclusion.actions import read_what_to_do, read_where
from assistant.answers.conclusion.figures import PENALTY_ASKED, read_how_long, read_how_much, read_penalty, read_who
from assistant.answers.conclusion.forms import OPEN_FORMS, WHAT_TO_DO, Asked, asked
from assistant.answers.conclusion.leads import LEADS, lead, without_stated_condition
from assistant.answers.conclusion.legality import read_legality
from assistant.answers.conclusion.points import (read_condition, read_consequence, read_definition, read_listed,
                                                 read_settled, read_when)
from assistant.answers.conclusion.sentences import POINTS_BACK, split_sentences
from assistant.answers.conclusion.wording import MAX_CHARS, bare, plain_words, plainer_words
from assistant.answers.conclusion.yes_no import read_validity, read_yes_no

__all__ = ["MAX_CHARS", "Asked", "asked", "plain_conclusion"]


def plain_conclusion(question: str, label: str, clause: str) -> str | None:
    """"依照{label}，{what the clause says about the point asked}。", or None when the question is
    of a form not handled or the clause does not settle that point."""
    form = asked(question)
    if form is None:
        return _one_of_several(question, label, clause)
    sentences = split_sentences(clause)
    if form.form == "yes_no":
        statement = read_yes_no(question, form.point, clause, sentences)
    elif form.form == "validity":
        statement = read_validity(question, sentences)
    elif form.form == "legality":
        statement = read_legality(question, sentences)
    elif form.form == "where":
        statement = read_where(question, sentences)
    elif form.form == "who":
        statement = read_who(question, clause, sentences) or read_where(question, sentences)
    elif form.form == "how_much":
        statement = read_how_much(question, sentences)
    elif form.form == "what_to_do":
        statement = read_what_to_do(question, sentences)
    elif form.form in _OPEN_READERS:
        statement = _OPEN_READERS[form.form](question, form.point, clause, sentences)
    elif form.form == "how_long":
        statement = read_penalty(question, clause, sentences) if PENALTY_ASKED.search(question) \
            else read_how_long(question, sentences)
    else:
        statement = None
    if not statement and form.form != "what_to_do" and WHAT_TO_DO.search(question):
        statement = read_what_to_do(question, sentences)     # 能领多少 不够十五年咋办: the second form asked
    if statement and len(statement) > MAX_CHARS and form.form in LEADS - {"yes_no"}:    # yes/no readers cut their own
        statement = without_stated_condition(question, statement)
    # a statement pointing back (前款规定的房屋) does not stand alone before the quote
    if not statement or len(statement) > MAX_CHARS or POINTS_BACK.search(statement):
        return None
    said_again = bare(statement) == bare(plain_words(clause))
    if form.form in OPEN_FORMS and bare(statement) == bare(plainer_words(clause)):
        return None          # only the modals put plainly: the quote right after says it already
    # a lawyer's yes/no gets its answer word first (要、不可以、一般不承担); another form only when the
    # statement is the clause itself, which the quote right after says already
    if form.form in LEADS and (said_again or (form.form == "yes_no" and not _plain_spoken(question))) \
            and "：" not in statement[:6]:
        word = lead(form.form, question, statement, form.point)
        if word is not None:
            return f"依照{label}，{word}：{statement}。"
    return None if said_again else f"依照{label}，{statement}。"


# the lawyers' open questions (conclusion/points.py): (question, point, clause, sentences) → statement
_OPEN_READERS = {
    "condition": read_condition,
    "consequence": lambda q, _p, c, s: read_consequence(q, c, s),
    "when": lambda q, _p, c, s: read_when(q, c, s),
    "definition": lambda q, _p, _c, s: read_definition(q, s),
    "settled": lambda q, _p, c, s: read_settled(q, c, s),
    "which": lambda q, _p, c, s: read_listed(q, c, s),
}


def _one_of_several(question: str, label: str, clause: str) -> str | None:
    """Several questions in one (什么是行纪合同？行纪合同的形式是什么？): the conclusion for the first
    of them the clause settles — the quote after it answers the rest as it can."""
    parts = [p.strip() for p in re.split(r"(?<=[？?])", question.strip()) if p.strip()]
    if len(parts) < 2:
        return None
    return next((c for c in (plain_conclusion(p, label, clause) for p in parts) if c), None)


def _plain_spoken(question: str) -> bool:
    """能要回来不: the villagers' yes/no keeps its conclusion as it was (session 16)."""
    return question.rstrip("？?。！! ").endswith("不")
