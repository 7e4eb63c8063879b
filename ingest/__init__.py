"""Ingest: parsers that turn the statute corpus (../shared/laws, LawRefBook layout) and
staff uploads (.docx/.txt from flk.npc.gov.cn) into plain records (knowledge.records).
Parsers know nothing about storage or embeddings.

Public entry points:

- ``ingest.corpus.scan_corpus(root)`` / ``ingest.corpus.parse_corpus(root, on_error=cb)``
- ``ingest.lawrefbook.parse_law_file(path, root)``
- ``ingest.cases.parse_case_file(path, root)`` / ``ingest.cases.extract_citations(text)``
- ``ingest.plaintext.parse_plain_law(path, *, kind=None, region=None)``

The record types and the Chinese numerals live on the ground floor, in ``knowledge.records`` and
``knowledge.numerals``; ingest imports them from there.

Command line: ``python -m ingest.corpus [root]`` prints corpus statistics.
"""
