"""mask_pii and the log masking: every kind of personal number, in the shapes people type them."""
from __future__ import annotations

import logging
import re
import time

import pytest

from assistant.privacy import PiiLogFilter, install_log_masking, mask_pii, mask_value

ID18 = "110101199003071234"
ID18_X = "11010519491231002X"
ID15 = "110105491231002"
MOBILE = "13812345678"
BANK19 = "6222021234567890123"


@pytest.mark.parametrize("raw, secret", [
    (f"我的身份证号是{ID18}", ID18),
    (f"身份证{ID18_X}谢谢", ID18_X),
    (f"身份证 {ID18_X.lower()}", ID18_X.lower()),
    (f"老身份证{ID15}", ID15),
    ("身份证 110101 19900307 1234", "19900307"),
    (f"电话{MOBILE}，微信同号", MOBILE),
    ("电话 138 1234 5678", "1234 5678"),
    ("电话 138-1234-5678", "1234-5678"),
    ("+86 13812345678", "12345678"),
    ("+86-138-1234-5678", "1234-5678"),
    ("q=%E7%94%B5%E8%AF%9D+13812345678", "12345678"),  # URL-encoded space before a mobile
    ("００８６１３８１２３４５６７８", "１２３４５６７８"),
    ("１３８１２３４５６７８", "１２３４５６７８"),
    ("座机010-62345678", "62345678"),
    ("座机(0755)88889999转123", "88889999"),
    ("座机 0571 87654321", "87654321"),
    (f"工资卡{BANK19}", BANK19),
    ("卡号6222 0212 3456 7890", "0212 3456"),
    ("卡号6222-0212-3456-7890-12", "0212-3456"),
    ("我的邮箱 zhang.san+fy@example.com.cn", "zhang.san"),
    ("月收入3000元", "3000"),
    ("年收入大约4.5万", "4.5"),
    ("工资是 2,800 元", "2,800"),
    ("工资3000，3个月没发", "3000"),
    ("月收入1,250.50元。", "1,250.50"),
])
def test_personal_numbers_are_masked(raw, secret):
    masked = mask_pii(raw)
    assert secret not in masked
    assert "*" in masked


def test_mask_keeps_useful_context():
    assert mask_pii(f"身份证{ID18}") == "身份证110*************34"
    assert mask_pii(f"电话{MOBILE}") == "电话138****5678"
    assert mask_pii("+86 138-1234-5678") == "138****5678"
    assert mask_pii(f"卡{BANK19}").endswith("0123")
    assert mask_pii("a.b@qq.com") == "a***@qq.com"
    assert mask_pii("月收入3000元") == "月收入***元"


@pytest.mark.parametrize("text", [
    "《劳动合同法》第三十八条 第38条 第1款",
    "2026-11-28 13:58:57,123 INFO 共3人 欠薪12个月",
    "案号（2023）京0105民初12345号",
    "拖欠工资怎么办？",
    "请拨打12348法律服务热线",
    "邮编100101",
    "",
])
def test_ordinary_text_is_unchanged(text):
    assert mask_pii(text) == text


def test_invalid_dates_and_long_runs():
    # 18 digits that are not a valid ID still look like a bank card → masked
    assert "999999999999999999" not in mask_pii("编号999999999999999999")
    # a run longer than any card is masked as well, never half-masked
    assert "12345678901234567890123" not in mask_pii("x12345678901234567890123")


@pytest.mark.parametrize("text", ["拖欠工资3个月", "工资30天没发了", "工资1年多没结", "工资 12 个月"])
def test_durations_next_to_wage_words_are_not_amounts(text):
    assert mask_pii(text) == text


@pytest.mark.parametrize("raw,masked", [
    ("住在浙江省杭州市西湖区文三路478号5幢2单元301室", "住在浙江省杭州市西湖区文三路*号*幢*单元*室"),
    ("我家在李庄村5组", "我家在李庄村*组"),
    ("阳光小区3栋2-1单元501室", "阳光小区*栋*-*单元*室"),
    ("中关村大街27号", "中关村大街*号"),
])
def test_house_level_address_detail_is_masked_place_names_stay(raw, masked):
    assert mask_pii(raw) == masked


@pytest.mark.parametrize("text", ["每月15号发工资", "第3组", "村里3个人", "合同3份", "12月5号开庭",
                                  "工单 HT20260302-73684342 已创建"])   # an all-digit ticket id is no bank card
