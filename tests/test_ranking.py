"""Ranking components for lay questions (knowledge.ranking): vocabulary bridge, score arithmetic,
features, reranker, adapter, learned files. Small invented arrays; no corpus, no model."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from knowledge.ranking.adapter import AdapterFileError, QueryAdapter
from knowledge.ranking.features import (FEATURES, ArticleStatics, ComponentScores, adjacent_positions,
                                        candidate_features, title_stem)
from knowledge.ranking.known import AnswerCounts, KnownFileError, KnownQuestions, article_prior, law_prior
from knowledge.ranking.pipeline import (ADAPTER_FILE, ADAPTER_RERANKER_FILE, COUNTS_FILE, KNOWN_FILE, LEARNED_DIR,
                                        RERANKER_FILE, TUNED_FILE, IndexKeys, LayRanker, open_bound_ranker)
from knowledge.ranking.reranker import LinearReranker, RerankerFileError
from knowledge.ranking.scoring import RowTop, Side, law_soft_max, neighbour_votes, union_top
from knowledge.ranking.tail import (KEEP, fill_tail, proposals_from_adjacent, proposals_from_neighbours,
                                   tail_proposals)
from knowledge.ranking.vocabulary import QueryExpander, VocabularyFileError, read_vocabulary


# ---- vocabulary bridge ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def expander() -> QueryExpander:
    return QueryExpander.load()


@pytest.mark.parametrize("question, expected", [
    ("老板三个月没发工资我能不能走人还要赔偿", {"劳动报酬", "用人单位", "解除劳动合同"}),
    ("被邻居家的狗咬了谁来赔", {"饲养动物", "侵权责任"}),
    ("邻居盖楼挡光了怎么办", {"相邻关系", "采光"}),
    ("离婚了房子怎么分", {"夫妻共同财产", "分割"}),
    ("朋友借钱不还可以起诉吗", {"借款合同", "民间借贷"}),
    ("转错账了对方不退", {"不当得利"}),
])
def test_lay_phrases_bring_their_legal_terms(expander, question, expected):
    assert expected <= set(expander.terms(question))


def test_expansion_is_empty_without_lay_phrases_and_skips_words_already_asked(expander):
    assert expander.expand("第三十八条的适用范围") == ""
    assert "劳动报酬" not in expander.terms("拖欠劳动报酬怎么办")


def test_malformed_vocabulary_line_is_reported_with_its_line_number(tmp_path):
    path = tmp_path / "vocab.tsv"
    path.write_text("# comment\n拖欠工资\t劳动报酬\n没有制表符的一行\n", encoding="utf-8")
    with pytest.raises(VocabularyFileError, match=":3:"):
        read_vocabulary(path)


# ---- score arithmetic ----------------------------------------------------------------------------
def test_row_top_normalises_best_to_one_and_top_mean_to_zero():
    scores = np.array([[0.0, 3.0, 1.0, 2.0]], dtype=np.float32)
    top = RowTop.of(scores, depth=3)
    assert top.idx.tolist() == [[1, 3, 2]]
    assert top.norm(top.vals)[0, 0] == pytest.approx(1.0)
    assert top.norm(np.array([[2.0]]))[0, 0] == pytest.approx(0.0)      # mean of the top 3 is 2


def test_law_soft_max_prefers_a_law_with_several_good_articles():
    law_code = np.array([0, 0, 0, 1, 1])
    scores = np.array([[0.9, 0.88, 0.87, 0.9, 0.1]], dtype=np.float32)
    top = RowTop.of(scores, depth=5)
    at = np.array([[0, 3]])
    law0, law1 = law_soft_max(top, False, law_code, at)[0]
    assert law0 > law1


def test_neighbour_votes_follow_the_most_similar_known_question():
    gold = sparse.csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32))
    votes = neighbour_votes(np.array([[0.95, 0.80, 0.10]]), gold, neighbours=2, temperature=0.05)
    assert votes.shape == (1, 3)
    assert votes[0, 0] > votes[0, 1] > votes[0, 2] == 0.0
    assert votes.sum() == pytest.approx(1.0)


def test_union_top_dedupes_pads_and_skips_zero_scores():
    a = RowTop.of(np.array([[0.0, 5.0, 4.0, 0.0]]), depth=4)
    b = RowTop.of(np.array([[0.0, 1.0, 0.0, 3.0]]), depth=4)
    out = union_top([a, b], [2, 2], width=5)
    assert out.tolist() == [[1, 2, 3, -1, -1]]


# ---- features and reranker -----------------------------------------------------------------------
@pytest.fixture()
def tiny_index():
    laws = ["劳动合同法", "劳动合同法", "民法典", "民法典"]
    levels = ["法律", "法律", "法律", "司法解释"]
    counts = np.array([3.0, 0.0, 1.0, 0.0], dtype=np.float32)
    statics = ArticleStatics.build(laws, levels)
    statics.article_prior = article_prior(counts)
    statics.law_prior = law_prior(counts, statics.law_code)
    return statics


def test_candidate_features_gather_sides_and_zero_the_padding(tiny_index):
    dense = np.array([[0.80, 0.70, 0.75, 0.60]], dtype=np.float32)
    bm25 = np.array([[4.0, 0.0, 1.0, 0.0]], dtype=np.float32)
    scores = ComponentScores(dense=Side.from_rows(dense), bm25=Side.from_rows(bm25))
    candidates = np.array([[0, 2, -1]])
    x = candidate_features(["劳动合同到期不续签有补偿吗"], scores, tiny_index, candidates)
    col = {name: i for i, name in enumerate(FEATURES)}
    assert x.shape == (1, 3, len(FEATURES))
    assert x[0, 0, col["dense"]] == pytest.approx(0.80)
    assert x[0, 0, col["bm25_norm"]] == pytest.approx(1.0)
    assert x[0, 0, col["title_in_query"]] == 1.0 and x[0, 1, col["title_in_query"]] == 0.0
    assert x[0, 0, col["article_prior"]] == pytest.approx(np.log1p(3.0))
    assert x[0, 0, col["level_law"]] == 1.0
    assert not x[0, 2].any()


def test_chapter_features_group_by_heading_path_and_match_heading_words():
    laws = ["民法典"] * 4
    paths = [["合同编", "第二十一章 保管合同"], ["合同编", "第二十一章 保管合同"],
             ["合同编", "第二十二章 仓储合同"], ["合同编", "第二十二章 仓储合同"]]
    statics = ArticleStatics.build(laws, ["法律"] * 4, paths=paths)
    assert statics.chapter_code.tolist() == [0, 0, 1, 1]
    dense = np.array([[0.80, 0.80, 0.802, 0.10]], dtype=np.float32)
    scores = ComponentScores(dense=Side.from_rows(dense))
    x = candidate_features(["保管人能不能用我寄存的东西"], scores, statics, np.array([[0, 2]]))
    col = {name: i for i, name in enumerate(FEATURES)}
    # two good articles in 保管合同 beat one slightly better article in 仓储合同
    assert x[0, 0, col["chapter_dense"]] > x[0, 1, col["chapter_dense"]]
    assert x[0, 0, col["law_dense"]] == x[0, 1, col["law_dense"]]
    assert x[0, 0, col["heading_in_query"]] > 0 == x[0, 1, col["heading_in_query"]]
    unused = candidate_features(["保管人能不能用我寄存的东西"], scores, statics, np.array([[0, 2]]), needed={"dense"})
    assert not unused[:, :, col["heading_in_query"]].any()              # skipped when the reranker ignores it
    # every feature the reranker gives no weight stays 0; the one it weighs is as before
    assert not np.delete(unused, col["dense"], axis=2).any()
    assert unused[:, :, col["dense"]].tolist() == x[:, :, col["dense"]].tolist()


def test_fill_tail_keeps_the_top_and_reserves_spaced_slots_for_proposals():
    ranked = np.arange(100, 200)
    out = fill_tail(ranked, [5, 150, 6, 7], depth=30, keep=10, reserve=3, every=4)
    assert out[:10].tolist() == list(range(100, 110))
    assert len(out) == 30 and len(set(out.tolist())) == 30
    assert [out[13], out[17], out[21]] == [5, 150, 6]          # 4th, 8th, 12th place below the top
    assert 7 not in out                                        # beyond the reserve
    assert out[10:13].tolist() == [110, 111, 112]
    assert fill_tail(ranked, [5], depth=8, keep=10).tolist() == list(range(100, 108))


def test_neighbour_proposals_come_nearest_question_first_without_repeats():
    gold = sparse.csr_matrix(np.array([[1, 0, 1, 0], [0, 0, 1, 1], [0, 1, 0, 0]], dtype=np.float32))
    assert proposals_from_neighbours(np.array([0.5, 0.9, 0.1]), gold, nearest=2) == [2, 3, 0]


def test_adjacent_proposals_are_the_neighbours_of_the_top_in_rank_order():
    # positions 0-5: one law version 0..3 in order, then two articles without neighbours
    adjacent = np.array([[-1, 1], [0, 2], [1, 3], [2, -1], [-1, -1], [-1, -1]])
    # top: 2, then 4 (no neighbours), then 0; 1 is among the top itself, so never proposed
    assert proposals_from_adjacent(np.array([2, 4, 0, 1, 5]), adjacent, head=4) == [3]
    assert proposals_from_adjacent(np.array([2, 4, 5]), adjacent, head=3) == [1, 3]
    assert proposals_from_adjacent(np.array([5, 2]), adjacent, head=1) == []


def test_tail_proposals_put_neighbour_gold_first_and_repeat_nothing():
    adjacent = np.array([[-1, 1], [0, 2], [1, 3], [2, -1]])
    gold = sparse.csr_matrix(np.array([[0, 0, 0, 1], [1, 0, 0, 0]], dtype=np.float32))
    ranked = np.array([2, 0])
    # nearest question answers 3, the next 0; adjacent to 2: 1 and 3 (3 already proposed)
    assert tail_proposals(ranked, proposals_from_neighbours(np.array([0.9, 0.5]), gold), adjacent) == [3, 0, 1]
    assert tail_proposals(ranked, [], adjacent) == [1, 3]        # no known questions


def test_the_default_tail_leaves_the_top_20_to_the_reranker():
    ranked = np.arange(1000, 1200)
    out = fill_tail(ranked, [7, 8, 9], depth=100)
    assert KEEP == 20 and out[:20].tolist() == list(range(1000, 1020))
    assert len(out) == 100 and {7, 8, 9} <= set(out.tolist()) and out.tolist().index(7) >= 20


def test_title_stem_is_what_people_write():
    assert title_stem("劳动合同法") == "劳动合同"
    assert title_stem("物业管理条例") == "物业管理"
    assert title_stem("法") == ""


def test_reranker_orders_by_weights_deterministically_and_keeps_padding_last(tmp_path):
    model = LinearReranker({"dense_norm": 1.0, "article_prior": 0.5})
    x = np.zeros((1, 4, len(FEATURES)), dtype=np.float32)
    x[0, :, FEATURES.index("dense_norm")] = [0.2, 0.9, 0.9, 5.0]
    x[0, :, FEATURES.index("article_prior")] = [1.0, 0.0, 0.0, 0.0]
    candidates = np.array([[10, 11, 12, -1]])
    first = model.order(x, candidates)
    assert first.tolist() == [[11, 12, 10, -1]]            # tie 11/12 keeps candidate order
    assert (model.order(x, candidates) == first).all()
    model.save(tmp_path / "r.json")
    again = LinearReranker.load(tmp_path / "r.json")
    assert (again.order(x, candidates) == first).all()


def test_hidden_layer_adds_a_nonlinear_score_and_round_trips(tmp_path):
    from knowledge.ranking.reranker import HiddenLayer

    layer = HiddenLayer(("dense_norm", "bm25_norm"), [0.5, 0.0], [0.5, 1.0], [[1.0], [1.0]], [-1.0], [2.0])
    model = LinearReranker({"dense_norm": 1.0}, hidden=layer)
    x = np.zeros((1, 3, len(FEATURES)), dtype=np.float32)
    x[0, :, FEATURES.index("dense_norm")] = [1.0, 0.5, 0.9]
    x[0, :, FEATURES.index("bm25_norm")] = [0.0, 2.0, 0.0]
    # z = ((1 − .5)/.5, 0) → relu(1 + 0 − 1) = 0; z = (0, 2) → relu(1) · 2 = 2
    assert model.scores(x)[0].tolist() == pytest.approx([1.0, 2.5, 0.9])       # z = (0.8, 0): relu(−0.2) = 0
    assert model.uses("bm25_norm") and not model.uses("expansion_norm")
    model.save(tmp_path / "r.json")
    assert LinearReranker.load(tmp_path / "r.json").scores(x)[0].tolist() == pytest.approx(model.scores(x)[0].tolist())
    with pytest.raises(RerankerFileError, match="shapes"):
        HiddenLayer(("dense_norm",), [0.0], [1.0], [[1.0, 2.0]], [0.0], [1.0])
    with pytest.raises(RerankerFileError, match="unknown"):
        HiddenLayer(("no_such_feature",), [0.0], [1.0], [[1.0]], [0.0], [1.0])


def test_reranker_file_with_unknown_features_is_refused(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"weights": {"no_such_feature": 1.0}}', encoding="utf-8")
    with pytest.raises(RerankerFileError, match="no_such_feature"):
        LinearReranker.load(path)
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(RerankerFileError):
        LinearReranker.load(path)


# ---- adapter and known questions -------------------------------------------------------------------
def _unit(rng, n, dim):
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_adapter_round_trips_and_changes_scores(tmp_path):
    rng = np.random.default_rng(1)
    adapter = QueryAdapter(rng.normal(size=(8, 2)) * 0.5, rng.normal(size=(2, 8)) * 0.5, "m")
    q = _unit(rng, 3, 8)
    out = adapter.adapt(q)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(out, q)
    adapter.save(tmp_path / "a.npz")
    loaded = QueryAdapter.load(tmp_path / "a.npz")
    assert loaded.model_id == "m"
    assert np.allclose(loaded.adapt(q), out, atol=1e-2)     # stored as float16
    with pytest.raises(AdapterFileError):
        QueryAdapter(np.zeros((8, 2)), np.zeros((3, 8)), "m")


def test_known_questions_resolve_only_articles_in_the_index(tmp_path):
    rng = np.random.default_rng(2)
    known = KnownQuestions(_unit(rng, 2, 4), [[("民法典", "56")], [("劳动合同法", "38"), ("废止法", "1")]], "m")
    known.save(tmp_path / "k.npz")
    loaded = KnownQuestions.load(tmp_path / "k.npz")
    assert loaded.gold == known.gold
    g = loaded.gold_matrix({("民法典", "56"): 0, ("劳动合同法", "38"): 2}, 3)
    assert g.toarray().tolist() == [[1, 0, 0], [0, 0, 1]]


def test_answer_counts_round_trip_and_bad_keys(tmp_path):
    counts = AnswerCounts({("民法典", "1165"): 4, ("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", "25"): 2})
    counts.save(tmp_path / "c.json")
    assert AnswerCounts.load(tmp_path / "c.json").counts == counts.counts
    (tmp_path / "bad.json").write_text('{"no separator": 1}', encoding="utf-8")
    with pytest.raises(KnownFileError):
        AnswerCounts.load(tmp_path / "bad.json")


def test_ranking_switched_off_or_unreadable_falls_back_to_plain_fusion(tmp_path, settings):
    assert open_bound_ranker(settings.model_copy(update={"lay_ranking": False}), None, None, "m") is None
    (tmp_path / RERANKER_FILE).write_text("{broken", encoding="utf-8")
    broken = settings.model_copy(update={"lay_ranking_dir": tmp_path})
    assert open_bound_ranker(broken, None, None, "m") is None
    assert open_bound_ranker(settings.model_copy(update={"lay_ranking_dir": tmp_path / "missing"}),
                             None, None, "m") is None


# ---- the shipped learned files ----------------------------------------------------------------------
shipped = pytest.mark.skipif(not (LEARNED_DIR / RERANKER_FILE).exists(), reason="learned files not exported yet")


@shipped
def test_shipped_learned_files_are_small_and_load():
    vector_parts = (ADAPTER_FILE, ADAPTER_RERANKER_FILE, TUNED_FILE)
    for name in (RERANKER_FILE, COUNTS_FILE, KNOWN_FILE) + vector_parts:
        path = LEARNED_DIR / name
        assert name in vector_parts or path.exists(), name          # these need article vectors
        assert not path.exists() or path.stat().st_size < 3 * 1024 * 1024, name
    ranker = LayRanker.load()                  # no model folder: the linear adapter's recipe
    assert ranker.counts is not None and ranker.counts.counts[("民法典", "1165")] > 0
    assert ranker.known is not None and ranker.known.vectors.shape == (len(ranker.known.gold), 384)
    if ranker.adapter is not None:
        assert ranker.adapter.dim == 384
    assert any(v != 0 for v in ranker.reranker.weights.values())


@shipped
def test_shipped_parts_for_another_model_are_left_out():
    ranker = LayRanker.load(model_id="some-other-model")
    assert ranker.known is None and ranker.adapter is None
    assert ranker.counts is not None                   # priors are keyed by article, not by model


@shipped
def test_adjacent_positions_follow_ordinals_within_a_version_only():
    # positions 0..4: version 7 stored out of order (ordinals 2, 1, 3), then version 9 (1, 2)
    adjacent = adjacent_positions(np.array([7, 7, 7, 9, 9]), np.array([2, 1, 3, 1, 2]))
    assert adjacent.tolist() == [[1, 2], [-1, 0], [0, -1], [-1, 4], [3, -1]]


def test_adjacent_features_take_the_better_neighbour_in_the_same_law():
    laws = ["劳动合同法"] * 3 + ["民法典"]
    statics = ArticleStatics.build(laws, ["法律"] * 4, sequence=(np.array([1, 1, 1, 2]), np.arange(4)),
                                   lengths=np.array([10, 100, 0, 5]))
    dense = np.array([[0.50, 0.90, 0.40, 0.85]], dtype=np.float32)
    neighbours = np.array([[0.0, 0.0, 0.7, 0.9]], dtype=np.float32)
    scores = ComponentScores(dense=Side.from_rows(dense), neighbours=Side.from_rows(neighbours))
    x = candidate_features(["问题"], scores, statics, np.array([[0, 1, 3]]))
    col = {name: i for i, name in enumerate(FEATURES)}
    norm = scores.dense.top.norm
    assert x[0, 0, col["adjacent_dense"]] == pytest.approx(norm(np.float32(0.90)))   # article 1 next to 0
    assert x[0, 1, col["adjacent_dense"]] == pytest.approx(norm(np.float32(0.50)))   # max(0.50, 0.40)
    assert x[0, 2, col["adjacent_dense"]] == pytest.approx(norm(np.float32(0.40)))   # alone: the row's lowest
    assert x[0, 1, col["adjacent_neighbours"]] == pytest.approx(0.7)
    assert x[0, 2, col["adjacent_neighbours"]] == 0.0                                 # 民法典's vote stays its own
    assert x[0, 1, col["log_length"]] == pytest.approx(np.log1p(100))


def test_bound_ranker_puts_known_answers_at_index_positions():
    ranker = LayRanker.load()
    index = IndexKeys([("民法典", "1165"), ("民法典", "99999"), None], ["民法典", "民法典", "某案"],
                      ["法律", "法律", "案例"])
    bound = ranker.bind(index)
    gold = bound.known_answers.gold
    assert gold.shape == (len(ranker.known.gold), 3)
    assert gold[:, 0].sum() > 0 and gold[:, 2].sum() == 0


def test_priors_are_computed_only_for_a_reranker_that_weighs_them():
    shipped_ranker = LayRanker.load()
    index = IndexKeys([("民法典", "1165"), ("民法典", "99999"), None], ["民法典", "民法典", "某案"],
                      ["法律", "法律", "案例"])
    assert not shipped_ranker.reranker.uses("article_prior")       # the shipped files give it no weight
    assert not shipped_ranker.bind(index).statics.article_prior.any()
    weighing = LayRanker(shipped_ranker.expander, LinearReranker({"article_prior": 1.0}), shipped_ranker.counts)
    statics = weighing.bind(index).statics
    assert statics.article_prior[0] > 0 == statics.article_prior[1]
    assert not statics.law_prior.any()                              # law_prior still has no weight


# ---- against a real knowledge base (small_kb: real catalog, BM25, Chroma, model) ----------------------
@shipped
def test_lay_ranker_searches_a_real_index(small_kb, monkeypatch):
    retriever = small_kb.retriever
    bound = LayRanker.load(model_id=retriever.embedder.model_id).bind(
        IndexKeys.from_catalog(retriever.catalog, retriever.docmeta.doc_ids))
    monkeypatch.setattr(retriever, "ranker", bound)
    from knowledge.docmeta import SearchFilters

    mask = retriever.docmeta.mask(SearchFilters(kind="statute"))
    question = "老板三个月没发工资，我能不能辞职还要经济补偿"
    ranked = retriever.lay_ranked(question, mask, n=20)
    assert ranked and len(ranked) <= 20
    assert all(mask[retriever.docmeta.position[d]] for d, _ in ranked)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    assert retriever.lay_ranked(question, mask, n=20) == ranked          # deterministic
    info = retriever.catalog.docs_for_hits([d for d, _ in ranked[:5]])
    assert ("劳动合同法", "38") in {(info[d]["law"], info[d]["article_id"]) for d, _ in ranked[:5]}
    # each article's neighbours in the index are the articles before and after it in its version
    keys = IndexKeys.from_catalog(retriever.catalog, retriever.docmeta.doc_ids).keys
    at38 = keys.index(("劳动合同法", "38"))
    previous, following = bound.statics.adjacent[at38]
    assert keys[previous] == ("劳动合同法", "37") and keys[following] == ("劳动合同法", "39")


def test_a_mask_keeps_all_of_a_collection_unless_it_drops_one_of_its_documents():
    from knowledge.docmeta import DocMeta

    meta = DocMeta(["a", "b", "c"], ["statute"] * 3, ["法律"] * 3, ["", "", "浙江省"], ["", "", "DLC"],
                   [True, True, False], ["2020-01-01"] * 3, ["9999-12-31"] * 3)
    default = np.array([True, True, False])           # current versions only: history is dropped
    assert meta.keeps_all(default, current=True) and not meta.keeps_all(default, current=False)
    assert not meta.keeps_all(np.array([True, False, True]), current=True)
    assert meta.keeps_all(np.array([True, False, True]), current=False)


@shipped
def test_dense_side_over_fetches_only_when_the_filter_drops_documents_it_searches(small_kb, monkeypatch):
    from knowledge.docmeta import SearchFilters
    from knowledge.vectors import CURRENT

    retriever = small_kb.retriever
    collection = retriever.vectors.collections[CURRENT]
    asked, query = [], type(collection).query

    def counting(self, *args, **kwargs):
        asked.append(kwargs["n_results"])
        return query(self, *args, **kwargs)

    monkeypatch.setattr(type(collection), "query", counting)
    vectors = retriever.embedder.embed_queries(["公司拖欠工资怎么办"])
    default = retriever.docmeta.mask(SearchFilters())
    assert not default.all()                   # the slice holds old versions: the default drops them
    found = retriever.dense.tops(vectors, ("dense",), default, False, 5)
    assert len(found[0].positions) == 5
    retriever.dense.tops(vectors, ("dense",), retriever.docmeta.mask(SearchFilters(kind="statute")), False, 5)
    assert asked == [5, 10]                    # the cases are in the current collection: over-fetch


def test_the_lay_ranker_ranks_from_the_sources_scores_alone():
    """No retriever, index or model: BoundRanker.rank reads only the typed scores it is handed."""
    from knowledge.ranking.pipeline import LayEvidence
    from knowledge.ranking.sources import RowScores, TopScores

    ranker = LayRanker(QueryExpander([]), LinearReranker({"bm25_norm": 1.0, "dense_norm": 2.0}))
    index = IndexKeys([("甲法", "1"), ("甲法", "2"), ("乙法", "1"), ("乙法", "2")], ["甲法", "甲法", "乙法", "乙法"],
                      ["法律"] * 4)
    bound = ranker.bind(index)
    evidence = LayEvidence(bm25=RowScores("bm25", np.array([3.0, 0.0, 1.0, 2.0])),
                           dense=TopScores("dense", np.array([1, 2, 0]), np.array([0.9, 0.8, 0.5])))
    mask = np.ones(4, dtype=bool)
    ranked = bound.rank("问题", evidence, mask, n=4)
    assert [p for p, _ in ranked] == [1, 2, 0, 3] == [p for p, _ in bound.rank("问题", evidence, mask, n=4)]
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_plain_fusion_ranks_from_the_two_sources_scores():
    from knowledge.ranking.fusion import fused_ranking
    from knowledge.ranking.sources import SourceScores

    lexical = SourceScores("lexical", {"a": 9.0, "b": 1.0})
    dense = SourceScores("dense", {"b": 0.9, "c": 0.8, "a": 0.1})
    assert [d for d, _ in fused_ranking(lexical, dense, 0.5)] == ["b", "a", "c"]
    assert [d for d, _ in fused_ranking(lexical, dense, 0.0)] == ["a", "b"]       # lexical only
