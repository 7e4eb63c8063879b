"""Ready-to-sign documents (文书): 法律援助申请表, 劳动人事争议仲裁申请书, 民事起诉状, 人身安全保护令申请书,
支付令申请书, filled from structured facts as .docx, with blanks where facts are missing.

- `catalog.generate(type, facts)`: validate (facts.py), fill (forms/), render (layout.py);
- `store.DocumentStore`: keeps a generated document for FAYUAN_DOCUMENTS_TTL_HOURS behind an
  unguessable download token, audits every generation and download, purges expired ones;
- `prefill.facts_from_ticket`: a ticket's structured facts as a document's facts."""