def test_numbers_that_are_no_address_stay(text):
    assert mask_pii(text) == text


def test_income_masking_can_be_switched_off():
    assert mask_pii(f"月收入3000元 电话{MOBILE}", income=False) == "月收入3000元 电话138****5678"


def test_mask_value_walks_nested_structures():
    data = {"phone": MOBILE, "list": [f"id {ID18}", 3], "n": None}
    masked = mask_value(data)
    assert MOBILE not in repr(masked) and ID18 not in repr(masked)
    assert masked["list"][1] == 3 and masked["n"] is None


def test_log_filter_masks_message_args_and_traceback(caplog):
    logger = logging.getLogger("fayuan.test.privacy.filter")
    handler_filter = PiiLogFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.INFO):
            logger.info("person %s phone %s", ID18, {"tel": MOBILE})
            try:
                raise ValueError(f"bad card {BANK19}")
            except ValueError:
                logger.exception("failed for %s", MOBILE)
    finally:
        caplog.handler.removeFilter(handler_filter)
    text = caplog.text
    for secret in (ID18, MOBILE, BANK19):
        assert secret not in text
    assert "138****5678" in text and "ValueError" in text


def test_installed_record_factory_masks_every_record(caplog):
    install_log_masking()
    install_log_masking()  # idempotent
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.other.module").warning("call back %s", MOBILE)
        logging.getLogger("x").info(f"f-string with {ID18}")
    assert MOBILE not in caplog.text and ID18 not in caplog.text
    assert all(r.args is None for r in caplog.records)


def test_masking_is_fast():
    text = ("我在工地干了三个月，老板一直不发工资，电话13812345678，身份证110101199003071234。" * 20)
    start = time.perf_counter()
    for _ in range(200):
        masked = mask_pii(text)
    per_call_ms = (time.perf_counter() - start) / 200 * 1000
    assert not re.search(r"\d{11}", masked)
    assert per_call_ms < 20  # ~1.5 KB message; generous bound for a shared 2-core box


def test_uvicorn_access_records_stay_formattable_and_masked():
    """uvicorn's access formatter unpacks record.args; masking must keep them a tuple."""
    import logging

    from uvicorn.logging import AccessFormatter

    from assistant.privacy import PiiLogFilter

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/v1/search?q=13812345678", "1.1", 200), None)
    PiiLogFilter().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert "13812345678" not in line
    assert "/v1/search" in line and "200" in line


# --- the shapes found by the second security review (issue 25) ------------------------------------

@pytest.mark.parametrize("raw, secret, masked", [
    ("我叫张三，老板拖欠工资", "张三", "我叫张*，老板拖欠工资"),
    ("你好，我叫李秀英今年45岁", "李秀英", "你好，我叫李**今年45岁"),
    ("本人姓名：赵四", "赵四", "本人姓名：赵*"),
    ("我是张伟，在工地干活", "张伟", "我是张*，在工地干活"),
    ("我住5栋302", "302", "我住*栋*"),
    ("3号楼2单元501还没交房", "501", "*号楼*单元*还没交房"),
    ("卡号622202 123456 7890123", "123456", "卡号***************0123"),
    ("身份证1101011990 0307 1234", "0307", "身份证110*************34"),
    ("身份证 110101 1990 0307 1234", "0307", "身份证 110*************34"),
    ("电话一三八一二三四五六七八", "一二三四", "电话一三八****五六七八"),
    ("微信号 zhang_san88", "zhang_san88", "微信号 z***"),
    ("加我vx: abc12345", "abc12345", "加我vx: a***"),
])
def test_names_rooms_grouped_numbers_chinese_numerals_and_wechat_ids_are_masked(raw, secret, masked):
    assert mask_pii(raw) == masked and secret not in mask_pii(raw)


@pytest.mark.parametrize("text", [
    "我是农民工", "我是王师傅", "我是张家口的", "我是他老婆", "我是说", "我叫了救护车", "我是外卖员，被扣了工资",
    "2026-11-28 13:58:57", "案号（2023）京0105民初12345号", "三个月一共一万二", "微信上聊过",
])
def test_roles_places_dates_and_chinese_amounts_are_no_names_or_numbers(text):
    assert mask_pii(text) == text
