"""Shared metadata logic for statute parsers: header events and dates, titles and
aliases, kind/level from the corpus folder, region of local rules, issuing body,
status.  Pure functions over strings; no I/O.
"""
from __future__ import annotations

import datetime as _dt
import re

from knowledge.records import KIND_LEVELS

__all__ = [
    "ABBREVIATIONS",
    "FOLDER_KINDS",
    "parse_event_line",
    "parse_header_events",
    "event_dates",
    "file_name_date",
    "short_title",
    "make_aliases",
    "kind_for",
    "region_for",
    "issuing_body_for",
    "effective_and_status",
]

CN_PREFIX = "中华人民共和国"

# well-known abbreviations, keyed by short title (without 中华人民共和国)
ABBREVIATIONS: dict[str, list[str]] = {
    "刑事诉讼法": ["刑诉法"],
    "民事诉讼法": ["民诉法"],
    "行政诉讼法": ["行诉法"],
    "劳动合同法": ["劳合法"],
    "劳动争议调解仲裁法": ["劳动仲裁法", "调解仲裁法"],
    "消费者权益保护法": ["消法", "消保法"],
    "道路交通安全法": ["道交法"],
    "治安管理处罚法": ["治安法"],
    "个人信息保护法": ["个保法"],
    "社会保险法": ["社保法"],
    "未成年人保护法": ["未保法"],
    "反不正当竞争法": ["反不正当竞争法"],
    "行政处罚法": ["行罚法"],
    "行政复议法": ["复议法"],
    "国家赔偿法": ["国赔法"],
    "民法典": ["民法典"],
    "刑法": ["刑法"],
    "劳动法": ["劳动法"],
    "著作权法": ["版权法"],
    "妇女权益保障法": ["妇女法"],
    "老年人权益保障法": ["老年法"],
    "安全生产法": ["安全法"],
}

FOLDER_KINDS: dict[str, str] = {
    "宪法": "constitution",
    "宪法相关法": "law",
    "民法典": "law",
    "民法商法": "law",
    "行政法": "law",
    "经济法": "law",
    "社会法": "law",
    "刑法": "law",
    "诉讼与非诉讼程序法": "law",
    "行政法规": "administrative_regulation",
    "司法解释": "judicial_interpretation",
    "部门规章": "departmental_rule",
    "DLC": "local_regulation",
    "其他": "other",
}

PROVINCES = {
    "上海": "上海市", "北京": "北京市", "重庆": "重庆市", "天津": "天津市",
    "山东": "山东省", "广东": "广东省", "河南": "河南省", "浙江": "浙江省",
}
# prefecture-level cities of the provinces in the corpus (small data table)
CITIES: dict[str, tuple[str, ...]] = {
    "浙江省": ("杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水", "义乌"),
    "山东省": ("济南", "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安", "威海", "日照",
             "临沂", "德州", "聊城", "滨州", "菏泽", "莱芜"),
    "广东省": ("广州", "韶关", "深圳", "珠海", "汕头", "佛山", "江门", "湛江", "茂名", "肇庆", "惠州",
             "梅州", "汕尾", "河源", "阳江", "清远", "东莞", "中山", "潮州", "揭阳", "云浮"),
    "河南省": ("郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳", "许昌", "漯河",
             "三门峡", "南阳", "商丘", "信阳", "周口", "驻马店", "济源"),
}
_AUTONOMOUS_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}[省市])?([\u4e00-\u9fff]{2,10}?自治(?:县|州))")

_DATE_RE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[\s\u3000]*(.*)$")
_ANY_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FILE_DATE_RE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)")
_BOOK_RE = re.compile(r"《[^《》]*》")
_PAREN_TAIL_RE = re.compile(r"[（(]([^（）()]*)[）)]$")
_NON_ORDINAL_PARENS = ("试行", "暂行", "草案", "修正", "修订", "修正草案", "征求意见稿")
_ORDINAL_PAREN_RE = re.compile(r"^[一二三四五六七八九十]+$")


def iso(y: str | int, m: str | int, d: str | int) -> str | None:
    try:
        return _dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_event_line(line: str) -> tuple[str, str] | None:
    m = _DATE_RE.match(line)
    if not m:
        return None
    d = iso(m.group(1), m.group(2), m.group(3))
    if d is None:
        return None
    return d, m.group(4).strip()


def parse_header_events(lines: list[str]) -> list[tuple[str, str]]:
    """Header lines -> [(iso date, event text)].  Lines without a leading date continue
    the previous event (broken long lines); before the first event they are ignored
    (they repeat the title)."""
    events: list[list[str]] = []
    for raw in lines:
        line = raw.strip().strip("（）()").strip()
        if not line:
            continue
        ev = parse_event_line(line)
        if ev:
            for d, t in split_event_text(line):
                events.append([d, t])
        elif events:
            events[-1][1] = (events[-1][1] + line).strip()
    return [(d, _clean_event(t)) for d, t in events]


