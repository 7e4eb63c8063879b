"""Tests for the ingest parsers (ingest/): numerals, LawRefBook markdown, cases,
docx/txt imports, corpus walking.  Fixtures: tests/fixtures/laws (tiny invented
corpus in the LawRefBook layout, including defect cases).  A few tests read the real
corpus at ../shared/laws (or $FAYUAN_LAWS_DIR) and are skipped when it is absent."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ingest.cases import extract_citations, parse_case_file
from ingest.corpus import parse_corpus, scan_corpus
from ingest.lawrefbook import parse_law_file
from knowledge.numerals import (
    article_id,
    article_label,
    cn_to_int,
    int_to_cn,
    parse_article_id,
    parse_article_label,
)
from ingest.plaintext import parse_plain_law
from ingest.errors import ParseError
from knowledge.records import CaseRecord, LawRecord
from ingest.structure import BodyBuilder, normalise_heading, split_run_together

FIX = Path(__file__).resolve().parent / "fixtures" / "laws"
REPO = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("FAYUAN_LAWS_DIR") or (REPO.parent / "shared" / "laws"))


def law(rel: str) -> LawRecord:
    return parse_law_file(FIX / rel, FIX)


# --------------------------------------------------------------------------- numerals
@pytest.mark.parametrize(
    "text,value",
    [
        ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("一百一十", 110), ("一百零一", 101),
        ("一千零七十九", 1079), ("一千二百六十", 1260), ("两百", 200), ("一〇七九", 1079),
        ("二〇二〇", 2020), ("零", 0), ("38", 38), ("３８", 38), ("第38条", 38), ("第五十六条", 56),
        ("一万零一", 10001), ("十二万三千四百五十六", 123456), ("三亿零五百万", 305_000_000), ("百", 100),
    ],
)
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    "value,text",
    [(0, "零"), (10, "十"), (15, "十五"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
     (1079, "一千零七十九"), (1260, "一千二百六十"), (1001, "一千零一"), (1010, "一千零一十"),
     (10001, "一万零一"), (100010, "十万零一十")],
)
def test_int_to_cn(value, text):
    assert int_to_cn(value) == text


def test_numeral_round_trip_and_errors():
    for n in range(0, 20001):
        assert cn_to_int(int_to_cn(n)) == n
    for bad in ("", "第条", "abc", "十a"):
        with pytest.raises(ValueError):
            cn_to_int(bad)


def test_article_labels():
    assert article_id(10, 1) == "10-1"
    assert article_id(56, 0) == "56"
    assert parse_article_label("第十条之一") == (10, 1)
    assert parse_article_label("第一百二十条之二 准备实施…") == (120, 2)
    assert parse_article_label("笫五十四条") == (54, 0)
    assert parse_article_label("第38条") == (38, 0)
    assert article_label(120, 1) == "第一百二十条之一"
    assert parse_article_id("120-1") == (120, 1)
    with pytest.raises(ValueError):
        parse_article_label("第一章 总则")


# --------------------------------------------------------------------------- structure
def test_normalise_heading():
    assert normalise_heading("## 第二节  监  护") == "第二节 监护"
    assert normalise_heading("第一章\u3000总\u3000\u3000则") == "第一章 总则"
    assert normalise_heading("第六章法律责任") == "第六章 法律责任"


def test_run_together_split_uses_expected_number():
    par = "第四十一条 办理犬只登记的具体办法由市人民政府制定。第四十二条本条例自2021年1月1日起施行。"
    assert split_run_together(par, (40, 0)) == [
        "第四十一条 办理犬只登记的具体办法由市人民政府制定。",
        "第四十二条本条例自2021年1月1日起施行。",
    ]
    # in-text references are never split
    for par in (
        "第四十一条 本条例规定的行政处罚，由林业主管部门决定。第三十八条、第四十条规定的行政处罚，可由乡镇人民政府决定。",
        "第四十五条 本法第三十九条规定的处罚由主管部门决定。第四十三条规定的行政处罚，由工商部门决定。",
        "第十条 依照本法第十一条的规定处理。",
        "第十条 违反本法规定的。第十一条规定的情形除外。",
    ):
        assert split_run_together(par, (0, 0)) == [par]


# --------------------------------------------------------------------------- lawrefbook
def test_law_header_and_metadata():
    r = law("社会法/示例劳动保障法(2020-06-30).md")
    assert r.title == "中华人民共和国示例劳动保障法"
    assert r.short_title == "示例劳动保障法"
    assert "示例劳动保障法" in r.aliases
    assert (r.kind, r.level, r.level_name, r.category) == ("law", 2, "法律", "社会法")
    assert r.source_path == "社会法/示例劳动保障法(2020-06-30).md"
    assert len(r.content_hash) == 64
    assert r.events[0] == ("2010-06-29", "第十一届全国人民代表大会常务委员会第十五次会议通过")
    assert r.dates["通过"] == "2010-06-29" and r.dates["修正"] == "2020-06-30"
    assert r.version_date == "2020-06-30"
    assert r.issuing_body == "全国人民代表大会常务委员会"
    assert r.status == "有效"
    assert r.region is None


def test_articles_clauses_items_paths():
    r = law("社会法/示例劳动保障法(2020-06-30).md")
    ids = [a.article_id for a in r.articles]
    assert ids == ["1", "2", "3", "4", "5", "5-1", "6", "7", "8", "9"]
    by = {a.article_id: a for a in r.articles}
    assert by["2"].text == "本法适用于境内的用人单位和劳动者。\n国家机关和与其建立劳动关系的劳动者，依照本法执行。"
    assert len(by["2"].clauses) == 2
    a4 = by["4"]
    assert a4.path == ["第二章 劳动合同", "第一节 订立"]
    assert [i.number for i in a4.clauses[0].items] == [1, 2, 3]
    assert a4.clauses[0].items[0].text == "（一）用人单位的名称；"
    assert a4.clauses[0].items[2].text == "(三)劳动报酬。"  # half-width brackets kept as written
    assert a4.clauses[1].text.startswith("劳动合同除前款")
    assert [i.number for i in by["5"].clauses[0].items] == [1, 2]
    assert by["5-1"].label == "第五条之一" and by["5-1"].suffix == 1
    assert by["9"].path == ["第三章 附则"]


def test_typo_and_run_together_repaired_but_references_kept():
    r = law("社会法/示例劳动保障法(2020-06-30).md")
    by = {a.article_id: a for a in r.articles}
    assert by["6"].label == "第六条"  # 笫 fixed
    assert by["6"].text == "依照本法第三条、第四条的规定订立的合同有效。第四条规定的条款缺一的，由劳动行政部门责令改正。"
    assert by["7"].text == "劳动者解除合同的，应当提前三十日通知。"
    assert by["8"].text == "本章规定的期限自通知之日起计算。"
    assert any("笫" in w for w in r.warnings)
    assert any("run-together" in w for w in r.warnings)


def test_annex_separated():
    r = law("社会法/示例劳动保障法(2020-06-30).md")
    assert r.annex.startswith("附件：示例劳动合同文本")
    assert "甲方" in r.annex and "甲方" not in r.articles[-1].text
    r = law("刑法/示例刑法.md")
    assert r.annex.startswith("附件一")
    assert r.articles[-1].article_id == "121"


def test_bian_zhang_jie_paths_and_suffix_ids():
    r = law("刑法/示例刑法.md")
    by = {a.article_id: a for a in r.articles}
    assert by["1"].path == ["第一编 总则", "第一章 任务"]
    assert by["120-1"].path == ["第二编 分则", "第二章 危害公共安全罪"]
    assert by["120-2"].text.endswith("依照第一百二十条之一的规定处罚。")
    assert by["121"].path == ["第二编 分则", "附则"]
    # events "…通过的《…修正案（二）》" count as 修正
    assert r.dates["修正"] == "2001-08-31"


def test_preamble_kept():
    r = law("宪法/示例宪法.md")
    assert r.kind == "constitution" and r.level == 1
    assert r.preamble == "中国是世界上历史最悠久的国家之一。"
    assert r.articles[0].path == ["第一章 总纲"]


def test_no_article_file_kept_with_warning():
    r = law("刑法/示例刑法修正案（二）.md")
    assert r.articles == []
    assert r.preamble.startswith("为了惩治示例犯罪")
    assert "一、在刑法第一百二十条后增加一条" in r.preamble
    assert any("no articles" in w for w in r.warnings)


def test_judicial_interpretation_aliases_and_generic_headings():
    r = law("司法解释/最高人民法院关于适用《中华人民共和国示例法典》婚姻家庭编的解释（一）(2020-12-29).md")
    assert r.kind == "judicial_interpretation" and r.level == 4 and r.level_name == "司法解释"
    assert r.issuing_body == "最高人民法院"
    assert "示例法典婚姻家庭编解释一" in r.aliases
    assert "婚姻家庭编解释（一）" in r.aliases
    assert "最高人民法院关于适用示例法典婚姻家庭编的解释（一）" in r.aliases
    assert [a.article_id for a in r.articles] == ["1", "1-1", "2"]
    assert r.articles[1].path == ["一、一般规定"]
    assert r.dates == {"通过": "2020-12-25", "公布": "2020-12-29", "施行": "2021-01-01"}
    assert r.effective_date == "2021-01-01"


def test_local_regulation_region_and_future_status():
    r = law("DLC/浙江地方法规/地方性法规/浙江/杭州市示例养犬管理条例(2021-05-01).md")
    assert (r.kind, r.level, r.category) == ("local_regulation", 5, "DLC")
    assert r.region == "浙江省杭州市" and r.province == "浙江省" and r.city == "杭州市"
    assert r.issuing_body == "杭州市人民代表大会常务委员会"
    assert r.dates["批准"] == "2021-04-01"
    assert r.effective_date == "2030-01-01"  # from "本条例自2030年1月1日起施行"
    assert r.status == "尚未生效"


def test_broken_lines_lost_heading_labels_and_tables():
    r = law("行政法规/示例设施管理条例(2019-03-02).md")
    assert (r.kind, r.level, r.issuing_body) == ("administrative_regulation", 3, "国务院")
    by = {a.article_id: a for a in r.articles}
    # a sentence broken over two paragraphs is joined back into one 款
    assert by["1"].text == "为了加强示例设施的管理，保障设施安全运行，根据有关法律的规定，制定本条例。"
    assert len(by["1"].clauses) == 1
    # short list lines of the official layout are kept as written
    assert by["2"].text == "设施管理委员会由下列人员组成：\n主任，\n副主任若干人，\n委员若干人。"
    # a short unpunctuated line right before an article is a heading whose 第X章 label was lost
    assert by["3"].path == ["设施保护"]
    assert by["4"].text == "本条例自2019年5月1日起施行。"
    assert r.annex.startswith("附表一\n示例设施收费标准表\n| 项目 | 标准 |")
    assert r.preamble is None  # zero-width-space line ignored
    assert r.effective_date == "2019-05-01"


@pytest.mark.parametrize(
    "rel,reason",
    [("其他/无标题文件.md", "title"), ("其他/空文件.md", "empty"), ("其他/编码错误.md", "UTF-8")],
)
def test_malformed_files_raise_parse_error(rel, reason):
    with pytest.raises(ParseError, match=reason):
        parse_law_file(FIX / rel, FIX)


def test_body_builder_directly():
    bb = BodyBuilder()
    bb.paragraph("为了测试，制定本规定。")
    bb.heading("## 第一章  总  则")
    bb.paragraph("第一条\u3000甲。")
    bb.paragraph("（一）乙；")
    bb.paragraph("第一条之一 丙。")
    res = bb.finish()
    assert res.preamble == "为了测试，制定本规定。"
    assert [a.article_id for a in res.articles] == ["1", "1-1"]
    assert res.articles[0].path == ["第一章 总则"]
    assert res.articles[0].clauses[0].items[0].number == 1


# --------------------------------------------------------------------------- split code
def test_split_code_merged_in_article_order():
    errors = []
    recs = list(parse_corpus(FIX, on_error=lambda p, r: errors.append((p, r))))
    codes = [r for r in recs if isinstance(r, LawRecord) and r.title == "中华人民共和国示例法典"]
    assert len(codes) == 1
    code = codes[0]
    assert code.source_path == "民法典"
    assert code.book_titles == ["总则", "婚姻家庭编", "附则"]
    assert code.source_paths == ["民法典/婚姻家庭编.md", "民法典/总则.md", "民法典/附则.md"]
    assert [a.article_id for a in code.articles] == ["1", "2", "3", "4", "5", "6", "7"]
    by = {a.article_id: a for a in code.articles}
    assert by["3"].path == ["总则", "第二章 自然人", "第一节 民事权利能力"]
    # 分编 > 章 > 节 decided by the heading words, not by the number of '#'
    assert by["6"].path == ["婚姻家庭编", "第二分编 离婚", "第一章 登记离婚", "第一节 冷静期"]
    assert by["7"].path == ["附则"]
    assert code.dates["施行"] == "2021-01-01"


def test_corpus_scan_and_errors_reported_not_raised():
    rels = [sf.rel for sf in scan_corpus(FIX)]
    assert "SOURCE.md" not in rels and "法律法规模版.md" not in rels
    assert not any(r.endswith("_index.md") for r in rels)
    kinds = {sf.rel: sf.kind for sf in scan_corpus(FIX)}
    assert kinds["案例/劳动人事/示例案例.md"] == "case"
    errors = []
    recs = list(parse_corpus(FIX, on_error=lambda p, r: errors.append((p, r))))
    assert sorted(p for p, _ in errors) == ["其他/无标题文件.md", "其他/空文件.md", "其他/编码错误.md"]
    assert all(reason for _, reason in errors)
    assert sum(isinstance(r, CaseRecord) for r in recs) == 1
    assert sum(isinstance(r, LawRecord) for r in recs) == 9  # incl. the two DLC local regulations


# --------------------------------------------------------------------------- cases
def test_case_sections_and_citations():
    c = parse_case_file(FIX / "案例/劳动人事/示例案例.md", FIX)
    assert c.title == "王某诉某科技公司劳动争议案"
    assert c.holding.startswith("用人单位未足额支付劳动报酬的")
    assert c.category == "劳动人事"
    assert [s.name for s in c.sections] == ["关键词", "裁判要点", "基本案情", "裁判理由", "典型意义"]
    assert c.keywords == ["民事", "劳动合同", "经济补偿"]
    assert c.header == "示例劳动人事争议典型案例\n2023-01-05" and c.published_date == "2023-01-05"
    basic = next(s for s in c.sections if s.name == "基本案情")
    assert "FORCE BREAK" not in basic.text and "拖欠工资" in basic.text
    got = [(x.law_title, x.article_id) for x in c.cited]
    assert got == [
        ("中华人民共和国劳动合同法", "38"),
        ("中华人民共和国劳动合同法", "46"),
        ("中华人民共和国劳动合同法", "47"),  # 该法 continuation
        ("劳动争议调解仲裁法", "27"),
        ("民法典", "577"),  # unbracketed
    ]  # 《劳动合同书》第七条 (a contract) is not a citation
    assert c.cited[0].raw.startswith("《中华人民共和国劳动合同法》第三十八条第一款第二项")


def test_extract_citations_variants():
    def ids(t):
        return [(c.law_title, c.article_id) for c in extract_citations(t)]

    assert ids("依照《劳动合同法》第三十八条、第四十六条和第四十七条第一款的规定") == [
        ("劳动合同法", "38"), ("劳动合同法", "46"), ("劳动合同法", "47")]
    assert ids("《刑法》第一百二十条之一") == [("刑法", "120-1")]
    assert ids("《中华人民共和国食品安全法》（以下简称《食品安全法》）第三条。《食品安全法》第九十六条") == [
        ("中华人民共和国食品安全法", "3"), ("中华人民共和国食品安全法", "96")]
    assert ids("《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第二百二十六条及第二百二十八条") == [
        ("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "226"),
        ("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "228")]
    assert ids("《中华人民共和国劳动法》第四十一条规定：“……。”第四十三条规定") == [
        ("中华人民共和国劳动法", "41"), ("中华人民共和国劳动法", "43")]
    assert ids("依法第三条；本法第五条；《安置协议》第六条") == []


# --------------------------------------------------------------------------- docx / txt
PLAIN_LINES = [
    "中华人民共和国示例",
    "劳动保障法",
    "（2010年6月29日第十一届全国人民代表大会常务委员会第十五次会议通过　根据2020年6月30日第十三届全国人民代表大会"
    "常务委员会第二十次会议《关于修改〈中华人民共和国示例劳动保障法〉的决定》修正）",
    "目　　录",
    "第一章　总　　则",
    "第二章　劳动合同",
    "　　第一节　订　　立",
    "第三章　附　　则",
    "第一章　总　　则",
    "第一条　为了保护劳动者的合法权益，制定本法。",
    "第二条　本法适用于境内的用人单位。",
    "第二章　劳动合同",
    "第一节　订　　立",
    "第三条　劳动合同应当具备以下条款：",
    "（一）用人单位的名称；",
    "（二）劳动者的姓名。",
    "劳动合同可以约定试用期。",
    "第三章　附　　则",
    "第四条　本法自2011年1月1日起施行。",
]


def _check_plain(r: LawRecord):
    assert r.title == "中华人民共和国示例劳动保障法"
    assert r.events == [
        ("2010-06-29", "第十一届全国人民代表大会常务委员会第十五次会议通过"),
        ("2020-06-30", "第十三届全国人民代表大会常务委员会第二十次会议《关于修改〈中华人民共和国示例劳动保障法〉的决定》修正"),
    ]
    assert [a.article_id for a in r.articles] == ["1", "2", "3", "4"]
    assert r.articles[0].path == ["第一章 总则"]  # TOC skipped: no duplicate chapters
    assert r.articles[2].path == ["第二章 劳动合同", "第一节 订立"]
    assert [len(c.items) for c in r.articles[2].clauses] == [2, 0]
    assert r.articles[3].path == ["第三章 附则"]
    assert r.kind == "law" and r.issuing_body == "全国人民代表大会常务委员会"
    assert any("table of contents" in w for w in r.warnings)


def test_docx_import(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in PLAIN_LINES:
        d.add_paragraph(line)
    p = tmp_path / "示例劳动保障法.docx"
    d.save(str(p))
    r = parse_plain_law(p)
    _check_plain(r)
    assert r.source_path == "示例劳动保障法.docx"


def test_txt_import_utf8_and_gb18030(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("\n".join(PLAIN_LINES), encoding="utf-8")
    _check_plain(parse_plain_law(p))
    q = tmp_path / "b.txt"
    q.write_bytes("\n".join(PLAIN_LINES).encode("gb18030"))
    r = parse_plain_law(q, kind="local_regulation", region="浙江省杭州市")
    assert r.kind == "local_regulation" and r.level == 5
    assert (r.region, r.province, r.city) == ("浙江省杭州市", "浙江省", "杭州市")
    assert any("GB18030" in w for w in r.warnings)


def test_plain_judicial_interpretation_header(tmp_path):
    p = tmp_path / "解释.txt"
    p.write_text(
        "最高人民法院关于审理示例纠纷案件\n适用法律问题的解释（一）\n"
        "（2020年12月25日最高人民法院审判委员会第1825次会议通过，\n自2021年1月1日起施行）\n"
        "法释〔2020〕26号\n为正确审理示例纠纷案件，制定本解释。\n"
        "第一条　示例内容。\n第二条　本解释自2021年1月1日起施行。\n",
        encoding="utf-8",
    )
    r = parse_plain_law(p)
    assert r.title == "最高人民法院关于审理示例纠纷案件适用法律问题的解释（一）"
    assert r.kind == "judicial_interpretation" and r.issuing_body == "最高人民法院"
    assert r.dates == {"通过": "2020-12-25", "施行": "2021-01-01"}
    assert r.effective_date == "2021-01-01"
    assert r.preamble == "法释〔2020〕26号\n为正确审理示例纠纷案件，制定本解释。"
    assert "示例纠纷解释一" in r.aliases and "示例纠纷解释（一）" in r.aliases
    assert [a.article_id for a in r.articles] == ["1", "2"]


def test_plain_malformed(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("", encoding="utf-8")
    with pytest.raises(ParseError, match="empty"):
        parse_plain_law(p)
    q = tmp_path / "broken.docx"
    q.write_bytes(b"not a zip file")
    with pytest.raises(ParseError, match="docx"):
        parse_plain_law(q)
    x = tmp_path / "a.pdf"
    x.write_bytes(b"%PDF")
    with pytest.raises(ParseError, match="unsupported"):
        parse_plain_law(x)


# --------------------------------------------------------------------------- real corpus
real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real corpus not found at {REAL} (set FAYUAN_LAWS_DIR)")


@pytest.fixture(scope="module")
def corpus():
    errors: list[tuple[str, str]] = []
    t = time.process_time()  # CPU time: wall time depends on machine load
    recs = list(parse_corpus(REAL, on_error=lambda p, r: errors.append((p, r))))
    return recs, errors, time.process_time() - t


@real
def test_real_labour_contract_law_article_38():
    r = parse_law_file(REAL / "社会法" / "劳动合同法(2012-12-28).md", REAL)
    assert r.title == "中华人民共和国劳动合同法" and "劳动合同法" in r.aliases
    a = next(a for a in r.articles if a.article_id == "38")
    assert a.label == "第三十八条"
    assert [i.number for i in a.clauses[0].items] == [1, 2, 3, 4, 5, 6]
    assert len(a.clauses) == 2
    assert len(r.articles) == 98


@real
def test_real_criminal_law_suffix_article():
    r = parse_law_file(REAL / "刑法" / "刑法.md", REAL)
    a = next(a for a in r.articles if a.article_id == "120-1")
    assert a.label == "第一百二十条之一" and a.path[0] == "第二编 分则"
    assert r.annex and r.annex.startswith("附件一")


@real
def test_real_corpus_parses_without_crashes(corpus):
    recs, errors, seconds = corpus
    internal = [e for e in errors if e[1].startswith("internal error")]
    assert internal == [], internal
    laws = [r for r in recs if isinstance(r, LawRecord)]
    cases = [r for r in recs if isinstance(r, CaseRecord)]
    assert len(laws) > 3000 and len(cases) > 40
    national = [r for r in laws if r.category != "DLC"]
    assert sum(len(r.articles) for r in national) > 58_000
    assert seconds < 30, f"corpus parse took {seconds:.1f}s CPU"
    print(f"\ncorpus: {len(laws)} laws, {len(cases)} cases, {len(errors)} skipped {errors}, {seconds:.1f}s CPU")


@real
def test_real_civil_code_merged(corpus):
    recs, _, _ = corpus
    code = next(r for r in recs if isinstance(r, LawRecord) and r.source_path == "民法典")
    assert code.title == "中华人民共和国民法典" and code.short_title == "民法典"
    assert len(code.articles) == 1260
    assert [a.number for a in code.articles] == list(range(1, 1261))
    a = next(a for a in code.articles if a.article_id == "1079")
    assert a.path[0] == "婚姻家庭编" and a.path[1] == "第四章 离婚"
    assert code.articles[0].path[0] == "总则" and code.articles[-1].path[0] == "附则"


def test_revised_version_without_revision_in_header_takes_the_file_date(tmp_path):
    # Like 工伤保险条例(2010-12-20).md: header and 施行 article still say 2003/2004.
    folder = tmp_path / "行政法规"
    folder.mkdir()
    (folder / "示例保险条例(2010-12-20).md").write_text(
        "# 示例保险条例\n\n2003年4月27日 中华人民共和国国务院令第375号公布\n\n<!-- INFO END -->\n\n"
        "第一条 为了保障示例保险，制定本条例。\n\n第二条 本条例自2004年1月1日起施行。\n",
        encoding="utf-8")
    r = parse_law_file(folder / "示例保险条例(2010-12-20).md", tmp_path)
    assert r.effective_date == "2010-12-20"
    assert any("2010-12-20" in w and "2004-01-01" in w for w in r.warnings)
    assert r.status == "有效"


def test_the_repeals_list_parses_and_names_real_instruments(laws_dir):
    """Every row of ingest/repeals.tsv names an instrument whose file is in ../shared/laws (a typo
    would silently repeal nothing) and reads as 已废止 there."""
    from ingest.corpus import parse_source, scan_corpus
    from ingest.repeals import known_repeals

    listed = known_repeals()
    assert listed
    found = {}
    for sf in scan_corpus(laws_dir):
        if sf.category == "司法解释":
            with open(sf.path, encoding="utf-8") as fh:
                title = fh.readline().lstrip("#").strip()
            if title in listed:
                found[title] = parse_source(sf, laws_dir)
    assert set(found) == set(listed)
    assert all(rec.status == "已废止" and rec.dates["废止"] == listed[t].date for t, rec in found.items())


@pytest.mark.parametrize("line, reason", [
    ("只有标题", "expected"),
    ("某解释\t2021年1月1日\t某决定", "not a YYYY-MM-DD date"),
    ("某解释\t2021-01-01\t某决定\n某解释\t2022-01-01\t另一决定", r"already listed \(repeals line 2\)"),
])
def test_a_malformed_repeals_row_is_reported_with_its_line(line, reason):
    from ingest.repeals import parse_repeals

    with pytest.raises(ValueError, match=reason) as err:
        parse_repeals(f"# comment\n{line}\n")
    assert f"line {line.count(chr(10)) + 2}:" in str(err.value)


def test_a_repeal_dated_ahead_changes_the_fingerprint_and_digest_on_its_day(tmp_path, monkeypatch):
    """A row for a repeal that has not taken effect leaves the law 有效, and the day it takes
    effect the file's fingerprint and the list's digest change, so that day's ingest re-reads it."""
    import ingest.repeals as repeals

    listing = tmp_path / "repeals.tsv"
    listing.write_text("某示例解释\t2030-01-01\t某示例决定\n", encoding="utf-8")
    monkeypatch.setattr(repeals, "REPEALS_FILE", listing)
    row = repeals.known_repeals()["某示例解释"]
    assert not row.in_force("2029-12-31") and row.in_force("2030-01-01")
    assert row.fingerprint("abc", "2029-12-31") != row.fingerprint("abc", "2030-01-01")
    assert repeals.repeals_digest("2029-12-31") != repeals.repeals_digest("2030-01-01")
    assert repeals.repeals_digest("2030-01-01") == repeals.repeals_digest("2031-06-01")


