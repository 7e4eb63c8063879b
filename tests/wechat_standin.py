"""A local stand-in for the WeChat (api.weixin.qq.com) and WeCom (qyapi.weixin.qq.com) server APIs,
run on 127.0.0.1 by the tests. It issues access tokens and checks every outgoing call the way the
real API would: the access_token query, the JSON body's shape, raw UTF-8, the 2048-byte text limit.
Format violations are answered with an errcode and recorded in `violations`."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TEXT_LIMIT = 2048


@dataclass
class SentMessage:
    path: str
    touser: str
    content: str
    body: dict


@dataclass
class WeChatApiStandIn:
    appid: str = "wx-test-appid"
    secret: str = "oa-secret"
    corp_id: str = "ww-test-corp"
    corp_secret: str = "corp-secret"
    agent_id: int = 1000002
    expires_in: int = 7200
    token_delay_s: float = 0.0
    sent: list[SentMessage] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    token_requests: int = 0
    valid_tokens: set[str] = field(default_factory=set)
    used_response_codes: set[str] = field(default_factory=set)
    fail_next: list[int] = field(default_factory=list)   # errcodes to answer the next sends with
    send_attempts: int = 0

    def __post_init__(self):
        self._lock = threading.RLock()   # _violation is also called with the lock held
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "WeChatApiStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def revoke_tokens(self) -> None:
        """As when another client fetched a new token: every issued token stops working."""
        with self._lock:
            self.valid_tokens.clear()

    def wait_for_sent(self, count: int, timeout: float = 10.0) -> list[SentMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.sent) >= count:
                    return list(self.sent)
            time.sleep(0.02)
        return list(self.sent)

    # -- request handling (called from the server's threads) ------------------------------------
    def issue_token(self, query: dict) -> dict:
        time.sleep(self.token_delay_s)
        with self._lock:
            if query.get("grant_type") == "client_credential":
                if (query.get("appid"), query.get("secret")) != (self.appid, self.secret):
                    return {"errcode": 40013, "errmsg": "invalid appid or secret"}
            elif (query.get("corpid"), query.get("corpsecret")) != (self.corp_id, self.corp_secret):
                return {"errcode": 40001, "errmsg": "invalid corpsecret"}
            self.token_requests += 1
            token = f"token-{self.token_requests}"
            self.valid_tokens.add(token)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.expires_in}

    def send_message(self, path: str, query: dict, raw: bytes, content_type: str) -> dict:
        with self._lock:
            if query.get("access_token") not in self.valid_tokens:
                return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        body = self._json_body(raw, content_type)
        if isinstance(body, str):
            return self._violation(body)
        with self._lock:
            self.send_attempts += 1
            if self.fail_next:
                errcode = self.fail_next.pop(0)
                return {"errcode": errcode, "errmsg": "simulated failure"}
        text = body.get("text") if isinstance(body.get("text"), dict) else {}
        content = text.get("content")
        if body.get("msgtype") != "text" or not isinstance(content, str) or not content.strip():
            return self._violation(f"{path}: body is not a text message: {body}")
        if not isinstance(body.get("touser"), str) or not body["touser"]:
            return self._violation(f"{path}: touser missing")
        if path == "/cgi-bin/message/send" and body.get("agentid") != self.agent_id:
            return self._violation(f"{path}: agentid {body.get('agentid')!r} is not {self.agent_id}")
        if len(content.encode("utf-8")) > TEXT_LIMIT:
            return self._violation(f"{path}: content is {len(content.encode())} bytes", errcode=45002)
        with self._lock:
            self.sent.append(SentMessage(path, body["touser"], content, body))
        return {"errcode": 0, "errmsg": "ok"}

    def bot_response(self, query: dict, raw: bytes, content_type: str) -> dict:
        code = query.get("response_code", "")
        body = self._json_body(raw, content_type)
        if isinstance(body, str):
            return self._violation(body)
        markdown = body.get("markdown") if isinstance(body.get("markdown"), dict) else {}
        if body.get("msgtype") != "markdown" or not isinstance(markdown.get("content"), str):
            return self._violation(f"response_url: not a markdown message: {body}")
        with self._lock:
            if code in self.used_response_codes:
                return self._violation("response_url used twice", errcode=40099)
            self.used_response_codes.add(code)
            self.sent.append(SentMessage("/cgi-bin/aibot/response", code, markdown["content"], body))
        return {"errcode": 0, "errmsg": "ok"}

    def _json_body(self, raw: bytes, content_type: str) -> dict | str:
        if "application/json" not in content_type:
            return f"content type {content_type!r} is not JSON"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "body is not UTF-8"
        if "\\u" in text:
            return "body has \\u escapes: WeChat wants raw UTF-8"
        try:
            body = json.loads(text)
        except ValueError:
            return "body is not JSON"
        return body if isinstance(body, dict) else "body is not a JSON object"

    def _violation(self, what: str, errcode: int = 40035) -> dict:
        with self._lock:
            self.violations.append(what)
        return {"errcode": errcode, "errmsg": what}


def _handler_for(standin: WeChatApiStandIn):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _reply(self, payload: dict) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self):
            parts = urlsplit(self.path)
            return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}

        def do_GET(self):
            path, query = self._route()
            if path in ("/cgi-bin/token", "/cgi-bin/gettoken"):
                return self._reply(standin.issue_token(query))
            self._reply({"errcode": 404, "errmsg": f"no such API {path}"})

        def do_POST(self):
            path, query = self._route()
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            content_type = self.headers.get("Content-Type", "")
            if path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/send"):
                return self._reply(standin.send_message(path, query, raw, content_type))
            if path == "/cgi-bin/aibot/response":
                return self._reply(standin.bot_response(query, raw, content_type))
            self._reply({"errcode": 404, "errmsg": f"no such API {path}"})

    return Handler
