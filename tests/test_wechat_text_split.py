"""Splitting answers under WeChat's byte limits, on character boundaries."""
from __future__ import annotations

import pytest

from assistant.channels.text_split import split_by_bytes, truncate_to_bytes, utf8_len


def test_short_text_is_one_piece():
    assert split_by_bytes("  工资被拖欠怎么办？ ", 2048) == ["工资被拖欠怎么办？"]


def test_pieces_respect_the_byte_limit_and_keep_every_character():
    text = "劳动者可以解除劳动合同。" * 500            # 18 000 bytes of 3-byte characters
    pieces = split_by_bytes(text, 2048)
    assert all(utf8_len(p) <= 2048 for p in pieces)
    assert "".join(pieces) == text and len(pieces) == 9
    assert all(p.endswith("。") for p in pieces)           # cut after a sentence


def test_four_byte_characters_are_never_cut():
    text = "👨‍⚖️法" * 400 + "😀" * 1000
    pieces = split_by_bytes(text, 2048)
    assert all(utf8_len(p) <= 2048 for p in pieces)
    assert "".join(pieces) == text
    for piece in pieces:
        piece.encode("utf-8").decode("utf-8")            # each piece is valid UTF-8 on its own


def test_text_without_any_break_is_cut_hard():
    text = "a" * 5000
    assert [len(p) for p in split_by_bytes(text, 2048)] == [2048, 2048, 904]


def test_line_breaks_are_preferred_cut_points():
    text = "第一段" * 100 + "\n" + "第二段" * 100
    assert split_by_bytes(text, 1000) == ["第一段" * 100, "第二段" * 100]


def test_truncate_marks_the_cut():
    text = "法" * 10000
    cut = truncate_to_bytes(text, 20480 // 4)
    assert utf8_len(cut) <= 5120 and cut.endswith("（内容过长，已截断）")
    assert truncate_to_bytes("短", 10) == "短"


def test_a_limit_below_one_character_is_a_programming_error():
    with pytest.raises(ValueError):
        split_by_bytes("法", 2)