def test_a_deployments_own_repeals_list_adds_rows_and_may_not_repeat_the_packaged_ones(tmp_path, monkeypatch):
    """FAYUAN_REPEALS_FILE adds a deployment's rows to the packaged list (and to the digest); a
    title both lists name is an error that says where each row is; a missing file is an error."""
    import ingest.repeals as repeals

    packaged = repeals.known_repeals()
    before = repeals.repeals_digest()
    own = tmp_path / "own-repeals.tsv"
    own.write_text("某示例解释\t2020-01-01\t某示例决定\n", encoding="utf-8")
    monkeypatch.setenv(repeals.EXTRA_ENV, str(own))
    combined = repeals.known_repeals()
    assert set(combined) == set(packaged) | {"某示例解释"}
    assert repeals.repeals_digest() != before
    # an edit is read on the next call (no stale parse in a long-running process)
    own.write_text("某示例解释\t2020-02-01\t某示例决定\n", encoding="utf-8")
    assert repeals.known_repeals()["某示例解释"].date == "2020-02-01"

    title = next(iter(packaged))
    own.write_text(f"# ours\n{title}\t2021-01-01\t某示例决定\n", encoding="utf-8")
    with pytest.raises(ValueError, match="already listed") as err:
        repeals.known_repeals()
    assert f"{own} line 2" in str(err.value) and "(repeals line " in str(err.value)

    monkeypatch.setenv(repeals.EXTRA_ENV, str(tmp_path / "missing.tsv"))
    with pytest.raises(ValueError, match="no such file"):
        repeals.known_repeals()


def test_a_repeal_date_ahead_leaves_the_law_in_force_until_that_day():
    from ingest.metadata import effective_and_status

    dates = {"施行": "2020-01-01", "废止": "2030-01-01"}
    assert effective_and_status([], dates, "某示例条例", today="2029-12-31")[1] == "有效"
    assert effective_and_status([], dates, "某示例条例", today="2030-01-01")[1] == "已废止"