def split_event_text(header: str) -> list[tuple[str, str]]:
    """"2007年6月29日第十届…通过　根据2012年12月28日…修正" -> [(date, event), …].
    A date starts a new event at the start, after whitespace or after 根据/，/；;
    dates after 自/于/至 (e.g. "自2008年1月1日起施行") stay inside the event text."""
    h = header.strip().strip("（）()").strip()
    starts = []
    for m in _ANY_DATE_RE.finditer(h):
        i = m.start()
        before = h[max(0, i - 2): i]
        if i == 0 or before[-1:] in (" ", "\u3000", "\t", "，", "；", ";", ",", "）") or before == "根据":
            starts.append(m)
    events = []
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(h)
        text = h[m.end(): end]
        text = re.sub(r"[\s\u3000]+", " ", text).strip(" ，,；;　")
        if text.endswith("根据"):
            text = text[:-2].strip()
        d = iso(*m.groups())
        if d:
            events.append((d, text))
    return events


def _clean_event(t: str) -> str:
    t = t.replace("\u3000", " ").strip()
    return re.sub(r"\s+", " ", t).strip("　 ）)")


_KINDS_ORDER = (
    ("施行", ("施行", "实施")),
    ("公布", ("公布", "发布", "公告", "印发")),
    ("修订", ("修订",)),
    ("修正", ("修正", "修改")),
    ("通过", ("通过", "审议")),
    ("批准", ("批准",)),
    ("废止", ("废止", "失效")),
)


def event_kinds(text: str) -> list[str]:
    """Which of 通过/修正/修订/公布/施行/废止 an event text describes."""
    bare = _BOOK_RE.sub("", text)
    kinds = [k for k, words in _KINDS_ORDER if any(w in bare for w in words)]
    if "通过的《" in text and ("修正案" in text or "修改" in text or "决定》" in text):
        # "…会议通过的《…修正案（二）》" / "…通过的《…关于修改…的决定》": an amendment
        kinds = [k for k in kinds if k != "通过"]
        if "修正" not in kinds and "修订" not in kinds:
            kinds.append("修正")
    if "废止" in kinds and ("同时废止" in bare or "予以废止" not in bare and "废止" not in bare.rstrip("。")[-4:]):
        kinds.remove("废止")
    return kinds


