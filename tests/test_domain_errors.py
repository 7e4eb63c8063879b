"""The staff API's domain errors are answered by one handler each (api/domain_errors.py): any route
that lets a HandoffError or KnownAnswerError rise answers a 4xx with the error's reason, never a 500."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.handoff.states import (HandoffError, InvalidTicketInput, NotTicketOwner, TicketConflict,
                                      TicketNotFound)
from assistant.known_answers.store import ApprovalConflict, InvalidApproval, KnownAnswerNotFound
from assistant.staff.accounts import StaffDirectory
from tests.handoff_helpers import FAST_HASHER


@pytest.fixture
def client(settings):
    services = build_services(settings.model_copy(update={"retention_purge_interval_hours": 0}))
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    app = create_app(settings, services)
    raised = {"error": None}

    @app.get("/raise-for-test")   # a route added only here: it raises whatever the test puts in `raised`
    def raise_it():
        raise raised["error"]

    with TestClient(app) as test_client:
        yield test_client, raised


@pytest.mark.parametrize(("error", "status"), [
    (TicketNotFound("没有这个工单"), 404), (TicketConflict("工单已被接手"), 409),
    (NotTicketOwner("不是你的工单"), 403), (InvalidTicketInput("备注太长"), 422), (HandoffError("其他"), 400),
    (KnownAnswerNotFound("没有这条答复"), 404), (ApprovalConflict("工单尚未办结"), 409),
    (InvalidApproval("没有引用法条"), 422)])
def test_a_domain_error_rising_out_of_a_route_is_a_4xx_with_its_reason(client, error, status):
    test_client, raised = client
    raised["error"] = error
    answer = test_client.get("/raise-for-test")
    assert answer.status_code == status
    assert answer.json() == {"detail": str(error)}


def test_an_unknown_ticket_is_404_on_every_ticket_route(client):
    test_client, _ = client
    services = test_client.app.state.services
    services.staff.add("lin", "lin-password-1", role="admin")
    token = test_client.post("/v1/auth/token", json={"username": "lin", "password": "lin-password-1"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for method, path, body in [("get", "/v1/handoffs/nope", None), ("post", "/v1/handoffs/nope/claim", None),
                               ("post", "/v1/handoffs/nope/resolve", {"outcome": "已解答"}),
                               ("get", "/v1/handoffs/nope/events", None),
                               ("get", "/v1/handoffs/nope/documents", None),
                               ("post", "/v1/handoffs/nope/documents", {"type": "legal_aid_application"})]:
        answer = test_client.request(method, path, json=body, headers=headers)
        assert answer.status_code == 404, (method, path, answer.text)
        assert "nope" in answer.json()["detail"], (method, path, answer.text)
