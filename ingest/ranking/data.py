"""The training data of the shipped ranking files: the national law corpus (outside DLC/ and 案例/),
the STARD dev share's questions with their gold articles, BM25 and dense scores of every question
against every article as (questions × articles) matrices, and the reranker's features of a fold.

Read by the build (ingest.ranking.build) and by the lab's held-out measurements (evals.lab)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.ranking.corpus import LabCorpus, load_corpus
from ingest.ranking.lexical import SparseBM25, bag, corpus_tokens
from ingest.ranking.priors import article_counts, article_prior, gold_matrix, law_prior, leave_one_out
from ingest.ranking.questions import Question, load_questions
from knowledge.ranking.features import FEATURES, ArticleStatics, ComponentScores, candidate_features
from knowledge.ranking.scoring import WIDE_NEIGHBOURS, WIDE_TEMPERATURE, Side, neighbour_votes

log = logging.getLogger("ingest.ranking")
ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


@dataclass
class LabData:
    corpus: LabCorpus
    questions: list[Question]
    query_vecs: np.ndarray
    article_vecs: np.ndarray | None
    bm25: np.ndarray
    expansion: np.ndarray
    dense: np.ndarray | None

    @property
    def gold(self) -> list[list[int]]:
        return [q.gold for q in self.questions]

    @property
    def gold_total(self) -> list[int]:
        return [q.gold_total for q in self.questions]


def load_lab(laws_dir: Path, questions_file: Path, data_dir: Path, use_dense: bool = True,
             subset_with_vectors: bool = False) -> LabData:
    """`subset_with_vectors`: while the ingest is still embedding, restrict the corpus to the
    articles whose vectors are already cached (a random-like part of the national corpus; the
    numbers are then an estimate on that part, not the target metric)."""
    from knowledge.embeddings import load_embedder
    from knowledge.lexical import LegalTokenizer
    from knowledge.ranking.vocabulary import QueryExpander
    from ingest.ranking.corpus import sub_corpus
    from ingest.ranking.vectors import article_vectors_from_cache, cached_article_vectors

    cache = data_dir / "lab"
    t = time.perf_counter()
    corpus = load_corpus(laws_dir, cache)
    tokenizer = LegalTokenizer(set(corpus.laws))
    tokens = corpus_tokens(corpus, tokenizer, cache)
    embedder = load_embedder()
    subset_vecs = None
    if subset_with_vectors:
        hits = cached_article_vectors(corpus, data_dir / "kb" / "embeddings.sqlite3", embedder.model_id)
        keep = sorted(hits)
        subset_vecs = np.stack([hits[i] for i in keep]).astype(np.float32)
        corpus, tokens = sub_corpus(corpus, keep), [tokens[i] for i in keep]
    questions = load_questions(questions_file, corpus, subset=subset_with_vectors)
    log.info("corpus %d articles (%s), %d questions  [%.1fs]", len(corpus), corpus.source, len(questions),
             time.perf_counter() - t)
    bm25 = SparseBM25(tokens)
    expander = QueryExpander.load()
    texts = [q.text for q in questions]
    lexical = bm25.scores([bag(tokenizer.tokens(x)) for x in texts])
    expansion = bm25.scores([bag(tokenizer.tokens(expander.expand(x))) for x in texts])
    log.info("BM25 + expansion scored  [%.1fs]", time.perf_counter() - t)
    query_vecs = question_vectors_by_id(questions_file, [q.qid for q in questions], embedder, cache)
    article_vecs = dense = None
    if subset_vecs is not None:
        article_vecs = subset_vecs if use_dense else None
    elif use_dense:
        article_vecs, found = article_vectors_from_cache(corpus, data_dir / "kb" / "embeddings.sqlite3",
                                                         embedder.model_id, cache)
        if article_vecs is None:
            log.warning("only %d of %d articles have vectors in the embedding cache", found, len(corpus))
    if article_vecs is not None:
        dense = query_vecs @ article_vecs.T
        log.info("dense scored  [%.1fs]", time.perf_counter() - t)
    else:
        log.warning("no article vectors: dense features are left out")
    return LabData(corpus, questions, query_vecs, article_vecs, lexical, expansion, dense)


def question_vectors_by_id(questions_file: Path, qids: list[int], embedder, cache: Path) -> np.ndarray:
    """Vectors of the given questions, computed once for the whole share (cached)."""
    import json

    from ingest.ranking.vectors import question_vectors

    rows = [json.loads(line) for line in questions_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    vectors = question_vectors([r["question"] for r in rows], embedder, cache)
    row_of = {r["id"]: i for i, r in enumerate(rows)}
    return vectors[[row_of[q] for q in qids]]


def _side(rows: np.ndarray | None, top_only: bool = False) -> Side | None:
    return None if rows is None else Side.from_rows(rows, top_only=top_only)


def fold_features(data: LabData, train: np.ndarray, rows: np.ndarray, adapted: np.ndarray | None,
                  is_train: bool, width: int = 700) -> tuple[np.ndarray, np.ndarray]:
    corpus = data.corpus
    gold = data.gold
    G = gold_matrix([gold[i] for i in train], len(corpus))
    counts = article_counts(G)
    law_code = corpus.law_codes()[0]
    statics = ArticleStatics.build(corpus.laws, corpus.levels, article_prior(counts), law_prior(counts, law_code),
                                   paths=corpus.paths, sequence=corpus.sequence(), lengths=corpus.lengths())
    sims = data.query_vecs[rows] @ data.query_vecs[train].T
    if is_train:
        sims[np.arange(len(rows)), np.arange(len(rows))] = -1.0    # rows == train: leave self out
    votes = neighbour_votes(sims, G)
    wide = neighbour_votes(sims, G, WIDE_NEIGHBOURS, WIDE_TEMPERATURE)
    # dense sides as the product sees them: ANN top lists only
    scores = ComponentScores(dense=_side(None if data.dense is None else data.dense[rows], top_only=True),
                             adapted=_side(adapted, top_only=True), bm25=_side(data.bm25[rows]),
                             expansion=_side(data.expansion[rows]), neighbours=_side(votes),
                             wide_votes=wide)
    candidates = scores.candidates(width)
    feats = candidate_features([data.questions[i].text for i in rows], scores, statics, candidates)
    if is_train:
        leave_one_out(feats, candidates, [gold[i] for i in rows], counts, statics.law_code,
                      FEATURES.index("article_prior"), FEATURES.index("law_prior"))
    return feats, candidates


