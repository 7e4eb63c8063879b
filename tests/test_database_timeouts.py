"""A PostgreSQL server that accepts the TCP connection but never answers (a hung host, a
firewall that swallows packets after the handshake) must not hang a request forever."""
from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy.exc import OperationalError

import knowledge.database as database


@pytest.fixture()
def silent_server():
    """A TCP port that accepts connections and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


def _connect_in_thread(engine) -> tuple[threading.Thread, list]:
    outcome: list = []

    def attempt():
        try:
            with engine.connect():
                outcome.append("connected")
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcome.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    return thread, outcome


def test_postgres_connect_gives_up_on_a_silent_server(silent_server, monkeypatch):
    monkeypatch.setattr(database, "POSTGRES_CONNECT_TIMEOUT_S", 1)
    engine = database.make_engine(f"postgresql+psycopg://u:p@127.0.0.1:{silent_server}/x")
    thread, outcome = _connect_in_thread(engine)
    thread.join(30)                     # generous: only a connection without a timeout stays here
    assert not thread.is_alive(), "connecting to a silent server hung"
    assert isinstance(outcome[0], OperationalError)


def test_a_connect_timeout_in_the_url_wins(silent_server, monkeypatch):
    monkeypatch.setattr(database, "POSTGRES_CONNECT_TIMEOUT_S", 3600)
    engine = database.make_engine(f"postgresql+psycopg://u:p@127.0.0.1:{silent_server}/x?connect_timeout=1")
    thread, outcome = _connect_in_thread(engine)
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(outcome[0], OperationalError)
