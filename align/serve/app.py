"""The ASGI application: routes, error handlers, the body limit, and the
service's start and stop around the server's life."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from align.serve import libretranslate, v1
from align.serve.http import EXCEPTION_HANDLERS, BodyLimit
from align.serve.service import ServeSettings, TranslationService


async def openapi(request: Request) -> JSONResponse:
    from align.serve.openapi import document

    return JSONResponse(document())


async def health(request: Request) -> JSONResponse:
    """Liveness, the engine, and what the batcher has done (how many requests shared a call)."""
    svc: TranslationService = request.app.state.service
    info = svc.settings.engine.info()
    return JSONResponse({"status": "ok", "engine": info.name, "model": info.model,
                         "glossary": svc.settings.glossary.name if svc.settings.glossary else None,
                         "decoding": decoding_threads(svc.settings.engine),
                         "batches": svc.batcher.stats.to_json()})


def decoding_threads(engine) -> dict | None:
    """How an argos engine decodes: replicas, threads each, and the lone-sentence translator's
    threads (None when a lone sentence goes to a replica); None for other engines."""
    if not hasattr(engine, "inter_threads"):
        return None
    lone = getattr(engine, "lone_translator", None)
    return {"replicas": engine.inter_threads, "threads_per_replica": engine.intra_threads,
            "lone_sentence_threads": engine.lone_threads if lone is not None else None}


def create_app(settings: ServeSettings) -> Starlette:
    """The server for ``settings``' engine, glossary, memory and workspace."""
    service = TranslationService(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.close()

    from align.serve.workbench.routes import ROUTES as WORKBENCH_ROUTES

    routes = [*libretranslate.ROUTES, *v1.ROUTES, *WORKBENCH_ROUTES,
              Route("/openapi.json", openapi, methods=["GET"]),
              Route("/health", health, methods=["GET"])]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS,
                    middleware=[Middleware(BodyLimit, max_bytes=settings.max_body)])
    app.state.service = service
    return app
