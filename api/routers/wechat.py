"""WeChat callbacks: /wechat/oa (公众号), /wechat/wecom (WeCom self-built app), /wechat/wecom-bot
(WeCom 智能机器人). Thin: cap and read the body, hand it to the channel, map refusals to 4xx.

The channel's work runs on the callbacks' own threads (assistant/channels/answer_budget.py), never
on the shared pool: a burst of followers cannot stall chat or the console."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.deps import get_services
from api.routers.wechat_schema import JSON_MESSAGE, MESSAGE_RESPONSES, REFUSALS, VERIFY, XML_MESSAGE
from api.services import Services
from assistant.channels.callback_guard import CallbackQuery
from assistant.channels.errors import CallbackRejected, CallbackTooLarge, ChannelNotConfigured

log = logging.getLogger(__name__)

router = APIRouter(prefix="/wechat", tags=["wechat"])

_CHANNELS = {"oa": ("official_account", "公众号"), "wecom": ("wecom_app", "企业微信应用"),
             "wecom-bot": ("wecom_bot", "企业微信智能机器人")}


def _channel(services: Services, path: str):
    attr, label = _CHANNELS[path]
    channel = getattr(services.wechat, attr, None) if services.wechat else None
    if channel is None:
        raise ChannelNotConfigured(f"{label}未配置 (channel not configured)")
    return channel


def _query(request: Request) -> CallbackQuery:
    q = request.query_params
    return CallbackQuery(timestamp=q.get("timestamp"), nonce=q.get("nonce"), signature=q.get("signature"),
                         msg_signature=q.get("msg_signature"), encrypt_type=q.get("encrypt_type"),
                         echostr=q.get("echostr"))


async def _capped_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise CallbackTooLarge(f"body larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise CallbackTooLarge(f"body larger than {limit} bytes")
    return bytes(body)


def _refused(path: str, exc: CallbackRejected) -> PlainTextResponse:
    log.warning("wechat/%s callback refused (%s): %s", path, exc.status, exc.reason)
    return PlainTextResponse(exc.reason, status_code=exc.status)


async def _verify(path: str, request: Request, services: Services) -> Response:
    try:
        channel = _channel(services, path)
        echo = await services.wechat.budget.handle(channel.verify_url, _query(request))
    except CallbackRejected as exc:
        return _refused(path, exc)
    return PlainTextResponse(echo)


async def _receive(path: str, request: Request, services: Services) -> Response:
    try:
        channel = _channel(services, path)
        body = await _capped_body(request, services.settings.wechat_max_body_bytes)
        reply = await services.wechat.budget.handle(channel.handle, _query(request), body)
    except CallbackRejected as exc:
        return _refused(path, exc)
    if reply is None:
        return Response(status_code=200)
    if isinstance(reply, dict):
        return JSONResponse(reply)
    media_type = "text/plain" if reply == "success" else "application/xml"
    return Response(reply.encode("utf-8"), media_type=f"{media_type}; charset=utf-8")


@router.get("/oa", response_class=PlainTextResponse, openapi_extra=VERIFY, responses=REFUSALS,
            summary="公众号 URL verification")
async def oa_verify(request: Request, services: Services = Depends(get_services)):
    return await _verify("oa", request, services)


@router.post("/oa", openapi_extra=XML_MESSAGE, responses=MESSAGE_RESPONSES,
             summary="公众号 messages and events (plaintext or safe mode)")
async def oa_receive(request: Request, services: Services = Depends(get_services)):
    return await _receive("oa", request, services)


@router.get("/wecom", response_class=PlainTextResponse, openapi_extra=VERIFY, responses=REFUSALS,
            summary="WeCom app URL verification (echostr)")
async def wecom_verify(request: Request, services: Services = Depends(get_services)):
    return await _verify("wecom", request, services)


@router.post("/wecom", openapi_extra=XML_MESSAGE, responses=MESSAGE_RESPONSES,
             summary="WeCom self-built app messages (encrypted XML)")
async def wecom_receive(request: Request, services: Services = Depends(get_services)):
    return await _receive("wecom", request, services)


@router.get("/wecom-bot", response_class=PlainTextResponse, openapi_extra=VERIFY, responses=REFUSALS,
            summary="WeCom 智能机器人 URL verification")
async def wecom_bot_verify(request: Request, services: Services = Depends(get_services)):
    return await _verify("wecom-bot", request, services)


@router.post("/wecom-bot", openapi_extra=JSON_MESSAGE, responses=MESSAGE_RESPONSES,
             summary="WeCom 智能机器人 messages (encrypted JSON, stream replies)")
async def wecom_bot_receive(request: Request, services: Services = Depends(get_services)):
    return await _receive("wecom-bot", request, services)
