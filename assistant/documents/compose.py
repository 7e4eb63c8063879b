"""What every form shares: blanks for missing facts (and the list of them), Chinese dates and
amounts, the party lines of a 申请书/起诉状, and the petition skeleton (title, parties, 请求事项,
事实与理由, 此致, signature, 附)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.documents.facts import Claim, Party
from assistant.documents.layout import Attachments, Block, Label, Numbered, Para, Signature, Title

BLANK = "＿"
RELATION_TO = {"被申请人": "申请人", "法定代理人": "原告", "代理人": "申请人"}   # whose relative a party is   # U+FF3F FULLWIDTH LOW LINE: a line to write on, as printed forms have


def blank(width: int = 6) -> str:
    return BLANK * width


def chinese_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def yuan(value: Decimal) -> str:
    """12000 → '12000元', 12000.5 → '12000.50元' (the way amounts are written in 请求事项)."""
    text = f"{value:.2f}"
    return (text[:-3] if text.endswith(".00") else text) + "元"


@dataclass
class Filler:
    """Fills values into the text, a blank where one is missing, and remembers what was missing."""
    missing: list[str] = field(default_factory=list)

    def text(self, value: object, label: str, width: int = 6) -> str:
        if value is None or value == "" or value == []:
            if label not in self.missing:
                self.missing.append(label)
            return blank(width)
        return str(value)

    def date(self, value: dt.date | None, label: str) -> str:
        if value is None:
            self.text(None, label)
            return f"{blank(4)}年{blank(2)}月{blank(2)}日"
        return chinese_date(value)

    def money(self, value: Decimal | None, label: str) -> str:
        return yuan(value) if value is not None else self.text(None, label) + "元"


def party_lines(fill: Filler, role: str, party: Party) -> list[str]:
    """申请人：张三，男，1990年1月1日出生，汉族，住……，公民身份号码：……，联系电话：……。
    An organisation gets its address, credit code and a second line for its legal representative."""
    if party.kind == "organisation":
        return [f"{role}：{fill.text(party.name, f'{role}名称', 10)}，"
                f"住所地：{fill.text(party.address, f'{role}住所地', 12)}，"
                f"统一社会信用代码：{fill.text(party.credit_code, f'{role}统一社会信用代码', 10)}。",
                f"法定代表人（负责人）：{fill.text(party.legal_representative, f'{role}法定代表人', 4)}，"
                f"职务：{fill.text(party.representative_title, f'{role}法定代表人职务', 4)}，"
                f"联系电话：{fill.text(party.phone, f'{role}联系电话', 8)}。"]
    ethnicity = party.ethnicity or None
    if ethnicity and not ethnicity.endswith("族"):
        ethnicity += "族"
    parts = [f"{role}：{fill.text(party.name, f'{role}姓名', 4)}",
             fill.text(party.gender, f"{role}性别", 2),
             f"{fill.date(party.birth_date, f'{role}出生日期')}出生",
             fill.text(ethnicity, f"{role}民族", 3)]
    if party.relation and role in RELATION_TO:
        parts.append(f"系{RELATION_TO[role]}的{party.relation}")
    if party.work_unit:
        parts.append(f"工作单位（职业）：{party.work_unit}")
    parts += [f"住{fill.text(party.address, f'{role}住址', 12)}",
              f"公民身份号码：{fill.text(party.id_number, f'{role}公民身份号码', 10)}",
              f"联系电话：{fill.text(party.phone, f'{role}联系电话', 8)}"]
    return ["，".join(parts) + "。"]


def claim_text(claim: Claim) -> str:
    if claim.amount is None or yuan(claim.amount) in claim.text:
        return claim.text
    return f"{claim.text}（金额：{yuan(claim.amount)}）"


def petition(*, title: str, parties: list[tuple[str, Party]], claims: list[str], reasons: list[str],
             addressee: str, signer: str, date_line: str, attachments: list[str], fill: Filler,
             preamble: list[str] = ()) -> list[Block]:
    """The layout shared by 仲裁申请书, 起诉状, 保护令申请书, 支付令申请书."""
    blocks: list[Block] = [Title(title)]
    for role, party in parties:
        blocks += [Para(line) for line in party_lines(fill, role, party)]
    blocks += [Para(line) for line in preamble]
    blocks += [Label("请求事项："), Numbered(claims or [fill.text(None, "请求事项", 20)])]
    blocks += [Label("事实与理由：")] + [Para(text, indent=True) for text in reasons]
    blocks += [Para("此致", indent=True), Para(addressee)]
    blocks += [Signature([f"{signer}（签名）：{blank(8)}", date_line]), Attachments(attachments)]
    return blocks


@dataclass
class Built:
    """A filled form: its blocks, the title, what was missing and what to attach."""
    title: str
    blocks: list[Block]
    missing: list[str]
    attachments: list[str]


def addressee(fill: Filler, name: str | None, kind: str, label: str) -> str:
    """'某某区人民法院' as given, else a blank before the kind: '＿＿＿＿＿＿＿＿人民法院'."""
    return name if name else fill.text(None, label, 8) + kind


def date_line(fill: Filler, value: dt.date | None) -> str:
    # the signing date is left for the pen when not given, and is not a missing fact
    return chinese_date(value) if value else f"{blank(4)}年{blank(2)}月{blank(2)}日"


def sentence(text: str | None) -> str:
    """The person's own words as a sentence (a final 。 added when there is no end mark)."""
    if not text:
        return ""
    return text if text[-1] in "。！？；.!?" else text + "。"
