"""Card precision on the STARD dev share: of the questions that get an answer card, how many get
a card about the issue the lawyers' gold articles name.

Each question is answered as chat answers it (the offline composer on `kb.search(question, k=10)`,
so the retrieval-agreement gate for law-register questions applies). Each card it gets is

- "fits": the card cites a gold article;
- "near": the card cites the gold law, but other articles (right area, the point asked may lie elsewhere);
- "wrong issue": neither — a word of the question named another issue.

A question counts by its best card (fits > near > wrong); `cards_given` counts every card given.
With `ungated`, the cards the word patterns pick before the register gate (what the same question
gets when asked in a person's own words, 我家的… — the gate then lets every card through)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

KINDS = ("fits", "near", "wrong_issue")


@dataclass(frozen=True)
class CardVerdict:
    card: str
    kind: str          # one of KINDS


def card_verdict(card, gold: set[tuple[str, str]]) -> CardVerdict:
    """How `card` (an answer card) stands to the gold (law, article) pairs."""
    cited = {(c.law, c.article) for c in card.claims()}
    if cited & gold:
        return CardVerdict(card.id, "fits")
    if {law for law, _ in cited} & {law for law, _ in gold}:
        return CardVerdict(card.id, "near")
    return CardVerdict(card.id, "wrong_issue")


def question_kind(verdicts: list[CardVerdict]) -> str:
    return min((v.kind for v in verdicts), key=KINDS.index)


def card_precision(rows: list[dict], data_dir: Path | None, ungated: bool = False) -> dict:
    """Counts per question (by its best card) and per card given, and the questions given a
    wrong-issue card (`kind`: the question's best card's verdict)."""
    from assistant.answers.cards import packaged_cards
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from assistant.answers.matcher import match_cards
    from evals.common_chat import chat_app, gold_keys

    _, kb, _ = chat_app(data_dir)
    composer = OfflineComposer(kb, ComposerLimits())
    by_id = {c.id: c for c in packaged_cards()}
    questions, pairs, per_card = Counter(), Counter(), Counter()
    wrong = []
    for row in rows:
        hits = kb.search(row["question"], k=10)
        if ungated:
            given = [m.card.id for m in match_cards(row["question"], [(h.law, h.article_id) for h in hits
                                                                        if h.kind == "statute"])]
        else:
            given = composer.answer(row["question"], hits).cards
        questions["asked"] += 1
        if not given:
            continue
        gold = gold_keys(row)
        verdicts = [card_verdict(by_id[cid], gold) for cid in given]
        questions["carded"] += 1
        questions[question_kind(verdicts)] += 1
        pairs.update(v.kind for v in verdicts)
        per_card.update(v.card for v in verdicts if v.kind == "wrong_issue")
        strays = [v.card for v in verdicts if v.kind == "wrong_issue"]
        if strays:     # the question's best card is wrong, or a wrong card rides along a right one
            wrong.append({"id": row["id"], "question": row["question"], "kind": question_kind(verdicts),
                          "cards": given, "wrong_cards": strays,
                          "gold": sorted(f"{law}第{a}条" for law, a in gold)})
    return {"questions": dict(questions), "cards_given": {k: pairs[k] for k in KINDS},
            "wrong_issue_by_card": dict(per_card.most_common()), "wrong_issue": wrong}
