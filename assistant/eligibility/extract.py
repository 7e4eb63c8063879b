"""Read eligibility facts out of a Chinese chat message ("我是农民工，老板欠我工资，家里三口人，
一个月九千，在上海").

`extract(text, table)` returns a partial facts dict in the `EligibilityFacts` shape (only the keys
it found). Rules are plain keyword/regex patterns: predictable, testable and offline. The message
itself is never stored; only these facts are.
"""
from __future__ import annotations

import re
from decimal import Decimal

from assistant.eligibility.regions import RegionTable

# ---- numbers as people type them: 3000, 3,000, 九千, 两千四, 一万五, 一千来块 ----------------
_CN = {"零": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
       "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUM = r"(?:\d[\d,，]*(?:\.\d+)?\s*[万千]?|[零一二两三四五六七八九十百千万]+)"


def spoken_number(token: str) -> Decimal | None:
    """'9570' → 9570; '九千' → 9000; '两千四' → 2400; '一万五' → 15000; '1.5万' → 15000."""
    token = token.strip().replace(",", "").replace("，", "")
    if not token:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([万千]?)", token)
    if m:
        return Decimal(m.group(1)) * (_UNIT[m.group(2)] if m.group(2) else 1)
    total, section, digit, last_unit = 0, 0, None, None
    for ch in token:
        if ch in _CN:
            digit = _CN[ch]
        elif ch in _UNIT:
            unit = _UNIT[ch]
            if unit == 10000:
                section = (section + (digit or 0)) * unit
                total, section = total + section, 0
            else:
                section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:   # spoken shorthand: 两千四 = 2400, 一万五 = 15000
        section += digit * (last_unit // 10 if last_unit and last_unit >= 100 else 1)
    value = total + section
    return Decimal(value) if value else None


# ---- regions --------------------------------------------------------------------------------
_HOME_AFTER = re.compile(r"^(?:的|人|农村|乡下|老家|户口|那边|过来|出来)")
_HERE_BEFORE = re.compile(r"(?:在|到|来|去|于)$")


def find_region(text: str, table: RegionTable) -> str | None:
    """The accepting agency's region: where the person works, sues or lives now, not the home
    place ("我四川泸州农村的，在上海工地上" → 上海市)."""
    best: tuple[int, int, str] | None = None
    taken = [False] * len(text)
    for name in table.names_longest_first:
        if name not in text:        # most names: no pattern to build and run
            continue
        for m in re.finditer(re.escape(name), text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            score = 0
            if _HERE_BEFORE.search(text[max(0, m.start() - 1):m.start()]):
                score += 2
            if _HOME_AFTER.search(text[m.end():m.end() + 3]) or "老家" in text[max(0, m.start() - 3):m.start()]:
                score -= 2
            key = (score, m.start(), table._names[name])
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


# ---- amounts ----------------------------------------------------------------------------------
_NUM_TOKEN = re.compile(r"\d[\d,，]*(?:\.\d+)?\s*[万千]?|[一二两三四五六七八九十百千万]+")
_MONEY_WORDS = re.compile(
    r"(?P<year>年收入|一年|每年|年薪)|(?P<cue>收入|工资|挣|到手|月薪|薪水|个月|每月|月|退休金|养老金|赚|进账)"
    r"|(?P<other>欠|借|损失|赔|标准|人均|低保|律师费|交了|违约金|开销|开支|花销|支出|花|抚养费|工钱|房租|租金|罚)")
_AFTER_NOT_AMOUNT = ("倍", "%", "岁", "天", "口", "个", "年", "平", "多工钱", "工钱", "抚养费", "违约金", "律师费", "次", "针", "号")
_AFTER_INCOME = re.compile(r"^(?:块|元)?(?:钱)?的?(?:退休金|养老金|工资|收入)")


def find_monthly_income(text: str) -> Decimal | None:
    """The household's (or the person's) monthly income; yearly amounts are divided by 12.
    An amount counts when the nearest money word before it is an income word (not 欠/借/标准/
    人均/开销…), or an income word follows it ("一千五的退休金"). The last one wins."""
    found = None
    for m in _NUM_TOKEN.finditer(text):
        value = spoken_number(m.group())
        after = text[m.end():m.end() + 6]
        if value is None or value < 100 or after.startswith(_AFTER_NOT_AMOUNT):
            continue
        words = list(_MONEY_WORDS.finditer(text[max(0, m.start() - 10):m.start()]))
        nearest = words[-1] if words else None
        if nearest is not None and nearest.lastgroup == "other":
            continue
        if nearest is None and not _AFTER_INCOME.search(after):
            continue
        found = value / 12 if nearest is not None and nearest.lastgroup == "year" else value
    return found


_RATIO = re.compile(r"低保(?:标准)?的?(?P<num>[\d.]+|[一两二三]点?[五]?|两|一点五)倍")
_RATIO_PAREN = re.compile(r"[（(]\s*(?P<num>\d+(?:\.\d+)?)\s*倍\s*[）)]")


def find_dibao_ratio(text: str) -> Decimal | None:
    """'人均收入是低保的1.6倍' → 1.6 (江西 scenarios give income as a multiple of 低保). Only
    the person's income counts: '标准是低保的两倍' describes the rule, not them."""
    m = _RATIO.search(text)
    if not m or "收入" not in text[max(0, m.start() - 20):m.start()]:
        return None
    paren = _RATIO_PAREN.search(text, m.start())
    if paren:
        return Decimal(paren.group("num"))
    token = m.group("num")
    if re.fullmatch(r"[\d.]+", token):
        return Decimal(token)
    return {"两": Decimal(2), "二": Decimal(2), "一点五": Decimal("1.5")}.get(token)


# ---- household size ----------------------------------------------------------------------------
_SIZE_PATTERNS = [
    re.compile(r"(?:一家|家里|家|屋头|我们家|俺家|我家)?(?P<n>[一二两三四五六七八九十\d])口(?:人|之家)?"),
    re.compile(r"(?:家里|屋头|家|我们|俺们|就|总共|一共)(?P<n>[一二两三四五六七八九十\d])个人"),
    re.compile(r"(?P<n>[二两三四五六七八九十\d])个人(?=一个月|每个?月|都|加起来|一共|合计|，|收入|[\d一二两三四五六七八九])"),
]
_SIZE_PHRASES = [
    (re.compile(r"两口子|老两口|夫妻俩|娘俩|母子俩|父子俩|母女俩|父女俩|和(?:老伴|老婆|老公|我妈|我爸|妈|爸)两个人|就我和(?:我)?(?:妈|爸|老婆|老公|老伴)"), 2),
    (re.compile(r"我和(?:老婆|老公|爱人)(?:和)?(?:孩子|娃|儿子|女儿)"), 3),
    (re.compile(r"(?:我|自己)一个人|一个人住|一个人在|就我一个|独居|单身一人"), 1),
]


def find_household_size(text: str) -> int | None:
    for pattern in _SIZE_PATTERNS:
        for m in pattern.finditer(text):
            n = spoken_number(m.group("n"))
            if n and 1 <= n <= 20:
                return int(n)
    for pattern, n in _SIZE_PHRASES:
        if pattern.search(text):
            return n
    return None


# ---- the matter ---------------------------------------------------------------------------------
_MATTERS: list[tuple[str, str]] = [   # first match wins: specific before general
    (r"国家赔偿", "state_compensation"),
    (r"缺席审判|缺席判决|强制医疗|死刑复核|抗诉|因为(?:盗窃|诈骗|抢劫|故意伤害)|(?:老公|丈夫|弟弟|哥哥?|儿子|表弟|姐夫|妹夫)的案子|被.{0,5}抓(?:走|了|起来)?|抓走|拘留了|逮捕|涉嫌|判死刑|判无期|犯罪|贩毒|运输毒品|打死|案子(?:已经)?(?:到|在)(?:检察院|法院)|刑事案|辩护", "criminal"),
    (r"烈士", "martyr_personality_rights"),
    (r"见义勇为|救落水|下河救|救人", "good_samaritan_injury"),
    (r"无民事行为能力|限制民事行为能力", "incapacity_declaration"),
    (r"(?:家暴|打我|动手打|喝了酒就打|告诫书).{0,30}离婚|离婚.{0,30}(?:家暴|打我|动手)", "dv_divorce"),
    (r"家暴|家庭暴力|虐待|遗弃", "domestic_violence"),
    (r"赡养|不给(?:生活费|养老)|不管(?:她|他|老人)", "support_elderly"),
    (r"抚养费", "support_child"),
    (r"确认劳动关系|不是他们(?:的)?员工|不承认(?:劳动关系|是员工)", "labor_relationship_confirmation"),
    (r"工伤|冲床|传送带|干活(?:时|的时候)?(?:受伤|摔)|上班(?:时|的时候)?(?:受伤|摔)", "work_injury"),
    (r"讨薪|欠薪|欠.{0,8}(?:工钱|工资|薪)|拖欠|拖(?:了)?(?:工资|工钱)|工资.{0,4}不给|不给.{0,4}工资|要工钱|讨工钱", "wage_arrears"),
    (r"赔偿金|开除|辞退|解除劳动合同|把我开了", "labor_contract_dispute"),
    (r"车祸|交通事故|被.{0,6}(?:车|摩托|拖拉机)(?:给)?撞|追尾|撞断|撞伤|撞了", "traffic_accident_injury"),
    (r"假药|食品|吃了.{0,8}(?:进医院|中毒)|药店", "food_drug_safety"),
    (r"医院|诊所|卫生院|手术|打针|误诊|输错|拔牙|医疗", "medical_accident"),
    (r"排污|污染|废水|废气", "environmental_pollution"),
    (r"低保.{0,10}(?:拒|不符合|不批|没批)", "social_assistance"),
    (r"社保|社会保险|养老金.{0,6}不给办|断缴|医保", "social_insurance_benefit"),
    (r"抚恤金", "survivor_benefit"),
    (r"征地|土地|承包地|宅基地", "land_contract_rights"),
    (r"离婚", "divorce_property"),
    (r"借(?:了|给).{0,10}(?:不还|没还)|借钱不还|欠钱不还|借条", "private_loan"),
    (r"遗嘱|遗产|继承", "inheritance"),
    (r"房东|租房|租金|退租|租赁", "lease_contract"),
    (r"狗咬|被.{0,4}咬|被打|打伤", "personal_injury_other"),
]
_CONSULT_ONLY = re.compile(r"咨询$|法律咨询|就想(?:先)?问问|想先问问|只是问问|免费问问|免费咨询|想咨询一下|给问吗|能咨询吗")


_NEGATED = re.compile(r"不是[^，。,；;！？!?）)]{0,8}")


def without_negations(text: str) -> str:
    """'（不是工伤）' and '不是农民工' must not count as saying so."""
    return _NEGATED.sub("", text)


def find_matter(text: str) -> str | None:
    text = without_negations(text)
    for pattern, code in _MATTERS:
        if re.search(pattern, text):
            return code
    return None


# ---- statuses, people, proof, urgency ------------------------------------------------------------
_STATUS_PATTERNS = [
    (r"低保户|吃低保|低保家庭|领低保|低保证|(?:我|家里|我家|俺家|我们|他)是低保(?!的|标准)", "dibao"),
    (r"特困|五保", "tekun"),
    (r"低收入家庭|低边", "low_income_family"),
    (r"残疾军人|伤残军人|伤残退伍|优抚", "youfu"),
    (r"脱贫户|建档立卡", "tuopin"),
    (r"司法救助|缓交诉讼费|缓交|免交诉讼费", "judicial_aid"),
    (r"军属|军人家属|现役军人", "military_family"),
    (r"烈士", "hero_martyr_relative"),
    (r"见义勇为|救落水|下河救", "good_samaritan"),
    (r"家暴|打我|动手打|家庭暴力|告诫书", "dv_victim"),
    (r"癌|重病|大病|重大疾病|尿毒症|白血病", "major_illness"),
    (r"免(?:了)?仲裁费|仲裁费.{0,3}免", "arbitration_fee_waived"),
]
_DISABILITY = [
    (r"不会说话|哑巴|言语残疾|聋哑", "speech"),
    (r"听不见|耳聋|听力残疾", "hearing"),
    (r"看不见|失明|盲人|视力残疾", "visual"),
    (r"精神分裂|精神病|精神残疾|智力残疾|脑子不好", "mental"),
    (r"残疾证|残疾人|肢体残疾|残疾", "physical"),
]
_AGE = re.compile(r"(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})(?:周)?岁")
_MIGRANT = re.compile(r"农民工|进城(?:务工|打工)|(?:农村|乡下|农民).{0,12}(?:打工|上班|干活|务工|工地|做保洁|厂)")
_RURAL_HUKOU = re.compile(r"农村的|农村户口|乡下的|农村出来|农民|村里的")
_RURAL_HOME = re.compile(r"村里|屋头|乡下|农村|村委会|乡卫生院|种地|务农")
_URBAN_HOME = re.compile(r"城里|城镇|县城|市区|居委会|社区|街道|小区|城市户口")
_NO_FIXED_INCOME = re.compile(r"没(?:有|得)?(?:养老金|退休金)?.{0,3}(?:也)?没(?:有|得)?收入|没有工作也没收入|无固定收入|没有固定收入|没(?:有|得)养老金|没有退休金")
_HAS_PENSION = re.compile(r"(?<!没)(?<!没有)(?<!没得)(?:退休金|养老金)")
_PROOF = re.compile(r"有证明|开(?:了)?证明|开证明|有.{0,4}证(?![据人])|认定书|已经认定|欠条|户口簿|考勤|确认书|诊断证明|批了|决定书|工资条|劳动合同")
_COUNSEL = re.compile(r"(?:已经|之前|早就)?(?:请了|请过|委托了|签了).{0,6}(?:律师|风险代理|代理)")
_COUNSEL_ENDED = re.compile(r"律师不干了|解除了?委托|退了律师|不再代理")
_DAYS_LEFT = re.compile(r"(?:还有|只剩|剩)(?P<n>\d+|[一二两三四五六七八九十]+)天")
_PRESERVATION = re.compile(r"保全|转移财产|要跑了|卖房")


_DOCUMENTS = re.compile(r"低保证|特困证|残疾证|残疾人证|残疾军人证|烈士证明书?|低收入家庭(?:认定)?证明|见义勇为确认书?"
                        r"|工伤认定书?|户口簿|欠条|考勤表?|劳动合同|(?:村委会|居委会|街道)(?:的)?证明|诊断证明"
                        r"|(?:批了)?缓交|免交诉讼费|司法救助决定书?|死亡证明")


def named_documents(text: str) -> list[str]:
    """Documents the person says they have (kept as proof of a claimed status)."""
    out = []
    for m in _DOCUMENTS.finditer(text):
        word = m.group()
        if word not in out and not re.search(r"(?:没有|没得|没|无)$", text[max(0, m.start() - 3):m.start()]):
            out.append(word)
    return out


def extract(text: str, table: RegionTable) -> dict:
    """Partial facts found in `text` (keys only where something was found)."""
    text = text or ""
    facts: dict = {}
    applicant: dict = {}
    region = find_region(text, table)
    if region:
        facts["region"] = region
    _matter_facts(text, facts)
    _people_facts(text, facts, applicant)
    _money_facts(text, facts)
    documents = named_documents(text)
    if documents:
        facts["proof_available"] = documents
    elif _PROOF.search(text):
        facts["proof_available"] = True
    if _COUNSEL.search(text) and not _COUNSEL_ENDED.search(text):
        facts["has_counsel"] = True
    urgency = _urgency(text)
    if urgency:
        facts["urgency"] = urgency
    if applicant:
        facts["applicant"] = applicant
    return facts


def _matter_facts(text: str, facts: dict) -> None:
    if _CONSULT_ONLY.search(text) and not re.search(r"派律师|代理|打官司|起诉|告他|告她|仲裁", text):
        facts["service"] = "consultation"
        facts["proceeding"] = "consultation"
    matter = find_matter(text)
    if matter == "criminal":
        facts.update(_criminal_facts(text))
        return
    if matter:
        facts["matter_type"] = matter
        facts.setdefault("service", "representation")
    if matter in ("dv_divorce", "domestic_violence"):
        facts["adversary_is_household_member"] = True
    if re.search(r"复议|社保局|民政|街道说不符合", text) and matter in ("social_assistance", "social_insurance_benefit"):
        facts["proceeding"] = "administrative"


def _criminal_facts(text: str) -> dict:
    if "强制医疗" in text:   # 法律援助法第二十八条: the respondent needs an agent
        return {"proceeding": "criminal", "service": "representation", "matter_type": "compulsory_medical_treatment",
                "criminal": {"role": "compulsory_treatment_respondent", "procedure": "compulsory_medical"}}
    victim = re.search(r"我被.{0,6}(?:打|砍|伤)|被害人|受害人|诉讼代理人", text)
    criminal: dict = {"role": "victim" if victim else "suspect_defendant"}
    if re.search(r"缺席审判|缺席判决", text):   # 刑事诉讼法第二百九十三条
        criminal["procedure"] = "absentia"
    stage = ("death_review" if "死刑复核" in text
             else "trial" if re.search(r"法院|开庭|审判|一审|二审|判了", text)
             else "prosecution" if "检察院" in text
             else "investigation" if re.search(r"公安|警察|派出所|抓|拘留", text) else None)
    if stage:
        criminal["stage"] = stage
    if re.search(r"死刑", text):
        criminal["possible_sentence"] = "death"
    elif "无期" in text:
        criminal["possible_sentence"] = "life"
    if re.search(r"普通程序", text) and "procedure" not in criminal:
        criminal["procedure"] = "ordinary"
    notes = [n for n, pattern in (("限制刑事责任能力", r"限制刑事责任能力|不能完全辨认"), ("人民检察院抗诉", r"抗诉"),
                                  ("中级人民法院一审", r"中级人民法院一审|中院一审"), ("同案犯已委托辩护人", r"同案"))
             if re.search(pattern, text)]
    if notes:   # read by the mandatory-defence and local-waiver rules
        criminal["note"] = "；".join(notes)
    charge = re.search(r"(故意杀人|故意伤害|盗窃|偷东西|诈骗|抢劫|贩卖毒品|运输毒品|开设赌场|危险驾驶|寻衅滋事|打架|毒品|打死|打伤|砸)", text)
    if charge:
        criminal["charge"] = charge.group(1)
    return {"proceeding": "criminal", "service": "representation",
            "matter_type": "criminal_victim" if victim else "criminal_defense", "criminal": criminal}


def _people_facts(text: str, facts: dict, applicant: dict) -> None:
    statuses = [code for pattern, code in _STATUS_PATTERNS if re.search(pattern, text)]
    if "dibao" in statuses and facts.get("matter_type") == "social_assistance":
        statuses.remove("dibao")   # applying for 低保 is not being a 低保 recipient
    if statuses:
        applicant["statuses"] = statuses
    for pattern, kind in _DISABILITY:
        if re.search(pattern, text):
            applicant["disability"] = kind
            break
    ages = [spoken_number(m.group("n")) for m in _AGE.finditer(text)]
    ages = [int(a) for a in ages if a is not None and 0 < a < 120]
    if ages:
        applicant["age"] = ages[0]
    for_child = bool(re.search(r"孙女|孙子|孩子|娃", text) and re.search(r"替(?:孩子|孙)|帮(?:孩子|孙)|给孩子|孩子.{0,6}申请", text))
    if for_child:
        applicant["applies_for_child"] = True   # a guardian applying for a child (art. 40); age asked
    if re.search(r"孤儿|父母都不在|父母双亡|父母都去世|没人管", text) and for_child:
        applicant["orphan"] = True
        applicant["no_fixed_income"] = True
    if _MIGRANT.search(without_negations(text)):
        applicant["migrant_worker"] = True
        applicant["hukou"] = "rural"
        facts.setdefault("residence_type", "urban")
    elif _RURAL_HUKOU.search(text):
        applicant["hukou"] = "rural"
    if "residence_type" not in facts:
        if _RURAL_HOME.search(text) and not _URBAN_HOME.search(text):
            facts["residence_type"] = "rural"
        elif _URBAN_HOME.search(text) or re.search(r"(?:北京|上海)户口", text):
            facts["residence_type"] = "urban"
    if applicant.get("orphan"):
        pass   # the guardian's pension is not the child's income
    elif _NO_FIXED_INCOME.search(text):
        applicant["no_fixed_income"] = True
    elif _HAS_PENSION.search(text) or re.search(r"有收入|打零工|做点零工|有工资|上班", text):
        applicant["no_fixed_income"] = False
    if re.search(r"公司|企业|厂子?的老板|我们厂", text) and re.search(r"(?:我们|我的)公司.{0,10}(?:告|起诉|合同)", text):
        applicant["is_natural_person"] = False
    if re.search(r"家暴|打我|动手打", text) and re.search(r"老公|老婆|丈夫|妻子|爱人", text):
        facts["adversary_is_household_member"] = True


def _money_facts(text: str, facts: dict) -> None:
    ratio = find_dibao_ratio(text)
    if ratio is not None:
        facts["per_capita_income_to_dibao_ratio"] = ratio
    income = find_monthly_income(text)
    if income is not None:
        facts["household_monthly_income"] = income
    size = find_household_size(text)
    if size is not None:
        facts["household_size"] = size
    spend = re.search(rf"(?:开销|开支|花销|支出|花)[^0-9零一二两三四五六七八九十]{{0,6}}(?P<num>{NUM})", text)
    if spend and (value := spoken_number(spend.group("num"))):
        facts["household_monthly_expenditure"] = value


def _urgency(text: str) -> dict:
    out = {}
    m = _DAYS_LEFT.search(text)
    if m and re.search(r"到期|过期|截止|时效|期限|开庭|仲裁", text):
        out["days_to_deadline"] = int(spoken_number(m.group("n")) or 0)
    if _PRESERVATION.search(text):
        out["needs_preservation"] = True
    return out
