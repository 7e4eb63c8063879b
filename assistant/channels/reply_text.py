"""What the channels say: the assistant's answer as plain text, the welcome, and the fixed
plain-Chinese messages for villagers when something cannot be answered."""
from __future__ import annotations

from assistant.contracts import ChatReply

WELCOME = (
    "您好，这里是“法援”公共法律服务助手。\n"
    "您可以直接用文字提问，例如“老板拖欠工资怎么办？”“我能申请法律援助吗？”。\n"
    "我会依据现行法律条文解答，并注明出处；可以帮您初步判断是否符合法律援助条件；"
    "需要时可以转给法律援助中心、人民调解员等工作人员跟进。\n"
    "解答仅供参考，不代替律师的正式意见。"
)
ONLY_TEXT = "目前只能回答文字提问，请用文字描述您的问题。"
EMPTY_QUESTION = "请用文字描述您的问题，例如：老板拖欠工资怎么办？"
ANSWER_FAILED = "抱歉，系统暂时无法回答，请稍后再试，或拨打12348公共法律服务热线。"
NOT_READY = "抱歉，法援服务正在启动，请稍后再试。"
BUSY = "现在咨询的人很多，请过几分钟再发一次您的问题。如有紧急情况请拨打 12348 或 110。"
STILL_WORKING = "问题较复杂，正在整理答复，稍后发送给您。"
RATE_LIMITED = "您发消息太频繁了，请稍等一两分钟再提问。如有紧急情况请拨打 12348 或 110。"


def chat_reply_text(reply: ChatReply) -> str | None:
    """The text to send for `reply`; None while staff own the conversation (the bot stays silent)."""
    if reply.silent:
        return None
    text = (reply.answer or "").strip()
    disclaimer = (reply.disclaimer or "").strip()
    if disclaimer and disclaimer not in text:
        text = f"{text}\n\n{disclaimer}" if text else disclaimer
    return text or None


def escape_cdata(text: str) -> str:
    """Text inside <![CDATA[...]]> must not close it early."""
    return text.replace("]]>", "]]]]><![CDATA[>")
