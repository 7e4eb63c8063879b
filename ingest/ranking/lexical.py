"""BM25 as a sparse matrix, so a whole question set scores in one product and expansion terms can
carry their own weight. Uses the product's tokenizer (knowledge.lexical.LegalTokenizer) and index
text (title + headings + article), so lab numbers transfer to the product's LexicalIndex."""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
from scipy import sparse

from ingest.ranking.corpus import LabCorpus


class SparseBM25:
    def __init__(self, doc_tokens: list[list[str]], k1: float = 1.2, b: float = 0.75):
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(doc_tokens), dtype=np.float32)
        for d, toks in enumerate(doc_tokens):
            lengths[d] = len(toks)
            counts: dict[int, int] = {}
            for t in toks:
                j = vocab.setdefault(t, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            rows.extend([d] * len(counts))
            cols.extend(counts.keys())
            vals.extend(counts.values())
        tf = sparse.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)),
                               shape=(len(doc_tokens), len(vocab)))
        n = len(doc_tokens)
        df = np.bincount(tf.indices, minlength=len(vocab)).astype(np.float32)
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)   # Lucene idf, as bm25s
        avg = lengths.mean() if n else 1.0
        norm = k1 * (1 - b + b * lengths / avg)
        tf = tf.tocoo()
        weight = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * self.idf[tf.col]
        # (vocab, docs) so a query row vector times this is a score row
        self.term_doc = sparse.csr_matrix((weight.astype(np.float32), (tf.col, tf.row)),
                                          shape=(len(vocab), n))
        self.vocab = vocab
        self.df = df

    def query_matrix(self, queries: list[dict[str, float]]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for i, q in enumerate(queries):
            for t, w in q.items():
                j = self.vocab.get(t)
                if j is not None:
                    rows.append(i), cols.append(j), vals.append(w)
        return sparse.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)),
                                 shape=(len(queries), len(self.vocab)))

    def scores(self, queries: list[dict[str, float]]) -> np.ndarray:
        """(n_queries, n_docs) dense BM25 scores; each query is {token: weight}."""
        return (self.query_matrix(queries) @ self.term_doc).toarray()


def bag(tokens: list[str], weight: float = 1.0, into: dict[str, float] | None = None) -> dict[str, float]:
    out = into if into is not None else {}
    for t in tokens:
        out[t] = out.get(t, 0.0) + weight
    return out


def corpus_tokens(corpus: LabCorpus, tokenizer, cache_dir: Path) -> list[list[str]]:
    """Tokens of every article's index text, cached per corpus + tokenizer word list."""
    from knowledge.lexical import index_text

    key = hashlib.sha1(("|".join(corpus.doc_ids[:50]) + str(len(corpus)) + "|".join(tokenizer.user_words))
                       .encode()).hexdigest()[:12]
    cache = cache_dir / f"tokens-{key}.pkl"
    if cache.exists():
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    toks = [tokenizer.tokens(index_text(l, p, t)) for l, p, t in zip(corpus.laws, corpus.paths, corpus.texts)]
    with open(cache, "wb") as fh:
        pickle.dump(toks, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return toks
