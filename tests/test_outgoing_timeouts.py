"""Every outgoing HTTP client or call in the product names its timeout.

A call without one can hang a worker thread for ever when WeChat, the webhook or the LLM endpoint
stops answering. This reads the source (AST, so aliases such as `from httpx import Client` are
caught too) and fails on any client or call below that has no `timeout=` keyword, or `timeout=None`
(Redis clients: no `socket_timeout=` and `socket_connect_timeout=`)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "assistant", "knowledge", "ingest", "evals")

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
NEEDS_TIMEOUT = {
    "httpx.Client", "httpx.AsyncClient", *(f"httpx.{verb}" for verb in HTTP_VERBS),
    "requests.Session", *(f"requests.{verb}" for verb in HTTP_VERBS),
    "urllib.request.urlopen", "http.client.HTTPConnection", "http.client.HTTPSConnection", "aiohttp.ClientSession",
    "langchain_openai.ChatOpenAI", "openai.OpenAI", "openai.AsyncOpenAI",
    "chromadb.HttpClient", "wechatpy.WeChatClient", "wechatpy.enterprise.WeChatClient",
}
# Redis clients time out per socket, connect and command separately: both must be named
REDIS_CLIENTS = {f"redis.{cls}{how}" for cls in ("Redis", "StrictRedis", "asyncio.Redis")
                 for how in ("", ".from_url")} | {"redis.from_url", "redis.asyncio.from_url"}
REDIS_TIMEOUTS = ("socket_timeout", "socket_connect_timeout")
# (file, callable) → why it cannot take a timeout here; keep this list short and explained
KNOWN_WITHOUT_TIMEOUT = {
    ("knowledge/vectors.py", "chromadb.HttpClient"):
        "chromadb 1.x builds its httpx client with timeout=None and offers no setting; only used with "
        "FAYUAN_CHROMA_URL (the default is the embedded store, no network)",
}


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name → dotted origin, for `import x`, `import x.y as z` and `from x import y`."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(names.get(node.id, node.id))
    return ".".join(reversed(parts))


def _named(call: ast.Call, names: tuple[str, ...]) -> bool:
    """One of `names` is passed, and not as None."""
    for keyword in call.keywords:
        if keyword.arg in names:
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
    return False


def _has_timeout(call: ast.Call, target: str) -> bool:
    if target in REDIS_CLIENTS:
        return all(_named(call, (keyword,)) for keyword in REDIS_TIMEOUTS)
    return _named(call, ("timeout", "request_timeout"))


def outgoing_calls_without_timeout(root: Path = REPO) -> list[str]:
    problems = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
            names = _imported_names(tree)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                target = _dotted(node.func, names)
                needs = target in NEEDS_TIMEOUT or target in REDIS_CLIENTS
                if needs and not _has_timeout(node, target) and (rel, target) not in KNOWN_WITHOUT_TIMEOUT:
                    missing = " and ".join(f"{k}=" for k in REDIS_TIMEOUTS) if target in REDIS_CLIENTS else "timeout="
                    problems.append(f"{rel}:{node.lineno}: {target}(...) without {missing}")
    return problems


def test_every_outgoing_client_and_call_has_a_timeout():
    assert outgoing_calls_without_timeout() == []


def test_the_checker_finds_missing_timeouts(tmp_path):
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "bad.py").write_text(
        "import httpx\nfrom httpx import Client as C\nimport urllib.request\n"
        "from langchain_openai import ChatOpenAI\n"
        "httpx.post('http://x')\nC()\nurllib.request.urlopen('http://x')\nhttpx.Client(timeout=None)\n"
        "ChatOpenAI(model='m')\nhttpx.Client(timeout=5)\n"
        "import redis\nfrom redis import Redis\nredis.Redis.from_url('redis://h', socket_timeout=1)\n"
        "Redis(socket_timeout=1, socket_connect_timeout=None)\n"
        "redis.from_url('redis://h', socket_timeout=1, socket_connect_timeout=1)\n", encoding="utf-8")
    found = outgoing_calls_without_timeout(tmp_path)
    assert [line.split(": ", 1)[1] for line in found] == [
        "httpx.post(...) without timeout=", "httpx.Client(...) without timeout=",
        "urllib.request.urlopen(...) without timeout=", "httpx.Client(...) without timeout=",
        "langchain_openai.ChatOpenAI(...) without timeout=", "redis.Redis.from_url(...) without socket_timeout= and socket_connect_timeout=",
        "redis.Redis(...) without socket_timeout= and socket_connect_timeout="]


@pytest.mark.parametrize("setting", ["wechat_http_timeout_s", "notify_timeout_s", "llm_timeout_s", "redis_timeout_s"])
def test_the_timeouts_come_from_settings(setting):
    """Each kind of outgoing call has its own documented setting (README configuration table)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`FAYUAN_{setting.upper()}`" in readme
