"""Splitting answers under the byte limits of WeChat text messages (UTF-8 bytes, not characters).

Cuts fall on character boundaries, preferably after a line break or a sentence end (。！？；) in
the second half of the piece, so a Chinese answer is not cut mid-sentence when it can be helped."""
from __future__ import annotations

_SOFT_BREAKS = ("\n", "。", "！", "？", "；", "!", "?", ";")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_by_bytes(text: str, limit: int) -> list[str]:
    if limit < 4:
        raise ValueError("limit must hold at least one UTF-8 character (4 bytes)")
    text = text.strip()
    pieces: list[str] = []
    while text:
        if utf8_len(text) <= limit:
            pieces.append(text)
            break
        # longest prefix within the limit (character boundary)
        end, used = 0, 0
        for ch in text:
            size = utf8_len(ch)
            if used + size > limit:
                break
            used += size
            end += 1
        cut = max(text.rfind(mark, 0, end) for mark in _SOFT_BREAKS) + 1
        if cut < end // 2:
            cut = end
        piece = text[:cut].rstrip()
        pieces.append(piece or text[:end])
        text = text[cut:].lstrip() if piece else text[end:].lstrip()
    return pieces


def truncate_to_bytes(text: str, limit: int, notice: str = "…（内容过长，已截断）") -> str:
    if utf8_len(text) <= limit:
        return text
    return split_by_bytes(text, limit - utf8_len(notice))[0] + notice
