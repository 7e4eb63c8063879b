"""FastAPI dependencies: hand the routes their services from app.state.

They are `async def` although they never await: FastAPI runs a plain `def` dependency in its thread
pool, a thread hop on every request for one attribute read."""
from __future__ import annotations

from fastapi import HTTPException, Request

from api.services import Services


async def get_services(request: Request) -> Services:
    return request.app.state.services


async def get_knowledge(request: Request):
    kb = request.app.state.services.knowledge
    if kb is None:
        raise HTTPException(status_code=503, detail="知识库尚未加载 (knowledge base not loaded yet)")
    return kb
