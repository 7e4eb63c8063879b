"""Ingest: parsers that turn the statute corpus (../shared/laws) and staff uploads into plain records."""