def event_dates(events: list[tuple[str, str]]) -> dict[str, str]:
    """通过/修正/修订/公布/施行/批准/废止 -> latest ISO date of that kind.  A date written inside
    the event text ("自2008年1月1日起施行") is used for 施行 when present."""
    out: dict[str, str] = {}
    for d, t in events:
        for k in event_kinds(t):
            dd = d
            if k == "施行":
                m = re.search(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起", t)
                if m:
                    dd = iso(*m.groups()) or d
            if k not in out or dd > out[k]:
                out[k] = dd
    return out


def file_name_date(name: str) -> str | None:
    m = _FILE_DATE_RE.search(name)
    return iso(*m.groups()) if m else None


def short_title(title: str) -> str:
    return title[len(CN_PREFIX):] if title.startswith(CN_PREFIX) and len(title) > len(CN_PREFIX) else title


def _strip_non_ordinal_paren(t: str) -> str:
    m = _PAREN_TAIL_RE.search(t)
    if m and not _ORDINAL_PAREN_RE.match(m.group(1)):
        inner = m.group(1)
        if inner in _NON_ORDINAL_PARENS or re.fullmatch(r"\d{4}年?(修正|修订)?", inner):
            return t[: m.start()]
    return t


_JI_APPLY_RE = re.compile(
    r"^最高人民法院关于适用《(?:中华人民共和国)?([^《》]+)》(.*?)的(?:若干问题的)?解释(（[一二三四五六七八九十]+）)?$"
)
_JI_TRIAL_RE = re.compile(
    r"^(?:最高人民法院(?:、|\s*)?(?:最高人民检察院)?)?关于(?:审理|办理)(.+?)(?:刑事|民事|行政)?案件(?:具体)?(?:应用|适用)法律(?:若干)?问题的(解释|规定)(（[一二三四五六七八九十]+）)?$"
)


def _ordinal_forms(par: str | None) -> list[str]:
    if not par:
        return [""]
    inner = par.strip("（）")
    return [par, inner]


def make_aliases(title: str, short: str | None = None) -> list[str]:
    """Aliases: short title, title without (试行)-like parenthetical, forms with 《》
    stripped, abbreviations from ABBREVIATIONS, short names of judicial
    interpretations (民法典婚姻家庭编解释一, 婚姻家庭编解释（一）…)."""
    short = short or short_title(title)
    out: list[str] = []

    def add(s: str) -> None:
        s = s.strip()
        if s and s != title and s not in out:
            out.append(s)

    add(short)
    for t in (title, short):
        add(_strip_non_ordinal_paren(t))
    for t in list(out) + [title]:
        if "《" in t:
            add(t.replace("《", "").replace("》", ""))
            add(t.replace("《" + CN_PREFIX, "《"))
            add(t.replace("《" + CN_PREFIX, "").replace("《", "").replace("》", ""))
    base = _strip_non_ordinal_paren(short)
    for ab in ABBREVIATIONS.get(base, ()):  # 刑诉法 …
        add(ab)
    m = _JI_APPLY_RE.match(title)
    if m:
        law, part, ordn = m.group(1), m.group(2).strip(), m.group(3)
        law_names = [law] + ABBREVIATIONS.get(law, [])
        for ln in law_names:
            for o in _ordinal_forms(ordn):
                add(f"{ln}{part}解释{o}")
        if part:
            for o in _ordinal_forms(ordn):
                add(f"{part}解释{o}")
        if ordn:
            add(f"{law}{part}司法解释{ordn}")
    m = _JI_TRIAL_RE.match(title)
    if m:
        subj, kind, ordn = m.group(1), m.group(2), m.group(3)
        if len(subj) <= 14:
            for o in _ordinal_forms(ordn):
                add(f"{subj}{kind}{o}")
                if kind == "解释":
                    add(f"{subj}司法解释{o}")
    return out


def kind_for(category: str, title: str) -> str:
    kind = FOLDER_KINDS.get(category, "other")
    if category == "其他":
        if re.search(r"^全国人民代表大会(常务委员会)?关于.*的(决定|决议)$", title):
            kind = "law"
        elif title.startswith("最高人民法院") or title.startswith("最高人民检察院"):
            kind = "judicial_interpretation"
        elif title.startswith("国务院") or title.endswith("条例"):
            kind = "administrative_regulation" if title.startswith("国务院") else kind
    return kind


def level_for(kind: str) -> tuple[int, str]:
    return KIND_LEVELS.get(kind, KIND_LEVELS["other"])


def region_for(rel_parts: tuple[str, ...], title: str) -> tuple[str | None, str | None, str | None]:
    """(region, province, city) for local rules under DLC/<省>地方法规/…"""
    if not rel_parts or rel_parts[0] != "DLC" or len(rel_parts) < 2:
        return None, None, None
    prov_short = rel_parts[1].replace("地方法规", "")
    province = PROVINCES.get(prov_short, prov_short or None)
    city = None
    if province:
        t = title
        if t.startswith(province):
            t = t[len(province):]
        elif t.startswith(prov_short):
            t = t[len(prov_short):]
        for c in CITIES.get(province, ()):
            if t.startswith(c):
                city = c if c.endswith("市") else c + "市"
                break
        if city is None:
            m = _AUTONOMOUS_RE.match(t)
            if m:
                city = m.group(1)
    region = (province or "") + (city or "") or None
    return region, province, city


_NPC_RE = re.compile(
    r"(?:第[一二三四五六七八九十]+届)?((?:全国|[\u4e00-\u9fff]{2,10}?(?:省|市|自治区|自治州|县|区)))"
    r"(?:第[一二三四五六七八九十]+届)?人民代表大会(常务委员会)?"
)
_BODIES = (
    ("最高人民法院、最高人民检察院", ("最高人民法院、最高人民检察院", "最高人民法院 最高人民检察院", "最高人民法院和最高人民检察院")),
    ("最高人民法院", ("最高人民法院",)),
    ("最高人民检察院", ("最高人民检察院",)),
    ("国务院", ("国务院",)),
    ("中央军事委员会", ("中央军事委员会",)),
)


def issuing_body_for(events: list[tuple[str, str]], title: str, category: str,
                     rel_parts: tuple[str, ...] = ()) -> str | None:
    """Best effort: the body of the first 通过/公布 event, else from the title/folder."""
    if category == "部门规章" and len(rel_parts) >= 3:
        return rel_parts[1]
    texts = [t for _, t in events[:2]]
    for t in texts:
        bare = _BOOK_RE.sub("", t)
        m = _NPC_RE.search(bare)
        if m:
            return m.group(1) + "人民代表大会" + (m.group(2) or "")
        for body, keys in _BODIES:
            if any(k in bare for k in keys):
                if body == "国务院" and "中央军事委员会" in bare:
                    return "国务院、中央军事委员会"
                return body
    for body, keys in _BODIES:
        if any(title.startswith(k) for k in keys):
            return body
    if category == "司法解释":
        return None
    if category == "行政法规":
        return "国务院"
    return None


def effective_and_status(events: list[tuple[str, str]], dates: dict[str, str], title: str,
                         today: str | None = None) -> tuple[str | None, str]:
    """effective_date: 施行 date if it is not older than the latest other event, else the
    latest event date (公布/通过/修正…); status: 有效/已废止/尚未生效."""
    today = today or _dt.date.today().isoformat()
    latest_other = max((d for k, d in dates.items() if k not in ("施行", "废止")), default=None)
    if not latest_other and events:
        latest_other = max(d for d, _ in events)
    eff = dates.get("施行")
    if eff is None or (latest_other and eff < latest_other):
        eff = latest_other
    status = "有效"
    if "废止" in dates and dates["废止"] <= today or "（已废止）" in title or title.endswith("(已废止)"):
        status = "已废止"       # a repeal dated ahead leaves the law 有效 until that day
    elif eff and eff > today:
        status = "尚未生效"
    return eff, status
