"""evals.chat_cpu on the small knowledge base: CPU per chat turn through the ASGI app and its
stages; the timing wrappers are taken off again after the run."""
from __future__ import annotations

from assistant.conversation.sessions import SessionStore
from evals.chat_cpu import run


def test_chat_cpu_reports_the_turn_and_where_its_cpu_goes(small_kb_settings, tmp_path):
    settings = small_kb_settings.model_copy(update={
        "database_url": f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}",
        "rate_limits_enabled": False, "llm_base_url": ""})
    plain_write = SessionStore.save_turn
    result = run(turns=4, offset=0, settings=settings, warmup=1)
    assert result["turns"] == 4 and result["http_status"] == {200: 4}
    stages = result["stages_ms"]
    assert 0 < stages["search"] <= stages["reply"] <= result["cpu_ms_per_turn"]
    assert stages["embedding_model"] > 0 and stages["session_write"] > 0 and stages["record_write"] > 0
    assert 0 < result["event_loop_ms"] < result["cpu_ms_per_turn"]
    assert SessionStore.save_turn is plain_write          # the wrappers are gone
