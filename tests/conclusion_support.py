"""The plain conclusion the composer would put before a quote of a real article (shared by the
plain_conclusion tests; the `statutes` fixture is in conftest.py)."""
from __future__ import annotations

from assistant.answers.card_check import StatuteIndex
from assistant.answers.clauses import best_clause
from assistant.answers.plain_conclusion import plain_conclusion


def conclude(statutes: StatuteIndex, question: str, law: str, article: str) -> str | None:
    clause = best_clause(question, statutes.text(law, article) or "")
    assert clause is not None, f"{law}第{article}条 not in the corpus"
    return plain_conclusion(question, f"《{law}》第{article}条", clause.point)
