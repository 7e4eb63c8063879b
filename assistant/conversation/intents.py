"""Intent detection without a model: ordered keyword and pattern rules (microseconds per message).

Order matters: urgent risk first (a person in danger must never get a statute quote), then
explicit requests (human, statute lookup, eligibility), then small talk, then follow-ups, and
everything that looks like a problem becomes a legal question (retrieval decides how sure we are)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answers.cards import told_long_ago
from assistant.conversation.risk_words import RULES

LEGAL_QUESTION = "legal_question"
STATUTE_LOOKUP = "statute_lookup"
ELIGIBILITY = "eligibility"
HUMAN_REQUEST = "human_request"
GREETING = "greeting"
THANKS = "thanks"
OUT_OF_SCOPE = "out_of_scope"
URGENT_RISK = "urgent_risk"
EXPAND_POINT = "expand_point"     # "第二点再说详细点"
FOLLOW_UP = "follow_up"           # "那如果公司不给呢？" (a legal question that leans on the last topic)
UNCLEAR = "unclear"               # emoji only, punctuation, no words
DOCUMENT_REQUEST = "document_request"   # "帮我写个起诉状": fill the form (assistant/documents/in_chat.py)

# How staff pages name the intents (reports, consultation records).
INTENT_LABELS = {
    LEGAL_QUESTION: "法律咨询", STATUTE_LOOKUP: "查法条", ELIGIBILITY: "法律援助资格",
    HUMAN_REQUEST: "转人工", GREETING: "问候", THANKS: "致谢", OUT_OF_SCOPE: "非法律问题",
    URGENT_RISK: "紧急情况", EXPAND_POINT: "追问要点", FOLLOW_UP: "追问", UNCLEAR: "无法识别",
    DOCUMENT_REQUEST: "填写文书",
}


def intent_label(code: str) -> str:
    """The Chinese name of an intent code; unknown codes (older records) are shown as they are."""
    return INTENT_LABELS.get(code, code)


@dataclass(frozen=True)
class Intent:
    name: str
    risk: str | None = None          # assistant.conversation.urgent.GUIDANCE's keys: suicide / child_at_risk / …
    point: int | None = None         # 1-based point number for EXPAND_POINT
    injection: bool = False          # the message tried to give the assistant instructions
    cleaned: str = ""                # the message with instruction-like phrases removed


def _rx(*alternatives: str) -> re.Pattern:
    return re.compile("|".join(alternatives), re.IGNORECASE)


# --- urgent risk: each kind says what to do now (see assistant/conversation/urgent.py) -----------------
RISK_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("suicide", _rx(r"自杀", r"轻生", r"不想活", r"活不下去", r"寻死", r"想死", r"跳楼", r"割腕",
                    r"喝农药", r"结束(自己的)?生命", r"一了百了",
                    # told without the word: poison bought or hoarded, a farewell letter, dying to shame someone
                    r"(买了|攒了|备了|藏了|喝了|吃了)[^，。！？]{0,4}(百草枯|敌敌畏|安眠药|老鼠药|耗子药)", r"(喝了|吃了)[^，。！？]{0,4}农药",
                    r"(百草枯|敌敌畏|安眠药|老鼠药|耗子药)[^，。！？]{0,3}(都|全)?(攒|备|藏)", r"(?<!没)(写|留)(了|下|好)遗书", r"(?<![中吃])喝药(死|自杀)?",
                    r"活着(没|没有)(啥|什么)?(意思|盼头|劲)", r"没(啥|什么)盼头", r"活够了", r"不如死了",
                    r"死(了)?给(他|她|你|他们)看", r"(一起|一块|一块儿)(去)?死", r"割手腕", r"上吊", r"跳(河|井|楼)",
                    r"(就|要)[^，。！？]{0,4}(从楼上|从桥上)?跳下去", r"爬(上|到)[^，。！？]{0,3}(塔吊|楼顶|天台)")),
    # a child in danger comes before domestic violence: 虐待孩子 needs the child-protection route
    ("child_at_risk", _rx(r"(孩子|娃|女儿|闺女|儿子|小孩|学生|孙子|孙女|外孙)[^，。！？]{0,8}被[^，。！？]{0,4}"
                          r"(打伤|打得|虐待|性侵|猥亵|强奸|拐|卖|关起来|饿)",
                          r"(猥亵|性侵|强奸)[^，。！？]{0,6}(孩子|儿童|女孩|男孩|女儿|小孩|学生|未成年)",
                          r"(虐待|打|饿)(孩子|儿童|小孩|娃)", r"把(孩子|娃|小孩|女儿|儿子|闺女)[^，。！？]{0,3}打(得|伤|肿|坏|出血)", r"拐卖(孩子|儿童|小孩)", r"孩子[^，。！？]{0,4}(不见了|丢了|失踪)",
                          # a child snatched and hidden; a child groomed by an adult met online
                          r"把[^，。！？]{0,6}(孩子|娃|小孩|闺女|儿子|女儿)[^，。！？]{0,2}(抢|抱|偷|拐)走",
                          r"(\d{1,2}|十[一二三四五六七八九]?|[一二三四五六七八九])岁.{0,40}(网上|网友|游戏里).{0,40}"
                          r"(见面|去见|约她|约他|露骨|裸照|开房)",
                          # the beating told by its marks or its tool (皮带抽他家小子, 娃身上一道一道的紫印子)
                          r"(皮带|鞭子|棍子|衣架|擀面杖|笤帚|鞋底)[^，。！？]{0,3}(抽|打|揍)[^，。！？]{0,4}(孩子|娃|小孩|小子|儿子|闺女|女儿|孙子|孙女|外甥|侄子|侄女)",
                          r"(孩子|娃|小孩)身上[^，。！？]{0,8}(紫|青|血印|印子|伤痕|一道一道)",
                          # a small child alone at home (留下个七岁的娃一个人在家)
                          r"(孩子|娃|小孩|闺女|小子)[^，。！？]{0,3}(一个人|独自)[^，。！？]{0,2}在家",
                          # a child taken away in a stranger's car / unreachable after school
                          r"(孙女|孙子|闺女|女儿|儿子|孩子|娃)[^。！？]{0,12}(上了|被拉上|被带上)[^，。！？]{0,4}(陌生人|外地人|不认识的人|生人)[^，。！？]{0,4}的?[^，。！？]{0,3}车",
                          r"放学[^，。！？]{0,4}没(回家|回来)",
                          # sexual harm told in lay words (让老师摸了, 叫一个大男人给欺负了 怀上了), grooming
                          r"(闺女|女儿|孩子|娃|孙女|外孙女|侄女|外甥女|小女孩|小姑娘|学生)[^，。！？]{0,10}(让|叫|被)[^，。！？]{0,10}"
                          r"(摸了|摸她|欺负了|糟蹋|祸害|怀上|睡了)",
                          r"拿糖哄|哄(小女孩|小姑娘|小孩|孩子)[^，。！？]{0,4}(去|到|进)",
                          r"往[^，。！？]{0,4}(闺女|女儿|孙女|侄女|继女)[^，。！？]{0,2}(屋|房|被窝)里?钻",
                          # lured away by someone met online, snatched and hidden, abandoned, burnt, caged, married off
                          r"(网友|网上认识的)[^，。！？]{0,6}(骗|带|约|拐)(走|出去)", r"人贩子",
                          r"(孩子|娃|闺女|儿子|女儿)[^，。！？]{0,4}(带走|抱走|藏起来)[^。！？]{0,12}(不告诉|找不到|找不着|不知道在哪|联系不上)",
                          r"(刚生下来|刚出生)的?(娃|孩子|小孩|婴儿)[^，。！？]{0,4}(扔|丢)|(扔|丢|遗弃)[^，。！？]{0,4}(婴儿|刚生下来的)",
                          r"烟头烫", r"(用|拿)针扎", r"谁都不要(他|她|这孩子|这娃)",
                          r"(拍|发|要)[^，。！？]{0,4}(光身子|不穿衣服|裸体)的?(照片|视频)",
                          r"(孩子|儿子|闺女|女儿|娃|孙子|孙女)[^。！？]{0,20}[两三四五几好]天(都)?没回(家|来)", r"(后妈|后娘|继母|后爸|继父)[^，。！？]{0,3}(揍|打|捶|抽)", r"(孩子|小孩|娃)[^，。！？]{0,4}(关|锁)在[^，。！？]{0,4}(笼|柜|厕所)",
                          r"才(十[一二三四五六]|1[1-6]|[七八九])岁?[^。！？]{0,16}(嫁给|嫁人|订婚|换彩礼)")),
    ("elder_expelled", _rx(r"(儿子|儿媳|媳妇|女儿|女婿|孙子|子女|他们)[^，。！？]{0,10}(赶出|撵出|轰出|赶了出来|撵了出来|"
                           r"(不让|不叫|不许|不准)[^，。！？]{0,3}(进门|进屋|回家|住))",
                           # bedding thrown out, sleeping in a shed (扔到牛棚里 不叫俺进屋)
                           r"(被子|褥子|铺盖|东西)[^，。！？]{0,6}(扔|撂|丢)[^，。！？]{0,6}(棚|圈|院|门外|外头)",
                           r"(睡|住)在?[^，。！？]{0,3}(牛棚|羊圈|猪圈|柴房|柴火棚|窝棚|棚里|棚子)",
                           r"(老人|老母亲|老父亲|老娘|老爹|老两口|我妈|我爸|父母|爸妈|婆婆|公公|俺)[^，。！？]{0,6}"
                           r"(被赶出|被撵出|赶出家门|撵出家门|被轰出)",
                           r"(无家可归|没地方住)[^，。！？]{0,8}(儿子|女儿|子女|儿媳)",
                           r"(老人|老母亲|老父亲|老娘|老爹|俺娘|俺爹|我妈|我爸|老两口)[^，。！？]{0,8}(锁|关)在?门外",
                           r"(瘫|躺)在床上[^，。！？]{0,8}没人(管|照顾|问)",
                           # left bedridden without care or food; an old person's house collapsed, sleeping in a shed
                           r"瘫在?床上.{0,40}(不管|没人管|没人照顾|不给饭|冷馒头|饿着|(丢|扔)(在)?家里)",
                           r"(屋子|房子|屋)[^，。！？]{0,4}塌.{0,20}(住在|睡在)[^，。！？]{0,4}(棚|圈|露天|桥洞|外头)",
                           r"(老人|老汉|老太|老光棍|老婆婆|老大爷|老娘|老爹|七十|八十|九十).{0,40}(吃饭[^，。！？]{0,3}没着落|没饭吃|饿肚子|"
                           r"[几两三四五好]天没吃|没吃东西|饿得|没给饭|不给饭)",
                           # bedridden and barely fed (瘫了三年 一天就给他端一碗稀饭 皮包骨头)
                           r"(瘫|卧床|躺在床上).{0,40}(一天就给|一天一顿|一碗稀饭|皮包骨|饿得|褥疮|身上都烂|嫌他活得长|嫌她活得长)",
                           r"(老人|奶奶|爷爷|姥姥|姥爷|老娘|老爹|俺爹|俺娘|我爸|我妈|老两口|公公|婆婆)[^，。！？]{0,6}(被|叫|让)[^，。！？]{0,4}"
                           r"(赶|撵|轰)(出来|出去|出门|出家门)",
                           r"(撵|赶|轰)到[^，。！？]{0,4}(柴房|牛棚|羊圈|猪圈|窝棚|棚子|门外)", r"(铺盖|被褥|被子)卷?[^，。！？]{0,2}(扔|撂|丢)(出来|出去|出门)",
                           r"(老人|老人家|老太太|老爷子|老娘|老爹|俺爹|俺娘|我爸|我妈|俺妈|俺爸|奶奶|爷爷|姥姥|姥爷|老两口|五保户|公公|婆婆)"
                           r"[^。！？]{0,12}(没地方住|没地方去|没处去|没处住|睡在?桥|住在?(门洞|桥洞|路边))",
                           r"(老人|老人家|老太太|老爷子|老娘|老爹|俺爹|俺娘|我妈|我爸|奶奶|爷爷|七十|八十|九十).{0,30}"
                           r"(一天(就|只)?(吃|给)?一顿|皮包骨|不让(她|他)?上桌吃饭)")),
    ("domestic_violence", _rx(r"家暴", r"家庭暴力", r"(老公|丈夫|男人|老婆|妻子|爸|妈|儿子|女婿|公公|婆婆|对象|男朋友)"
                              r"[^，。！？]{0,6}(打我|打了我|揍我|掐我|踢我|打伤)", r"被(他|她)?(打|殴打|揍)(了|伤|得)",
                              r"经常打我", r"又打我", r"虐待", r"(把我|把俺)[^，。！？]{0,4}锁(在)?[^，。！？]{0,2}(屋|家|房)", r"不让(我|俺)出(门|屋)",
                              r"(收|抢|摔)了?(我|俺)的手机",
                              r"被(她|他|我|俺)?(家)?(男人|老公|丈夫|媳妇|老婆|婆娘|男的|对象)(打|揍|踹)",
                              r"(把她|把他)[^，。！？]{0,2}锁(在)?(屋|家|房)",
                              r"(推|打|踹|掐)了?(她|他|我|俺|老人)一?(把|下|脚)?[^，。！？]{0,4}(摔断|骨折|打断|摔倒|动不了|起不来)",
                              r"(儿子|儿媳|女婿|孙子)[^，。！？]{0,6}打(老人|爹|娘|父母|爸妈|他爸|他妈|俺|我)",
                              # dialect verbs for beating (捶/揍/踹/抽/掐) aimed at the writer; not 打我电话
                              r"(?<![不别])(捶|揍|踹|掐)(我|俺)(?!的?(电话|手机|微信))", r"挨[^，。！？]{0,4}(揍|打|捶)(?![针电])",
                              r"(抽|扇)了?(我|俺|她|他)?[^，。！？]{0,3}(耳光|嘴巴子|大嘴巴|巴掌)",
                              r"掐(了|着|住)?[^，。！？]{0,4}脖子", r"把(我|俺|她)[^，。！？]{0,4}打(青|紫|肿|流产)", r"打(得)?流产",
                              r"(天天|老是|经常|又)打(我|俺)(?!电话)", r"推了?[^，。！？]{0,3}一把[^，。！？]{0,8}(摔|磕|撞)", r"(拽|揪|薅)着?[^，。！？]{0,4}头发", r"往墙上(撞|磕)",
                              r"(把|叫|被)(我|俺|她|他|老人)?推(倒|下楼)", r"(开水|热油|硫酸)[^，。！？]{0,2}泼|泼[^，。！？]{0,2}(开水|热油|硫酸)")),
    ("threat", _rx(r"(威胁|扬言|放话|说要|要)[^，。！？]{0,8}(打我|打死我|打断|上门|找上门|来家里|来我家|收拾我|弄我|报复|砸)",
                   r"(上门|堵门|到我家)[^，。！？]{0,3}(来)?(打|闹|砸|骂)", r"天天(来|上门)[^，。！？]{0,3}(闹|骂|打|砸)",
                   r"(要|扬言|说要|威胁)[^，。！？]{0,6}(杀了|杀死|砍死|砍了|弄死|打死|捅死|捅了)", r"(杀|砍|捅)(我|你|他|她)(全家)?",
                   r"人身威胁", r"恐吓", r"跟踪我", r"(正在|马上|明天|后天|今天|就要|要来|来了)[^，。！？]{0,8}强拆", r"打断(你|我|他|她)?的?(腿|手)", r"见(一次|一回)打(一次|一回)",
                   r"(拿|持|提|举|握|抡)着?(菜刀|砍刀|斧头|斧子|棍子|铁锹|锄头|刀|枪)", r"(挖机|挖掘机|推土机|铲车)[^，。！？]{0,10}(推|拆|铲|扒)",
                   r"(挖机|挖掘机|推土机|铲车)[^，。！？]{0,3}来了", r"(今天|马上|现在)[^，。！？]{0,4}(必须|就要|要)[^，。！？]{0,2}拆",
                   r"堵在家门口", r"(拿|持)(刀|棍|枪)",
                   r"(抽|捶|削|揍|砍|捅|弄|掐)死(你|我|俺|他|她|谁|人|你们|我们|俺们)",
                   r"(要|扬言|说要|放话|就|来|过来|下来|找人|叫人)[^，。！？]{0,6}(弄死|砍死|捅死|捶死|削死|抽死|掐死|揍死|毒死|烧死|砍了|捅了)",
                   r"(要|扬言|说要|放话|就|来|过来|找人|叫人)[^，。！？]{0,6}(削|捶|揍|收拾|砍|捅)(我|俺|你|他|她|谁)(?!的)",
                   r"要(我|俺|你)好看", r"把(她|他|孩子|娃|闺女|女儿)弄走", r"(天天|老是|一直|每天)(跟踪|尾随)",
                   # followed every day (not 一直跟着奶奶住: who a child lives with)
                   r"(天天|老是|每天)跟着(我|俺|她|俺闺女|我闺女|俺家闺女|我女儿|孩子)(?![^，。！？]{0,3}(住|过|生活|长大))",
                   r"(腿|手|胳膊)[^，。！？]{0,2}(打|敲|砸|掰)断(?![了过])", r"(就|叫|让)[^，。！？]{0,6}(车撞死|撞死|淹死)",
                   r"拆迁队[^，。！？]{0,8}(来了|砸|拖|推)", r"(被|给)拖出来", r"(打|敲|砸|掰)断[^，。！？]{0,2}(腿|手|胳膊)",
                   r"剁了?[^，。！？]{0,3}(手|手指|脚|腿)", r"(就|要|叫|让)[^，。！？]{0,6}(着火|放火)", r"汽油",
                   r"(把|将)[^，。！？]{0,3}(闺女|女儿|孩子|娃|儿子|媳妇|老婆)[^，。！？]{0,2}卖了",
                   r"(让|叫)(你|我|俺|他)?[^，。！？]{0,2}出不了",
                   r"(挖掘机|挖机|推土机|铲车|钩机)[^，。！？]{0,6}(门口|院子|院里|家门|开来|开到|进村)",
                   r"(明天|后天|今天|今晚|晚上|马上|一早)[^，。！？]{0,6}(就要|就来|要来|来|要|接着)[^，。！？]{0,2}(强拆|拆|扒)(?!迁)",
                   r"(墙|房子|屋)[^，。！？]{0,4}(推|扒|拆)了一半")),
    ("detention", _rx(r"(?<![会能])被(警察|公安|派出所)?(抓|拘|刑拘|拘留|羁押|逮捕|关押|带走)(?![留押捕]?过|[^，。！？]{0,4}(吗|吧|呢))", r"抓走了", r"(警察|公安)[^，。！？]{0,4}带走",
                      r"看守所", r"关进去了", r"铐(上|走|起来|住)",
                      r"(叫|让|给)[^，。！？]{0,6}(警察|公安|派出所|穿制服的)[^，。！？]{0,6}(抓|带走|拉走|铐)", r"行政拘留", r"拘留[^，。！？]{0,3}(十|\d+|几)[^，。！？]{0,2}天", r"送进去了?", r"(叫|让|给|被)[^，。！？]{0,4}逮(了|走|起来|进去)", r"(叫|被)[^，。！？]{0,6}(批捕|逮捕)了",
                      r"(叫|被|让|给)[^，。！？]{0,6}(公安|警察|派出所)[^，。！？]{0,2}(拘|抓|关|扣)(起来|走|下|进去)",
                      r"(带去|叫去|传去)[^，。！？]{0,4}问话[^。！？]{0,12}没(放|回)")),
    # hurt in a fight just now (a head, blood, a brick): the police and a doctor first, whatever the dispute was about
    ("violence_injury", _rx(r"(被|挨了?)[^，。！？]{0,6}(打|砍|捅|砸|踢)[^，。！？]{0,3}(了)?[^，。！？]{0,4}(鼻子|头|脑袋|眼睛|脸)?[^，。！？]{0,3}"
                            r"(出血|流血|破了|看不清|看不见|昏|晕)",
                            r"(头|脑袋)上?挨了[^，。！？]{0,3}(砖|刀|棍|棒|锄头|铁锹)",
                            r"(鼻子|头|脑袋)[^，。！？]{0,3}(出血|流血|被打破)[^。！？]{0,20}(打我|打了我|打俺|人跑了)",
                            r"(把|叫|被|让)(我|俺|他|她|人)?[^，。！？]{0,3}(打|砍|捅)了?[^。！？]{0,10}缝了?[^，。！？]{0,3}针",
                            r"(叫人|被人|叫|被)[^，。！？]{0,3}打了[^。！？]{0,12}(昏迷|住院|抢救|没醒|起不来)")),
    # someone held against their will (扣着不放, 锁着门不让走, 拿钱来赎人): the police first, no money paid
    ("confined", _rx(r"(扣|关|锁)(着|在)[^，。！？]{0,8}(不放|不让(走|出|回))", r"锁着门不让", r"赎人", r"拿[^，。！？]{0,4}钱[^，。！？]{0,3}领人",
                     r"传销[^，。！？]{0,8}(出不来|跑不了|不让走|跑不出)",
                     # let go only once money is paid (交三万才让她走, 还清了才放), watched over (叫人看住了)
                     r"(交|拿|给|还)[^。！？]{0,12}才(放|让(她|他|我|俺|人)?走)", r"(叫|被)人看住", r"(关|锁)在[^。！？]{0,20}不让(出去|出来|走|离开)", r"(绑|捆)(在|起来|住|着)", r"关在[^，。！？]{0,8}(小屋|屋里|房里)[^，。！？]{0,3}不让出")),
    # wages unpaid and the worker stranded far from home without money or food
    ("stranded", _rx(r"(工资|工钱|工姿|工资|血汗钱|老板跑|包工头跑|卷钱跑|不给钱|拖着不给|一分没给|没拿到).{0,40}"
                     r"(回不了家|回不去|买不起|没钱回家|身无分文|一分钱没有|一分钱都没有|饭都吃不上|吃饭的钱都没|没饭吃|"
                     r"饿了[两三几好]天|困在|睡在?(火车站|车站|桥洞|桥底下|天桥|马路|大街|露天)|(火车站|车站|桥洞|桥底下|天桥底下|露天)[^，。！？]{0,2}睡|"
                     r"就?剩[^，。！？]{0,3}块钱|车票钱都没|路费都没|连[^，。！？]{0,3}车票)",
                     r"(困在|回不了家|回不去|身无分文).{0,20}(老板跑|包工头跑|卷钱跑|不给钱|拖着不给|工资|工钱)")),
    # money sent to a swindler just now: the police can still stop the payment if told at once
    ("fraud_in_progress", _rx(r"(刚|刚刚|刚才|今天|昨天)[^。！？]{0,30}(转|汇|打)了?[^，。！？]{0,6}(钱|万|元|块)[^。！？]{0,20}(被骗|骗子|上当)",
                              r"(刚|刚刚|刚才)[^，。！？]{0,4}(被骗|上当)",
                              # the swindle told without the word 骗: someone posing as 客服/警察, a shared screen
                              r"(刚|刚刚|刚才|今天|昨天)[^。！？]{0,30}(冒充|假冒|自称|共享屏幕|屏幕共享)[^。！？]{0,30}(转|汇)了?[^，。！？]{0,6}(钱|万|元|块)",
                              r"(刚|刚刚|刚才|今天|昨天)[^。！？]{0,30}(转|汇)了?[^，。！？]{0,6}(钱|万|元|块)[^。！？]{0,20}(冒充|假冒|共享屏幕|屏幕共享|联系不上|拉黑)",
                              r"(转|汇|打)[^，。！？]{0,8}安全账户",
                              # the police-impersonation script: 涉嫌洗钱 … 把钱转到一个账户上 (no police asks for a transfer)
                              r"(涉嫌洗钱|涉嫌犯罪|资金核查|资金清查|通缉令|逮捕令|冻结你)[^。！？]{0,40}(转|汇)",
                              r"(刚|刚刚|刚才)[^。！？]{0,12}(自称|冒充|假冒|说是)[^。！？]{0,60}(转|汇)了?[^，。！？]{0,6}(钱|万|元|块)")),      # no police or bank has a 安全账户: always a swindle
    ("deadline", _rx(r"(还有|只剩|就剩|剩下?)[^，。！？]{0,4}(天|个?星期|周)[^，。！？]{0,8}(时效|期限|到期|过期|截止)",
                     r"(时效|期限|上诉期)[^，。！？]{0,8}(快|马上|就要|即将|明天|后天|今天)[^，。！？]{0,4}(到|过|届满|截止|结束)",
                     r"(明天|后天|今天)[^，。！？]{0,6}(就)?(过|到)[^，。！？]{0,4}(时效|期限|上诉期)",
                     r"时效[^，。！？]{0,4}(还有|只剩)[^，。！？]{0,4}天")),
]
# each kind also takes the word-class rules of risk_words.py (harm verb + tool or a body hurt now, …)
RISK_PATTERNS = [(risk, _rx(pattern.pattern, *RULES.get(risk, ()))) for risk, pattern in RISK_PATTERNS]
# kinds that are about harm done or threatened: told as long past (那年, 前几年 … 被拘留过), nobody is in danger now
HARM_TOLD_AS_PAST_IS_CALM = {"child_at_risk", "elder_expelled", "domestic_violence", "threat", "detention",
                             "violence_injury", "confined", "stranded"}

HUMAN_PATTERN = _rx(r"转人工", r"^人工(客服|服务|咨询|回复)?[。！!？?]*$", r"^(人工|真人)(客服|服务)", r"找人工", r"要人工",
                    r"找(个|一个)?真人", r"找(个|一个)?律师", r"联系律师", r"跟律师(聊|说|谈)", r"律师帮(我|忙)",
                    r"(找|要|转|联系)(个|一个)?工作人员", r"有人(吗|在吗)")
ELIGIBILITY_PATTERN = _rx(r"(申请|办理?|符合|够|能不能|能否|可以|能)[^，。！？]{0,8}(法律援助|法援)",
                          r"(法律援助|法援)[^，。！？]{0,8}(条件|资格|怎么申请|能申请|申请吗|符合|标准|找谁|去哪)",
                          r"免费(的)?律师", r"请不起律师", r"没钱(请|找)律师")
DOCUMENT_PATTERN = _rx(r"(帮我|帮俺|给我|替我|帮忙|能不能|可以)[^，。！？]{0,4}(写|填|弄|做|拟|准备|出)[^，。！？]{0,10}"
                       r"(申请书|起诉状|诉状|申请表|文书|状子)",
                       r"^(好的?|要|需要|行|可以)?[，,。！!\s]*(帮我|帮俺)(写|填)(一下|吧|好)?[。！!]*$")
GREETING_PATTERN = _rx(r"^(你好|您好|在吗|在不在|哈喽|嗨|hi|hello|hey|早上好|上午好|中午好|下午好|晚上好|早|喂)"
                       r"[呀啊吗么呢!！~。.,，？?\s]*$")
THANKS_PATTERN = _rx(r"^(谢谢|感谢|多谢|谢了|thanks?|thank you|好的?谢谢|明白了?谢谢|辛苦了|好的|知道了|明白了|懂了|ok)"
                     r"[你您啦了呀啊!！~。.,，\s]*$")
EXPAND_PATTERN = re.compile(r"第\s*(?P<n1>[一二三四五六七八九十\d]{1,3})\s*(?:点|条建议|步|个)[^\n]{0,12}"
                            r"(?:详细|具体|展开|再说|细说|多说|解释|怎么(?:做|办|弄)|是什么意思)"
                            r"|(?:详细|具体|展开|再说|细说|说说)[^\n]{0,6}第\s*(?P<n2>[一二三四五六七八九十\d]{1,3})\s*(?:点|步)")
FOLLOW_UP_PATTERN = _rx(r"^(那|那么|那如果|如果|要是|假如|万一|还有|另外|然后呢|那要|那我|那他|那她|那公司|那老板)",
                        r"(呢|那怎么办|怎么办呢)[？?]?$")
# explicit citation: 法名 + 第X条 (the knowledge base decides whether the law exists)
CITATION_PATTERN = re.compile(r"《?[\u4e00-\u9fff]{1,30}?(法|法典|条例|规定|办法|解释|细则|决定)》?\s*"
                              r"第?\s*[零〇一二两三四五六七八九十百千\d]{1,6}\s*条(之[一二三四五六七八九十\d]+)?")
LOOKUP_CUES = _rx(r"是什么", r"说(了)?什么", r"讲(了)?什么", r"(什么|啥)内容", r"原文", r"怎么(规定|说)", r"规定了什么",
                  r"(内容|条文)$", r"^(查|查询|看看?|帮我查)", r"全文")
# messages with one of these words are about a problem the law may cover
LEGAL_CUES = _rx(r"法", r"律", r"合同", r"工资", r"欠薪", r"讨薪", r"赔", r"补偿", r"离婚", r"起诉", r"仲裁", r"诉讼",
                 r"公司", r"老板", r"单位", r"工伤", r"辞退", r"开除", r"社保", r"加班", r"借", r"欠", r"债", r"还钱",
                 r"房", r"地", r"宅基地", r"承包", r"遗产", r"继承", r"抚养", r"赡养", r"彩礼", r"打", r"伤",
                 r"车祸", r"交通事故", r"骗", r"偷", r"警察", r"派出所", r"法院", r"律师", r"维权", r"投诉", r"商家",
                 r"退款", r"退货", r"假货", r"权利", r"违法", r"犯罪", r"判", r"罚", r"拆迁", r"征地", r"劳动",
                 r"孩子", r"老人", r"邻居", r"拖欠", r"押金", r"租", r"保险", r"医疗", r"医院", r"事故", r"纠纷",
                 r"义务", r"责任", r"承担", r"合法", r"违约", r"侵权", r"罪", r"权", r"擅自", r"救济", r"造成")
# a question about someone's liability for a suicide is a legal question, not a person at risk
# (not 活着受罪 / 遭罪: suffering, no crime)
LIABILITY_QUESTION = _rx(r"责任", r"赔偿", r"承担", r"构成", r"犯罪", r"(?<![受遭])罪", r"判")
CRIME_LAW_QUESTION = _rx(r"(?<![受遭])罪", r"量刑", r"判几年", r"判多久", r"怎么判", r"刑法", r"刑期")
THREAT_TO_ME = _rx(r"(我|俺|咱|我们|我家|俺家|孩子|老人)[^，。！？]{0,8}(威胁|扬言|要杀|要砍|打死|弄死|上门)")
FIRST_PERSON_CRISIS = _rx(r"我[^，。！？]{0,4}(想|要|准备|打算)[^，。！？]{0,4}(死|自杀|轻生|跳楼)", r"不想活", r"活不下去",
                          r"想死", r"寻死", r"一了百了",
                          # someone's plan told now, whoever tells it (他就带着娃一起死, 写了遗书)
                          r"(一起|一块)(去)?死", r"(?<!没)(写|留)(了|下|好)遗书", r"死(了)?给(他|她|你|他们)看", r"(就|要)[^，。！？]{0,4}跳下去")
# clearly not law (topics such as 股票/旅游 can be legal questions, so they are not listed)
OFF_TOPIC = _rx(r"天气", r"下雨", r"气温", r"菜谱", r"怎么做(菜|饭|红烧|饺子)", r"红烧肉", r"做饭", r"食谱", r"股市",
                r"笑话", r"星座", r"算命", r"电影推荐", r"电视剧", r"唱(首|个)?歌", r"写(首|一首)?诗", r"景点",
                r"减肥", r"\bweather\b", r"\brecipe\b", r"\bjoke\b")
# instruction-like content aimed at the assistant itself
INJECTION_PATTERN = _rx(r"忽略(以上|之前|前面|上面|所有)?的?(所有)?(指令|指示|规则|设定|提示|要求)",
                        r"(无视|忘记|忘掉)(以上|之前|前面|你)?的?(所有)?(指令|指示|规则|设定|提示|要求)",
                        r"ignore (all |the )?(previous|above|prior) (instructions|prompts?|rules)",
                        r"(系统提示|system prompt|提示词|你的指令)", r"你现在(是|扮演)", r"扮演(一个|一名)?",
                        r"developer mode|jailbreak|DAN模式", r"(输出|告诉我|说出)[^，。！？]{0,6}(提示词|指令|prompt)")
WORD_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _point_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        return CN_NUM.get(text, 0)
    if text.startswith("十"):                        # 十一
        return 10 + CN_NUM.get(text[1:], 0)
    tens, _, ones = text.partition("十")             # 二十 / 二十一
    return CN_NUM.get(tens, 0) * 10 + CN_NUM.get(ones, 0)


def strip_injection(text: str) -> tuple[str, bool]:
    """Remove instruction-like phrases; the rest of the message is still answered."""
    cleaned = INJECTION_PATTERN.sub(" ", text)
    return re.sub(r"\s{2,}", " ", cleaned).strip(" ，,。.：:;；"), cleaned != text


def detect_intent(message: str, *, has_topic: bool = False, has_points: bool = False) -> Intent:
    """Classify one message. `has_topic`/`has_points` say whether the session has a previous
    answer to lean on (short follow-ups only make sense then)."""
    text = message.strip()
    cleaned, injection = strip_injection(text)

    def intent(name: str, **kw) -> Intent:
        return Intent(name, injection=injection, cleaned=cleaned, **kw)

    if not WORD_CHARS.search(cleaned):
        return intent(OUT_OF_SCOPE if injection else UNCLEAR)
    long_ago = told_long_ago(cleaned)
    for risk, pattern in RISK_PATTERNS:
        if pattern.search(cleaned):
            if long_ago and risk in HARM_TOLD_AS_PAST_IS_CALM:
                continue
            if risk == "suicide" and LIABILITY_QUESTION.search(cleaned) and not FIRST_PERSON_CRISIS.search(cleaned):
                continue
            if risk == "threat" and CRIME_LAW_QUESTION.search(cleaned) and not THREAT_TO_ME.search(cleaned):
                continue      # "持刀抢劫罪怎么量刑" asks about the law, nobody is threatened
            return intent(URGENT_RISK, risk=risk)
    if HUMAN_PATTERN.search(cleaned):
        return intent(HUMAN_REQUEST)
    if DOCUMENT_PATTERN.search(cleaned):
        return intent(DOCUMENT_REQUEST)
    citation = CITATION_PATTERN.search(cleaned)
    if citation:
        rest = (cleaned[:citation.start()] + cleaned[citation.end():]).strip(" ？?。.！!，,")
        if not rest or LOOKUP_CUES.search(rest) or len(rest) <= 4:
            return intent(STATUTE_LOOKUP)
    if ELIGIBILITY_PATTERN.search(cleaned):
        return intent(ELIGIBILITY)
    if GREETING_PATTERN.match(cleaned):
        return intent(GREETING)
    if THANKS_PATTERN.match(cleaned):
        return intent(THANKS)
    expand = EXPAND_PATTERN.search(cleaned)
    if expand and has_points:
        number = _point_number(expand.group("n1") or expand.group("n2"))
        return intent(EXPAND_POINT, point=number)
    if OFF_TOPIC.search(cleaned) and not LEGAL_CUES.search(OFF_TOPIC.sub("", cleaned)) and len(cleaned) <= 40:
        return intent(OUT_OF_SCOPE)
    if has_topic and len(cleaned) <= 30 and FOLLOW_UP_PATTERN.search(cleaned):
        return intent(FOLLOW_UP)
    if injection and not LEGAL_CUES.search(cleaned):
        return intent(OUT_OF_SCOPE)
    return intent(LEGAL_QUESTION)
