"""The service container (api/services.py): typed parts, no grab-bag dict, and live lookups, so a
part replaced after wiring (the knowledge base at start-up, a test's double) is the one in use."""
from __future__ import annotations

import dataclasses

from api.services import Services, build_services, channel_settings
from assistant.channels.wiring import ChannelSettings
from api.settings import Settings


def test_the_service_container_has_typed_parts_and_no_grab_bag():
    fields = {f.name: str(f.type) for f in dataclasses.fields(Services)}
    assert "extra" not in fields
    assert not [name for name, kind in fields.items() if "Any" in kind], fields


def test_the_conversation_sees_parts_replaced_after_wiring(settings):
    services = build_services(settings.model_copy(update={"retention_purge_interval_hours": 0}))
    conversation = services.assistant
    replacement = object()
    services.knowledge, services.eligibility_dialogue = replacement, replacement
    assert conversation._knowledge() is replacement and conversation._eligibility() is replacement
    assert conversation._documents().store is services.documents
    assert services.handoff_desk is not None and conversation._handoff_desk() is services.handoff_desk


def test_the_channels_get_their_own_settings_read_from_the_settings_of_the_same_names(settings):
    own = channel_settings(settings.model_copy(update={"wechat_token": "tok", "wecom_agent_id": "1000002"}), "k" * 32)
    assert (own.wechat_token, own.wecom_agent_id, own.wechat_api_base) == ("tok", "1000002", settings.wechat_api_base)
    assert own.secret_key == "k" * 32
    assert {f.name for f in dataclasses.fields(ChannelSettings)} - {"secret_key"} <= set(Settings.model_fields)
