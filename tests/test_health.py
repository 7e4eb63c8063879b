from fastapi.testclient import TestClient

from api.app import create_app


def test_healthz_and_readyz_report_state(settings):
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        # no knowledge base loaded in this bare app: not ready, but the database is reachable
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"knowledge_base": False, "database": True}
