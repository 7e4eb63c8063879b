"""One written form for the first person: northern villagers write 俺 (俺家, 俺男人老打俺) where the
cards' words say 我 (打我, 欠我, 我家). The question and every card word are put into this form
before matching, so a card word written either way matches a question written either way."""
from __future__ import annotations

FIRST_PERSON = (("俺", "我"),)


def standard_person(text: str) -> str:
    for dialect, standard in FIRST_PERSON:
        text = text.replace(dialect, standard)
    return text
