"""``align serve``: LibreTranslate's HTTP API and align's own, over align's library.

    app.py             the ASGI application (Starlette): routes, errors, body limit, lifespan
    service.py         one engine, glossary, memory and workspace shared by every route
    batcher.py         sentences of concurrent requests gathered into shared engine calls
    texts.py           a client's plain text or HTML cut into sentences and rebuilt
    libretranslate.py  /translate, /languages, /detect, /frontend/settings
    v1.py              /v1/documents (aligned TEI in the workspace), /v1/check-terms
    http.py            JSON errors, request parameters, API keys, the body limit
    openapi.py         the OpenAPI description at /openapi.json

Needs the ``serve`` extra (``pip install -e '.[serve]'``: Starlette, uvicorn).
Nothing here is imported by ``align --help``.
"""
