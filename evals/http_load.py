"""A small, cheap HTTP/1.1 load client for the loopback load evals (chat_latency, load_test).

The load generator shares the 2 cores with the server, so its cost per request counts against the
measured throughput: httpx in threads spent several ms of CPU per request here. This client speaks
plain HTTP/1.1 over asyncio streams with keep-alive (uvloop when installed): a request is one
write and a read of the status line, headers and a Content-Length (or chunked) body. Real HTTP
through uvicorn all the same; only the client is lean.

Also: reading a server process's CPU time and resident memory from /proc (Linux)."""
from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path


class HttpError(RuntimeError):
    """The connection broke or the server's answer was not HTTP/1.1 we understand."""


@dataclass
class Response:
    status: int
    body: bytes

    def json(self):
        return json.loads(self.body)


class Connection:
    """One keep-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def request(self, method: str, path: str, payload: object = None) -> Response:
        """Send one request (a JSON body when `payload` is given); reconnects once if the server
        closed the idle connection before this request was written."""
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Length: {len(body)}\r\n"
                + ("Content-Type: application/json\r\n" if payload is not None else "")
                + "\r\n").encode()
        for attempt in (1, 2):
            if self._writer is None:
                await self._open()
            try:
                self._writer.write(head + body)
                return await self._read_response()
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                self.close()
                if attempt == 2:
                    raise HttpError(f"{method} {path}: {exc!r}") from exc
        raise AssertionError("unreachable")

    async def _read_response(self) -> Response:
        status_line = await self._reader.readuntil(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise HttpError(f"not an HTTP response: {status_line[:80]!r}")
        headers: dict[bytes, bytes] = {}
        while (line := await self._reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._read_chunked()
        else:
            body = await self._reader.readexactly(int(headers.get(b"content-length", b"0")))
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return Response(int(parts[1]), body)

    async def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self._reader.readexactly(size + 2)   # data + CRLF
            if size == 0:
                return b"".join(chunks)
            chunks.append(chunk[:-2])


class ConnectionPool:
    """Idle connections reused; a new one opened when all are busy (an open-loop load generator
    must never wait for a free connection, or it would hide the server's queueing)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self._idle: list[Connection] = []
        self.opened = 0

    async def request(self, method: str, path: str, payload: object = None) -> Response:
        conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = Connection(self.host, self.port)
            self.opened += 1
        try:
            response = await conn.request(method, path, payload)
        except BaseException:
            conn.close()
            raise
        self._idle.append(conn)
        return response

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when installed (cheaper per request), else asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(coro):
    loop = new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


# ---- the server process, seen from /proc ---------------------------------------------------------
def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn workers are children of the supervisor)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])    # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants, in MB."""
    total_kb = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return round(total_kb / 1024, 1)
