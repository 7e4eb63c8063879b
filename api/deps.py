"""FastAPI dependencies: hand the routes their services from app.state."""
from __future__ import annotations

from fastapi import HTTPException, Request

from api.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_knowledge(request: Request):
    kb = request.app.state.services.knowledge
    if kb is None:
        raise HTTPException(status_code=503, detail="知识库尚未加载 (knowledge base not loaded yet)")
    return kb
