"""WeChat 公众号 callback latency in safe mode (AES), through the app in-process (TestClient):
signature, replay and retry checks, decryption, the real conversation, encrypted passive reply.

    python -m evals.wechat_latency [--greetings 200] [--questions 50] [--data-dir data]

Phase 1: `--greetings` "你好" messages (no knowledge base needed) → p50/p95 of the whole callback,
i.e. the channel's own overhead plus a trivial turn. Phase 2 (when a knowledge base is
configured): `--questions` STARD questions → p50/p95 and the share answered passively within the
reply budget (the rest would go out by customer-service message). Target: p95 of phase 1 ≤ 50 ms;
phase 2 passive share ≥ 95 %. Writes data/evals/wechat_latency.json."""
from __future__ import annotations

import argparse
import base64
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from evals.common_chat import load_questions, write_result

APPID, TOKEN = "wxEvalAppId", "eval-token"


def _message(openid: str, text: str, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_eval]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def _post(client, crypto, xml: str) -> tuple[float, bool]:
    """One signed, encrypted callback; → (seconds, answered passively)."""
    import xmltodict

    nonce, timestamp = secrets.token_hex(8), str(int(time.time()))
    fields = xmltodict.parse(crypto.encrypt_message(xml, nonce, timestamp))["xml"]
    body = f"<xml><ToUserName><![CDATA[{APPID}]]></ToUserName><Encrypt><![CDATA[{fields['Encrypt']}]]></Encrypt></xml>"
    params = {"msg_signature": fields["MsgSignature"], "timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes"}
    started = time.perf_counter()
    response = client.post("/wechat/oa", params=params, content=body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"callback refused: {response.status_code} {response.text}")
    return elapsed, "<Encrypt>" in response.text


def _summary(latencies: list[float], passive: list[bool]) -> dict:
    ordered = sorted(latencies)
    return {"count": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
            "passive_share": round(sum(passive) / len(passive), 3)}


def run(greetings: int, questions: int, data_dir: Path | None) -> dict:
    from fastapi.testclient import TestClient
    from wechatpy.crypto import WeChatCrypto

    from api.app import create_app
    from api.services import build_services
    from api.settings import Settings

    aes_key = base64.b64encode(os.urandom(32)).decode().rstrip("=")
    base = Settings() if data_dir is None else Settings(data_dir=data_dir)
    records = Path(tempfile.mkdtemp(prefix="fayuan-wechat-eval-")) / "records.sqlite3"
    settings = base.model_copy(update={"database_url": f"sqlite:///{records.as_posix()}", "llm_base_url": None,
                                       "wechat_token": TOKEN, "wechat_appid": APPID, "wechat_aes_key": aes_key,
                                       "wechat_secret": None, "rate_limits_enabled": False})
    services = build_services(settings)
    client = TestClient(create_app(services=services))
    crypto = WeChatCrypto(TOKEN, aes_key, APPID)

    _post(client, crypto, _message("oWarm", "你好", 1))          # warm-up
    samples = [_post(client, crypto, _message(f"oEval{i % 20}", "你好", 100 + i)) for i in range(greetings)]
    result = {"budget_s": settings.wechat_reply_budget_s,
              "greetings": _summary([s[0] for s in samples], [s[1] for s in samples])}
    if services.knowledge is not None and questions:
        rows = load_questions(questions)
        asked = [_post(client, crypto, _message(f"oAsk{i}", row["question"], 10_000 + i)) for i, row in enumerate(rows)]
        result["questions"] = _summary([s[0] for s in asked], [s[1] for s in asked])
    else:
        result["questions"] = "skipped: no knowledge base configured (run `fayuan ingest` first)"
    services.wechat.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--greetings", type=int, default=200)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.greetings, args.questions, args.data_dir)
    print(result)
    out = write_result("wechat_latency", result, args.data_dir or Path("data"))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
