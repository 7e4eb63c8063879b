"""Where each instrument the pre-screen cites lives in the statute mirror (../shared/laws), so
tests can check that every cited article exists and the evaluation can build a small knowledge
base of exactly these texts. Web-published notices (not in the mirror) are listed with the
region table entry that carries their source and date."""
from __future__ import annotations

import re

MIRROR_PATHS: dict[str, str] = {
    "法律援助法": "行政法/法律援助法(2021-08-20).md",
    "刑事诉讼法": "诉讼与非诉讼程序法/刑事诉讼法(2018-10-26).md",
    "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释": "司法解释/最高人民法院关于适用《刑事诉讼法》的解释(2021-01-26).md",
    "行政复议法": "诉讼与非诉讼程序法/行政复议法(2023-09-01).md",
    "反家庭暴力法": "社会法/反家庭暴力法(2015-12-27).md",
    "英雄烈士保护法": "宪法相关法/英雄烈士保护法(2018-04-27).md",
    "军人地位和权益保障法": "宪法相关法/军人地位和权益保障法(2021-06-10).md",
    "保障农民工工资支付条例": "行政法规/保障农民工工资支付条例(2019-12-30).md",
    "诉讼费用交纳办法": "行政法规/诉讼费用交纳办法(2006-12-19).md",
    "劳动争议调解仲裁法": "诉讼与非诉讼程序法/劳动争议调解仲裁法(2007-12-29).md",
    "北京市法律援助条例": "DLC/北京地方法规/地方性法规/北京/北京市法律援助条例.md",
    "北京市未成年人保护条例": "DLC/北京地方法规/地方性法规/北京/北京市未成年人保护条例(2023-05-26).md",
    "上海市公共卫生应急管理条例": "DLC/上海地方法规/地方性法规/上海/上海市公共卫生应急管理条例(2020-10-27).md",
    "上海市法律援助若干规定": "DLC/上海地方法规/地方性法规/上海/上海市法律援助若干规定(2020-05-14).md",
    "浙江省法律援助条例": "DLC/浙江地方法规/地方性法规/浙江/浙江省法律援助条例(2016-09-29).md",
    "杭州市法律援助条例": "DLC/浙江地方法规/地方性法规/浙江/杭州市法律援助条例(2017-01-13).md",
    "山东省法律援助条例": "DLC/山东地方法规/地方性法规/山东/山东省法律援助条例(2015-04-01).md",
    "河南省法律援助条例": "DLC/河南地方法规/地方性法规/河南/河南省法律援助条例(2010-07-30).md",
    "河南省进城务工人员权益保护条例": "DLC/河南地方法规/地方性法规/河南/河南省进城务工人员权益保护条例(2007-12-03).md",
}
# cited by full name, sourced on the web (see data/regions.json `sources`)
WEB_SOURCED = {
    "上海市司法局公告〔2024〕4号": "上海市",
    "广东省申请法律援助经济困难公民认定办法": "广东省",
}

_CITATION = re.compile(r"^(?P<law>.+?)(?P<article>第[零一二三四五六七八九十百千]+条)$")


def split_citation(citation: str) -> tuple[str, str | None]:
    """'法律援助法第三十一条' → ('法律援助法', '第三十一条'); a notice without article → (name, None)."""
    m = _CITATION.match(citation)
    return (m.group("law"), m.group("article")) if m else (citation, None)
