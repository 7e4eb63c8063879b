"""Privacy scan: scripted conversations full of personal data through a real `fayuan serve`, then
every log line, every records-database column, every staff notification and the outbox are
searched for unmasked values (evals/pii_detect.py). Prints the places scanned and each leak;
exit status 1 when there is one.

    python -m evals.privacy_scan                 # about 1-2 minutes (ingests tests/fixtures/laws)
    python -m evals.privacy_scan --sla-wait 35   # also wait for the SLA reminder notifications

What is typed: valid-checksum 18-digit and 15-digit 身份证号, mobiles (+86, spaces, dashes),
landlines, Luhn-valid bank cards, incomes, an address; and the shapes of issue 25: names a person
introduces themself with (我叫/我是), a flat without 室 (5栋302), a card grouped 6-6-7, an ID
grouped 10-4-4, a mobile in Chinese numerals, a WeChat id; through /v1/chat (legal questions, the
in-chat eligibility dialogue, a request for a person, an urgent threat), /v1/chat/completions,
/v1/chat/stream, /v1/eligibility, a 公众号 callback (plain mode), staff claim/reply/resolve, a
rating comment. An address's house-level part (门牌号、楼栋、单元、室、村民小组) counts as a planted
value; `address_kept_in` lists where the whole address, place names included, still appears."""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx

from evals.harness import FIXTURE_EMBEDDING_CACHE, MODEL_DIR, REPO, RobotRecorder, ServedApp, official_account_text
from evals.pii_detect import Leak, find_leaks, id_check_digit, luhn_check_digit

OA_TOKEN = "fayuan-scan-oa-token"

ID18 = "11010119900307123" + id_check_digit("11010119900307123")
ID18_X = "44030619851215456" + id_check_digit("44030619851215456")
ID15 = "110101900307123"
CARD = "622202123456789012" + luhn_check_digit("622202123456789012")
CARD_2 = "621700123456789" + luhn_check_digit("621700123456789")
ID18_B = "32010219780515234" + id_check_digit("32010219780515234")
CARD_3 = "621483123456789012" + luhn_check_digit("621483123456789012")
ADDRESS = "浙江省杭州市西湖区文三路478号5幢2单元301室"
NAMES = ["李秀英", "王建国"]
CN_MOBILE, WECHAT_ID, ROOM = "一三九八七六五四三二一", "fy_scan_user88", "5栋302"
PLANTED = [ID18, ID18_X, ID15, CARD, CARD_2, "+86 138 1234 5678", "139-8765-4321", "13712345678",
           "+8615912345678", "010-62345678", "(0571)87654321", ADDRESS.split("文三路")[1],   # the house-level part
           ID18_B, CARD_3, *NAMES, CN_MOBILE, WECHAT_ID, ROOM]
INCOMES = ["2317", "1865", "48213"]            # checked next to 收入/工资 (_income_leaks)

# (session, message) pairs typed into /v1/chat
CHAT = [
    ("scan-a", f"你好，我叫张三，身份证号{ID18}，老板拖欠我三个月工资"),
    ("scan-a", "我的电话是 +86 138 1234 5678，也可以打 139-8765-4321"),
    ("scan-a", "我想申请法律援助"),
    ("scan-a", f"我在杭州市，住在{ADDRESS}，家里四口人，月收入2317元"),
    ("scan-a", "我老婆每月工资1865元，年收入48213元"),
    ("scan-a", "我要找人工，帮我申请法律援助，电话13712345678"),
    ("scan-b", f"工资卡号{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}，单位座机010-62345678"),
    ("scan-b", f"我妈妈的老身份证{ID15}，新的是{ID18_X}"),
    ("scan-b", "他威胁要打死我，我很害怕，电话+8615912345678，座机(0571)87654321"),
    ("scan-d", f"你好，我叫{NAMES[0]}，住在阳光花园{ROOM}，微信号 {WECHAT_ID}，老板欠我工资"),
    ("scan-d", f"我是{NAMES[1]}，我是农民工，电话{CN_MOBILE}，工资卡{CARD_3[:6]} {CARD_3[6:12]} {CARD_3[12:]}"),
    ("scan-d", f"身份证{ID18_B[:10]} {ID18_B[10:14]} {ID18_B[14:]}，我要找人工，加我vx: {WECHAT_ID}"),
]

# columns allowed to hold raw values, and why
ALLOWED = {
    ("handoff_tickets", "facts"): "structured facts the assistant extracted for the staff handling the ticket; "
                                  "only returned to logged-in staff; incomes, statuses and the decision removed when the ticket closes, "
                                  "the rest emptied by the retention purge",
    ("staff_accounts", "password_hash"): "argon2 hash of a staff password, not a person's data",
}


def _prepare_data(root: Path) -> Path:
    """A small knowledge base (tests/fixtures/laws) in a temporary data folder."""
    from ingest.pipeline import IngestPipeline
    from api.settings import Settings

    data = root / "data"
    IngestPipeline(Settings(data_dir=data, model_dir=MODEL_DIR, embedding_cache=FIXTURE_EMBEDDING_CACHE)) \
        .ingest_folder(REPO / "tests" / "fixtures" / "laws")
    return data


