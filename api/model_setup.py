"""`fayuan serve` on a fresh machine: the default embedding model is converted, exported and
quantised in a second process while this one reads the statute folder. The catalog and the BM25
index need no model, so on two cores the two overlap and the first answers (and the hybrid switch
after them) come about half a minute sooner. scripts/serve.sh leaves set-up's model step to this
(FAYUAN_SETUP_MODEL=with-serve). Only when the statutes are read (no knowledge base yet, or
--ingest); a machine where the model is ready pays one quick check."""
from __future__ import annotations

import logging
import subprocess
import sys

from knowledge.embeddings import DEFAULT_MODEL
from knowledge.settings import KnowledgeSettings

log = logging.getLogger(__name__)


class ModelSetupFailed(RuntimeError):
    """The model could not be set up: the server cannot embed questions or statutes."""


def start_model_setup(settings: KnowledgeSettings) -> subprocess.Popen | None:
    """The set-up process, started now; None when there is nothing to set up (another model is
    configured, or the default one is ready)."""
    from knowledge.embeddings.setup import is_ready

    if settings.embedding_model != DEFAULT_MODEL or settings.embedding_backend != "onnx":
        return None
    if is_ready(settings.resolved_model_dir):
        return None
    log.info("embedding model: set up in a second process while the statutes are read (%s)",
             settings.resolved_model_dir)
    return subprocess.Popen([sys.executable, "-m", "knowledge.embeddings.setup",
                             "--dir", str(settings.resolved_model_dir)])


def wait_for_model_setup(process: subprocess.Popen | None) -> None:
    if process is not None and process.wait() != 0:
        raise ModelSetupFailed(f"the embedding model set-up failed (exit code {process.returncode}); "
                               f"run `python -m knowledge.embeddings.setup` to see why")
