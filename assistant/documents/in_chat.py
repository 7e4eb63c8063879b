"""Documents from the conversation: an answer card offers its form ("帮您把仲裁申请书填好"), and
"帮我写申请书" fills it — what the session knows goes in, the rest stays blank for the person —
stored like every document (expiring link, audited) and answered with the download link."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.catalog import TYPES, generate
from assistant.documents.store import DocumentStore

DOWNLOAD_PATH = "/v1/documents/download"
# words that name a form, checked before the card's own document
NAMED_FORMS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"保护令"), "protection_order_application"),
    (re.compile(r"支付令"), "payment_order_application"),
    (re.compile(r"法律援助|法援"), "legal_aid_application"),
    (re.compile(r"仲裁"), "labor_arbitration_application"),
    (re.compile(r"起诉|诉状|状子"), "civil_complaint"),
)


def offer_line(document: str) -> str:
    """The 【文书】 line of a card answer that has a form."""
    return f"【文书】需要的话，我可以帮您把《{TYPES[document.partition(':')[0]].title}》填好，回复“帮我写申请书”就行。"


def chosen_form(message: str, offered: str | None) -> tuple[str, str | None] | None:
    """(document type, civil case) for the request: a form the message names, else the one offered."""
    named = next((code for pattern, code in NAMED_FORMS if pattern.search(message)), None)
    doc_type, _, case = (offered or "").partition(":")
    if named is not None and named != doc_type:
        return named, ("divorce" if named == "civil_complaint" else None)
    if not doc_type:
        return None
    return doc_type, case or None


@dataclass
class DocumentDesk:
    """What the conversation needs of the document store: fill a form for a session, get its link."""
    store: DocumentStore
    public_base_url: str = ""

    def fill(self, doc_type: str, facts: dict, session_id: str) -> tuple[str, list[str], str]:
        """(title, blanks, download URL) of the filled form."""
        document = generate(doc_type, facts)
        stored, token = self.store.save(document, actor="person", session_id=session_id)
        return stored.title, list(stored.missing), f"{self.public_base_url.rstrip('/')}{DOWNLOAD_PATH}?token={token}"
