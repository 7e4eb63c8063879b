"""Urgent risk told by word classes, not by single sentences (issue #22): a harm verb with a tool or a
body that cannot move now, someone left or held somewhere, a death planned in lay words, a house
being torn down now, harassment at the door, workers stranded without pay. Each rule joins classes
(who, what is done, what state now); intents.py adds these to its kinds' own patterns.

Written from the misses of a batch never tuned on (tests/data/urgent_villager_fresh2.toml): what
those misses had in common, kept narrow by the calm messages that share the words (拿石头把玻璃砸了
by a child at play, 吓死我了, 日子过不下去了, 从楼上下去拿快递)."""
from __future__ import annotations

CLAUSE = r"[^，。！？]"          # within one clause
SENTENCE = r"[^。！？]"          # within one sentence

# a person as the one harmed (single characters are kin words: 俺哥, 他爹 …)
PERSON = (r"(俺|我|咱|他|她|人|娃|孩子|小孩|老人|老汉|老太太?|老伴|男人|媳妇|婆娘|老婆|老公|对象|闺女|女儿|儿子|小子|"
          r"孙子|孙女|爹|娘|爸|妈|婆婆|公公|哥|弟|姐|妹|侄子|侄女|外甥)")
# someone who cannot look after themselves: a child, an old or sick person
CHILD = r"(娃|孩子|小孩|婴儿|小娃|闺女|儿子|孙子|孙女|外孙|侄子|侄女)"
GIRL = r"(闺女|女儿|孙女|侄女|继女|外孙女|外甥女|妹子|妹妹|小姑娘|小女孩|女娃)"
ELDER = (r"(老人|老人家|老汉|老头|老太太|老太|老婆婆|老大爷|老爷子|老娘|老爹|俺爹|俺娘|我爸|我妈|俺爸|俺妈|奶奶|爷爷|姥姥|姥爷|老两口|公公|婆婆)")
ASSAULT = r"(打|揍|捶|踹|踢|抡|砸|砍|捅|扎|划|掐|勒|抽|扇)"
TOOL = (r"(扁担|板凳|凳子|椅子|棍子?|棒子?|木棒|铁棍|钢管|镐把|锄头|铁锹|锹|砖头?|石头|擀面杖|皮带|鞭子|菜刀|砍刀|刀|"
        r"斧头?|酒瓶子?|瓶子|火钳|烟灰缸)")
# a body that shows the harm now (not 擦破点皮: nothing here a plaster mends)
BODY_NOW = (r"(抬不起来|动不了|动弹不了|起不来|站不起来|下不了床|不动了|睁不开|说不出话|喘不上气|喘不过气|浑身是血|满脸是血|"
            r"一脸的?血|满身是血|血流|吐血|直流血|变形|撞飞|人事不省|叫不醒|没反应|不会动)")
# what is done to a home to drive its people out or scare them (not 倒垃圾: a nuisance)
FOUL = r"(死(猫|狗|老鼠|耗子|鸡|鸭|蛇)|石头|砖头?|大粪|粪|屎|尿|红油漆|油漆|红漆|汽油|冥币|花圈|纸钱)"
HOSTILE = (r"(砸|扔|泼|堵|踹门|追着|威胁|放话|扬言|混混|二流子|要账|讨债|放贷|高利贷|村霸|打人|打我|打俺|打她|打他)")
# afraid now; 躲在 only for the writer's side (not 欠钱的躲在老家)
FEAR = r"(不敢出门|不敢出声|不敢回家|不敢开门|不敢睡|吓得不轻|(俺|我|咱|娃|孩子)们?[^，。！？]{0,4}(躲在|躲到|藏在))"
# what shows a worker has nothing left far from home
STRANDED = (r"(回不了家|回不去|(车票|票钱?){c}{{0,3}}买不起|买不起{c}{{0,3}}(车票|票)|没钱回家|身无分文|一分钱(都)?没有|饭都吃不上|吃饭的钱都没|没饭吃|没吃没住|吃住都(成)?问题|"
            r"饿了[两三几好]天|困在|睡在?(火车站|车站|桥洞|桥底下|天桥|马路|大街|露天)|(火车站|车站|桥洞|桥底下|天桥底下|露天){c}{{0,2}}睡|"
            r"(就|只)?剩{c}{{0,3}}块钱|身上就{c}{{0,3}}块钱|车票钱都没|路费都(没|凑不齐|不够)|连{c}{{0,3}}(车票|路费))").format(c=CLAUSE)
WORK = (r"(工资|工钱|工姿|血汗钱|老板|包工头|工头|黑中介|中介|打工|干活|工地|工棚|厂里|不给钱|拖着不给|一分(没|不)给|"
        r"没拿到|卷钱跑|跑路)")

