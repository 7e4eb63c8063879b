"""The FastAPI application: routers wired in one visible place, services injected via app.state."""
from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import auth
from api.allow_header import install_allow_header
from api.docs_offline import install_offline_docs
from api.domain_errors import install_domain_errors
from api.openapi_errors import declare_common_errors
from api.limits import install_limits
from api.routers import chat, documents, eligibility, handoffs, health, tools, wechat
from api.routers import laws, search
from api.routers import known_answers, records
from api.routers import metrics as metrics_route
from api.observe_middleware import install_observability
from api.security_headers import install_security_headers
from api.console import pages as console_pages
from api.console import reference_pages as console_reference_pages
from api.services import Services, build_services
from knowledge import serving_lock
from api.settings import Settings, get_settings


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app. Tests pass their own `services` (real stores on temporary folders)."""
    services = services or build_services(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # what start-up built (knowledge base, models, catalog maps: ~250k objects) lives as long as
        # the app: keep it out of the cyclic collector's full passes, which the caches filling up
        # during traffic trigger every few hundred requests
        gc.freeze()
        serving = serving_lock.hold_while_serving(services.settings.data_dir)   # `fayuan restore` waits for us
        worker = services.handoff_worker
        if worker is not None:
            worker.start()
        yield
        if worker is not None:
            worker.stop()
        serving.close()
        gc.unfreeze()

    docs_on = api_docs_enabled(services.settings)
    app = FastAPI(title="法援 Fayuan", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Legal-consultation assistant and statute knowledge base for public legal services",
                  **({} if docs_on else {"openapi_url": None}))
    if docs_on:
        install_offline_docs(app)   # /docs and /redoc from packaged assets: no CDN
    app.state.services = services
    install_limits(app, services)   # body cap, per-IP/per-user rate limits (api/limits.py)
    install_domain_errors(app)      # the queue's and the known answers' refusals → 4xx with the reason
    app.include_router(health.router)
    app.include_router(metrics_route.router)
    app.include_router(search.router)
    app.include_router(laws.router)
    app.include_router(auth.router)
    app.include_router(handoffs.router)
    app.include_router(known_answers.router)
    app.include_router(records.router)
    app.include_router(console_pages.router)
    app.include_router(console_reference_pages.router)
    app.include_router(wechat.router)
    app.include_router(chat.router)
    app.include_router(eligibility.router)
    app.include_router(tools.router)
    app.include_router(documents.router)
    install_allow_header(app)       # 405s list every method of the path
    declare_common_errors(app)      # 400/401/403/413/422/429 from shared machinery, in /openapi.json
    install_observability(app, services)   # request ids, /metrics, access log
    install_security_headers(app, services.settings)   # frame/nosniff/HSTS headers: outermost middleware
    return app


def api_docs_enabled(settings: Settings) -> bool:
    """/docs, /redoc and /openapi.json: on in development, off in production unless FAYUAN_API_DOCS=true."""
    return settings.api_docs if settings.api_docs is not None else settings.env != "production"