def _drive(url: str, admin: dict) -> dict:
    """The scripted traffic; returns counts of what was sent."""
    sent = {"chat": 0, "other": 0}
    with httpx.Client(base_url=url, timeout=120) as client:
        issued: dict[str, str] = {}     # script label → the session id the server issued for it
        for session, message in CHAT:
            r = client.post("/v1/chat", json={"session_id": issued.get(session), "message": message})
            r.raise_for_status()
            issued[session] = r.json()["session_id"]
            sent["chat"] += 1
        client.post("/v1/chat/completions", json={"messages": [
            {"role": "user", "content": f"我的身份证号是{ID18}，手机13712345678，公司不给交社保怎么办"}]}).raise_for_status()
        with client.stream("POST", "/v1/chat/stream", json={"message": f"卡号{CARD}被公司扣了，电话139-8765-4321"}) as s:
            s.read()
        client.post("/v1/eligibility", json={"facts": {"region": "杭州市", "household_size": 4,
                                                       "monthly_income": 2317}})
        params, body = official_account_text(OA_TOKEN, "o-scan-openid", f"我的电话13712345678，身份证{ID18}，被欠薪怎么办",
                                             900001)
        client.post("/wechat/oa", params=params, content=body, headers={"Content-Type": "text/xml"})
        sent["other"] += 4

        token = client.post("/v1/auth/token", json=admin).json()["access_token"]
        staff = {"Authorization": f"Bearer {token}"}
        tickets = client.get("/v1/handoffs", headers=staff).json()["tickets"]
        answered = tickets[:1]   # the others wait for a first reply: SLA reminders and escalations (--sla-wait)
        for ticket in answered:
            client.post(f"/v1/handoffs/{ticket['id']}/claim", headers=staff)
            client.post(f"/v1/handoffs/{ticket['id']}/reply", headers=staff,
                        json={"text": f"已收到，我们会打您的电话13712345678，请带上身份证{ID18}"})
            client.post(f"/v1/handoffs/{ticket['id']}/resolve", headers=staff,
                        json={"outcome": "已电话联系 +86 138 1234 5678"})
            sent["other"] += 3
        client.post(f"/v1/consultations/{issued['scan-a']}/rating",
                    json={"rating": "满意", "comment": "谢谢，有事打我电话13712345678"})
        sent["tickets"] = len(tickets)
    return sent


def scan_database(path: Path) -> tuple[list[Leak], int, list[str]]:
    """Every column of every table (raw SQLite values, JSON included), except ALLOWED."""
    leaks: list[Leak] = []
    values = 0
    addresses = []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                if (table, column) in ALLOWED:
                    continue
                for (value,) in db.execute(f'SELECT "{column}" FROM "{table}"'):
                    if value is None:
                        continue
                    text = value if isinstance(value, str) else str(value)
                    values += 1
                    leaks += _leaks(text, f"db {table}.{column}")
                    if ADDRESS in text:
                        addresses.append(f"{table}.{column}")
    finally:
        db.close()
    return leaks, values, addresses


def _leaks(text: str, where: str) -> list[Leak]:
    """Leaks in one log line, column value or notification body. JSON is read back first: its
    \\u escapes would hide the 收入/工资 next to an amount (digits are never escaped)."""
    try:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        pass
    return find_leaks(text, where, PLANTED) + _income_leaks(text, where)


def _income_leaks(text: str, where: str) -> list[Leak]:
    """An income amount counts as leaked when it stands next to 收入/工资 (masking keeps the word,
    replaces the amount with ***)."""
    return [Leak(where, "income", amount) for amount in INCOMES
            if re.search(rf"(?:收入|工资|薪)[^\d*]{{0,6}}(?<!\d){amount}(?!\d)", text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sla-wait", type=float, default=0.0,
                        help="seconds to wait for SLA reminders (the SLA is 1 minute, reminder at half time)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    args = parser.parse_args(argv)
    from evals.common import write_result

    root = Path(tempfile.mkdtemp(prefix="fayuan-privacy-"))
    started = time.perf_counter()
    data = _prepare_data(root)
    database = root / "records.sqlite3"
    log_path = root / "server.log"
    admin = {"username": "scan-admin", "password": "scan-admin-password-1"}
    with RobotRecorder() as robot:
        server = ServedApp(data, f"sqlite:///{database}", log_path, FAYUAN_ADMIN_USERNAME=admin["username"],
                               FAYUAN_ADMIN_PASSWORD=admin["password"], FAYUAN_RATE_LIMITS_ENABLED="false",
                               FAYUAN_NOTIFY_WEBHOOK_URL=robot.url, FAYUAN_SLA_SWEEP_INTERVAL_S="1",
                               FAYUAN_HANDOFF_SLA_MINUTES='{"urgent": 1, "high": 1, "normal": 1}',
                               FAYUAN_WECHAT_TOKEN=OA_TOKEN, FAYUAN_LOG_LEVEL="DEBUG").start()
        try:
            sent = _drive(server.url, admin)
            time.sleep(max(args.sla_wait, 3.0))     # the worker sends the outbox
        finally:
            server.stop()
        bodies = [body.decode("utf-8", "replace") for body in robot.raw]

    leaks: list[Leak] = []
    log_lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    for n, line in enumerate(log_lines, 1):
        leaks += _leaks(line, f"log line {n}")
    for n, body in enumerate(bodies, 1):
        leaks += _leaks(body, f"notification {n}")
    db_leaks, db_values, address_columns = scan_database(database)
    leaks += db_leaks

    result = {"chat_messages_sent": sent["chat"], "other_requests": sent["other"], "tickets": sent["tickets"],
              "planted_values": len(PLANTED) + len(INCOMES), "log_lines": len(log_lines), "notifications": len(bodies),
              "db_values_scanned": db_values, "allowed_raw_columns": {f"{t}.{c}": why for (t, c), why in ALLOWED.items()},
              "unmasked_values": len(leaks), "leaks": [str(leak) for leak in leaks],
              "address_kept_in": sorted(set(address_columns)), "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"written to {write_result('privacy_scan', result)}")
    if args.keep:
        print(f"kept: {root}")
    else:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
