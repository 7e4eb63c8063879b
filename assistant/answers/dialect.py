"""One written form for words villagers write in their own dialect: northern 俺 (俺家, 俺男人老打俺)
where the cards' words say 我 (打我, 欠我, 我家), 不叫俺进屋 for 不让我进屋, Cantonese 冇/咗/老细 for
没/了/老板. The question and every card word are put into this form before matching, so a card
word written either way matches a question written either way.

Only forms that mean one thing are listed: 叫 alone is also "call" (叫我走 = told me to go), so
only 不叫 (= 不让) is; 没得 is also 没+得到, so it is not."""
from __future__ import annotations

STANDARD_FORMS = (
    ("俺", "我"),
    ("不叫", "不让"),          # 不叫俺进屋 (northern): not allowed in
    ("莫得", "没有"),          # Sichuan
    ("冇", "没"),              # Cantonese: 冇签合同, 冇买社保
    ("咗", "了"),              # Cantonese: 做咗两年
    ("老细", "老板"),          # Cantonese
    ("而家", "现在"),          # Cantonese
)


def standard_forms(text: str) -> str:
    for dialect, standard in STANDARD_FORMS:
        text = text.replace(dialect, standard)
    return text