C, S = CLAUSE, SENTENCE
RULES: dict[str, tuple[str, ...]] = {
    "suicide": (
        rf"(交代|安排|准备)(好)?后事|后事{C}{{0,3}}(交代|安排)",                                     # 把后事都交代给娃了
        rf"吃多少{C}{{0,4}}(能|会|就)(睡过去|死|醒不过来)",                                         # 那个药吃多少能睡过去
        rf"(就|要|非得|干脆|俺|我){C}{{0,3}}从{C}{{0,8}}(楼上|楼顶|塔吊|桥上|天台|楼)(上)?(跳)?下去",
        rf"(坐|站|蹲|待)在?{C}{{0,3}}(河边|江边|湖边|水库边|桥上|楼顶|天台|铁轨|井边|崖边)|"
        rf"(河边|江边|湖边|水库边|桥上|楼顶|天台|铁轨上)(坐着|站着|蹲着|待着)",
        r"不如早点走|早点走了(好|算了)|不如走了算了|死了算了|死了拉倒|一死了之|(俺|我)不活了",
        rf"(绳子|药){C}{{0,4}}(都)?(准备|备)好了",
        r"(有|拿着|揣着)一?(瓶|包|盒)(敌敌畏|百草枯|安眠药|老鼠药|耗子药)",
    ),
    "child_at_risk": (
        # left with nobody, or hungry: 把娃扔给俺就跑了, 娃天天饿的在俺家门口要吃的
        # (not 扔给他妈自己出去不管: a grandmother has the child)
        rf"把{CHILD}{C}{{0,3}}(扔|丢|撂|甩)给{S}{{0,14}}(跑了|没影|不要了|联系不上)",
        rf"把{CHILD}{C}{{0,3}}(扔|丢|撂|甩)(在|下){S}{{0,14}}(跑了|走了|不管了?|没影|不要了|没找着|找不着|不见了|联系不上)",
        rf"{CHILD}{C}{{0,6}}饿(的|得){C}{{0,6}}(哭|要吃的|讨饭|翻垃圾|皮包骨|走不动)",
        # a step-parent beating, an adult creeping to a girl's bed, hands on pupils (后爹, 妹子, 动手动脚)
        rf"(后妈|后娘|继母|后爸|后爹|继父)({C}{{0,2}}把{CHILD}{C}{{0,4}}{ASSAULT}|{C}{{0,2}}{ASSAULT}{CHILD})", rf"往{C}{{0,4}}{GIRL}{C}{{0,2}}(屋|房|被窝|床)里?钻",
        rf"{GIRL}{S}{{0,20}}(动手动脚|摸来摸去|脱(她|他|她们)的?衣服)|(孩子|学生|娃|小孩){S}{{0,20}}(动手动脚|摸来摸去)",
    ),
    "elder_expelled": (
        rf"把{ELDER}{C}{{0,3}}(扔|丢|撂|甩)(给|在|下){S}{{0,14}}(跑了|走了|不管了?|没影|不要了|没找着|找不着|不见了|联系不上)",
        rf"(老年痴呆|痴呆){S}{{0,20}}(走丢|找不着|找不到|没找着|不见了)",
        rf"没人(送饭|管饭|给饭|送吃的)",
        rf"{ELDER}{S}{{0,12}}(锁|关|撵|赶|轰)在?{C}{{0,2}}门外",
        # fallen and left lying (摔在地上起不来 一宿没人管)
        rf"(摔|倒)在地上{S}{{0,10}}(起不来|没人管|一夜|一宿|好几个钟头|半天)",
        # kept from food by the children (大儿子把俺的存折拿走了 还不给饭吃)
        rf"(儿子|儿媳|闺女|女婿|子女|儿女|孙子){S}{{0,16}}(不给|没给|不让)(俺|我|他|她|老人)?(饭吃|吃饭|上桌)",
    ),
    "threat": (
        r"你死我活|同归于尽|要(了)?(你|他|她)的?(老)?命|废了(你|他|她|我|俺)|(打|弄)残(你|他|她|我|俺)",
        rf"(找人|叫人|带人){C}{{0,4}}(弄|收拾|修理|教训|办)(你|我|俺|他|她)", r"炸了?(你|我|俺|他|她)们?家",
        # at the door now: kicking it in, shouting, waiting outside (还在门口骂, 踹门)
        r"踹门|砸门|撬门|撬锁",
        rf"(现在|正在|还在|这会|一直){C}{{0,8}}(门口|门外|院外|楼下|院里|屋外){C}{{0,8}}(踹|砸|撬|骂|喊|堵|守|闹|不走)",
        rf"(门上|墙上){C}{{0,2}}写{C}{{0,4}}(欠债还钱|去死|死全家)",
        rf"(救命啊|喊救命|叫救命|呼救|^救命(?!钱|稻草|恩|药))",
        # harassment at the door: dead animals, dung, paint thrown at the home; the home's glass smashed
        rf"(扔|挂|放|丢|撂){C}{{0,6}}死(猫|狗|老鼠|耗子|鸡|鸭|蛇)", rf"泼{C}{{0,2}}(大粪|粪|屎|尿|红油漆|油漆|红漆)",
        rf"(往|朝){C}{{0,3}}家{C}{{0,4}}(扔|泼|丢|撒|倒){C}{{0,3}}{FOUL}",
        rf"(俺|我|咱)们?家{C}{{0,3}}(玻璃|窗户|窗子|大门|门窗){C}{{0,6}}砸(了|烂|碎)|砸(了|烂|碎)?(俺|我|咱)们?家的?(玻璃|窗户|窗子|大门|门窗)",
        # someone afraid at home because of what others do now (俺和老伴不敢出门)
        rf"{FEAR}{S}{{0,60}}{HOSTILE}|{HOSTILE}{S}{{0,60}}{FEAR}",
        # a house torn down now, machines driven in, a crowd sent (正在拆, 正扒着呢, 钩机开进来)
        rf"正在?{C}{{0,2}}(拆|扒|推)(?=着|呢|了|房|屋|俺|我|咱|$|[，。！？\s])",
        rf"(挖掘机|挖机|推土机|铲车|钩机){C}{{0,6}}(开进|进来|围)",
        rf"(带了|来了){C}{{0,4}}(一百多|几十|好几十|一帮|一群|一大帮)号?人{S}{{0,10}}(围|拆|砸|扒)",
        rf"再不搬{C}{{0,4}}(推|拆|扒|强拆)", r"强行(拆|扒|推)",
        rf"((屋|房)里(还)?有人|人还在(屋里|里面|里头|屋)){S}{{0,20}}(拆|推|扒|挖)|(拆|推|扒|挖){S}{{0,20}}((屋|房)里(还)?有人|人还在(屋里|里面|里头))",
    ),
    "violence_injury": (
        # beaten with a tool (拿扁担把俺抡了, 拿板凳砸我); not 拿石头把玻璃砸了: the one hit is a person
        rf"(拿|用|抄起|抡起|举起|抄着|拎着|提着){C}{{0,2}}{TOOL}([^，。！？把]{{0,4}}把{PERSON}{C}{{0,2}}|[^，。！？把]{{0,3}}){ASSAULT}"
        rf"(了|得|伤|破|断|一下|一顿|{PERSON})",
        # beaten and the body shows it now (叫她哥揍了一顿眼睛肿的睁不开)
        rf"(被|叫|让|给){C}{{0,6}}{ASSAULT}(了|得|伤|破|断|肿|青|成|一顿){S}{{0,16}}{BODY_NOW}",
        # a fight going on now (正在打俺婆婆, 又打起来了 … 喊救命)
        rf"(正在|正|还在){C}{{0,3}}{ASSAULT}{PERSON}", r"(又|正在|还在)动手(?!术)",
        rf"把{PERSON}{C}{{0,2}}{ASSAULT}(得|了|成){S}{{0,10}}{BODY_NOW}", rf"打起来了{S}{{0,20}}(拉不住|劝不住|见血|出血|动刀|拿刀)",
    ),
    "confined": (
        rf"(铁链|链子|绳子){C}{{0,4}}(拴|锁|捆|绑)|(拴|锁)(在|着){C}{{0,6}}(猪圈|狗窝|羊圈|牛棚|柱子|树上|床腿)",
        rf"(弄到|带到|拉到|骗到|骗进|关进|关到|锁进){S}{{0,16}}不让(走|出来|出去|离开|回家|回来)",
        rf"被(关|锁)在{C}{{0,4}}(屋|房|家|院)(?!门?外)",
        rf"手机{C}{{0,4}}(收了|没收|被收|抢了|扣了){S}{{0,16}}(不让|出不去|出不来|跑不了|逃不出)|"
        rf"(出不去|出不来|跑不了|逃不出){S}{{0,16}}手机{C}{{0,4}}(收了|没收|被收|抢了|扣了)",
        rf"不让(走|出来|出去){S}{{0,12}}(打|拿|交|给){C}{{0,4}}(钱|万)",
    ),
    "detention": (
        rf"(在)?(派出所|看守所|拘留所){C}{{0,2}}(关着|押着|扣着)", rf"(公安|警察|派出所){C}{{0,6}}(押走|扣起来|关起来)",
    ),
    "stranded": (
        rf"{WORK}.{{0,40}}{STRANDED}", rf"{STRANDED}.{{0,20}}{WORK}",
    ),
}
