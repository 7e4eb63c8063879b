"""Staff notifications as WeCom group-robot markdown messages.

The robot accepts at most 4096 bytes of markdown content; the summary is the part that gets cut
(on a UTF-8 character boundary), so the header, the console link and the mentions always survive.
Every piece of free text goes through `mask_pii` and `markdown_text` before it is put in a message:
a summary must not add links, `<@userid>` mentions, colours or headings to the staff group."""
from __future__ import annotations

from datetime import timedelta, timezone

from assistant.handoff.tickets import TicketView
from assistant.privacy import mask_pii

MAX_MARKDOWN_BYTES = 4096
_CHINA = timezone(timedelta(hours=8))
_PRIORITY_LABEL = {"urgent": "紧急", "high": "较急", "normal": "一般"}
_KIND_TITLE = {"new": "新的转人工工单", "reminder": "工单即将超时", "escalation": "工单已超时升级"}
_COLOR = {"urgent": "warning", "high": "warning", "normal": "info"}
_ELLIPSIS = "…（已截断）"
# the characters WeCom markdown acts on, as their full-width look-alikes (the text stays readable)
_MARKDOWN_SAFE = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "(": "（", ")": "）", "*": "＊",
                                "`": "｀", "#": "＃", "_": "＿", "~": "～", "\\": "＼"})


def markdown_text(text: str, *, one_line: bool = False) -> str:
    """Free text made inert in WeCom markdown (masked first: masking reads the original digits)."""
    safe = mask_pii(text).translate(_MARKDOWN_SAFE)
    return " ".join(safe.split()) if one_line else safe


def truncate_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` that fits in `max_bytes` UTF-8 bytes (never half a character)."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max(max_bytes, 0)].decode("utf-8", errors="ignore")


def console_link(base_url: str, ticket_id: str) -> str:
    return f"{base_url.rstrip('/')}/console/tickets/{ticket_id}"


def ticket_markdown(ticket: TicketView, kind: str, *, base_url: str, mentions: list[str] | None = None) -> str:
    due = ticket.due_at.astimezone(_CHINA).strftime("%m-%d %H:%M")
    head = "\n".join([
        f"### 【法援】{_KIND_TITLE.get(kind, kind)}",
        f'> 优先级：<font color="{_COLOR.get(ticket.priority, "info")}">{_PRIORITY_LABEL.get(ticket.priority, ticket.priority)}</font>',
        f"> 服务：{markdown_text(ticket.service, one_line=True)}　地区：{markdown_text(ticket.region or '未注明', one_line=True)}",
        f"> 工单：{ticket.id}　状态：{ticket.status}　渠道：{ticket.channel}",
        f"> 处理时限：{due}（北京时间）",
        "摘要：",
    ])
    tail_lines = [f"[打开工单]({console_link(base_url, ticket.id)})"]
    if mentions:
        tail_lines.append(" ".join(f"<@{m}>" for m in mentions))
    tail = "\n" + "\n".join(tail_lines)
    summary = markdown_text(ticket.summary or "（无摘要）")
    room = MAX_MARKDOWN_BYTES - len((head + "\n").encode()) - len(tail.encode())
    if len(summary.encode()) > room:
        summary = truncate_utf8(summary, room - len(_ELLIPSIS.encode())) + _ELLIPSIS
    content = f"{head}\n{summary}{tail}"
    return truncate_utf8(content, MAX_MARKDOWN_BYTES)  # only bites if the header itself is absurd


def webhook_payload(markdown: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": markdown}}
