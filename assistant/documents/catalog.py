"""The document types and `generate(type, facts)`: validate the facts, fill the form, render .docx."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from pydantic import TypeAdapter

from assistant.documents import facts as F
from assistant.documents.compose import Built
from assistant.documents.forms import civil_complaint, labor_arbitration, legal_aid, payment_order, protection_order
from assistant.documents.layout import render_docx

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class DocumentType:
    code: str
    title: str
    facts: TypeAdapter
    build: Callable[[Any], Built]


TYPES: dict[str, DocumentType] = {t.code: t for t in (
    DocumentType("legal_aid_application", legal_aid.TITLE, TypeAdapter(F.LegalAidFacts), legal_aid.build),
    DocumentType("labor_arbitration_application", labor_arbitration.TITLE, TypeAdapter(F.LaborArbitrationFacts),
                 labor_arbitration.build),
    DocumentType("civil_complaint", civil_complaint.TITLE, TypeAdapter(F.CivilComplaintFacts), civil_complaint.build),
    DocumentType("protection_order_application", protection_order.TITLE, TypeAdapter(F.ProtectionOrderFacts),
                 protection_order.build),
    DocumentType("payment_order_application", payment_order.TITLE, TypeAdapter(F.PaymentOrderFacts),
                 payment_order.build),
)}


class UnknownDocumentType(ValueError):
    def __init__(self, code: object):
        known = "、".join(TYPES)
        super().__init__(f"没有这种文书：{str(code)[:40]}。可以生成的文书：{known}")


@dataclass
class RenderedDocument:
    type: str
    title: str
    content: bytes
    missing: list[str]
    attachments: list[str]

    @property
    def filename(self) -> str:
        return f"{self.title}.docx"


def document_type(code: object) -> DocumentType:
    if not isinstance(code, str) or code not in TYPES:
        raise UnknownDocumentType(code)
    return TYPES[code]


def generate(code: object, facts: object) -> RenderedDocument:
    """Raises UnknownDocumentType, or pydantic's ValidationError for bad facts (reason_in_chinese)."""
    kind = document_type(code)
    built = kind.build(kind.facts.validate_python(facts if facts is not None else {}))
    content = render_docx(built.blocks, core_title=built.title)
    return RenderedDocument(kind.code, built.title, content, built.missing, built.attachments)
