"""LibreTranslate's HTTP API, as its clients expect it: ``/translate``, ``/languages``,
``/detect``, ``/frontend/settings``.

Same field names, status codes and error bodies as LibreTranslate 1.x
(``libretranslate/app.py``): parameters come as a JSON object or as form
fields and query-string fields; ``q`` is a string or a list of strings (the
answer keeps the shape and order); ``source`` is ``fr`` or ``auto``, ``target``
``en``; ``format`` ``text`` or ``html``; errors are ``{"error": "..."}`` with
400 (bad request), 403 (API key). ``alternatives`` is accepted and answered with
none: align returns the one translation its glossary allows.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from align.serve.http import ApiError, checked_params, required, service

SOURCE = {"code": "fr", "name": "French"}
TARGET = {"code": "en", "name": "English"}


async def translate(request: Request) -> JSONResponse:
    params = await checked_params(request)
    q = required(params, "q")
    source = required(params, "source")
    target = required(params, "target")
    text_format = params.get("format") or "text"
    alternatives = _alternatives(params.get("alternatives", 0))
    texts = _texts(q)
    _check_limits(request, texts)
    if text_format not in ("text", "html"):
        raise ApiError(400, f"{text_format} format is not supported")
    detected = None
    if source == "auto":
        detected = [detect_language(t)[0] for t in texts]
        unsupported = [d["language"] for d in detected if d["language"] != SOURCE["code"]]
        if unsupported:
            raise ApiError(400, f"{unsupported[0]} is not supported")
    elif source != SOURCE["code"]:
        raise ApiError(400, f"{source} is not supported")
    if target != TARGET["code"]:
        raise ApiError(400, f"{target} is not supported")

    english = await service(request).translate_texts(texts, text_format)
    batch = isinstance(q, list)
    result: dict = {"translatedText": english if batch else english[0]}
    if detected is not None:
        result["detectedLanguage"] = detected if batch else detected[0]
    if alternatives > 0:
        result["alternatives"] = [[] for _ in texts] if batch else []
    return JSONResponse(result)


def _texts(q: object) -> list[str]:
    if isinstance(q, str):
        return [q]
    if isinstance(q, list) and q and all(isinstance(t, str) for t in q):
        return q
    raise ApiError(400, "Invalid request: q must be a string or a list of strings")


def _alternatives(value: object) -> int:
    try:
        return max(0, int(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None


def _check_limits(request: Request, texts: list[str]) -> None:
    settings = service(request).settings
    if settings.batch_limit != -1 and len(texts) > settings.batch_limit:
        raise ApiError(400, f"Invalid request: request ({len(texts)}) exceeds text limit ({settings.batch_limit})")
    if settings.char_limit != -1:
        for text in texts:
            if len(text) > settings.char_limit:
                raise ApiError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({settings.char_limit})")


async def languages(request: Request) -> JSONResponse:
    await checked_params(request)
    return JSONResponse([
        {**SOURCE, "targets": [TARGET["code"]]},
        {**TARGET, "targets": []},
    ])


def detect_language(text: str) -> list[dict]:
    """LibreTranslate's detections, most likely first: French and English, with a
    confidence (0-100) from the share of each language's commonest function words."""
    from align.term_check import language_evidence

    evidence = language_evidence(text)
    total = sum(evidence.values())
    if total == 0:
        ranked = [("fr", 0.0), ("en", 0.0)]
    else:
        ranked = sorted(((lang, 100.0 * n / total) for lang, n in evidence.items()),
                        key=lambda item: (-item[1], item[0] != "fr"))
    return [{"confidence": round(confidence, 1), "language": lang} for lang, confidence in ranked]


async def detect(request: Request) -> JSONResponse:
    params = await checked_params(request)
    q = required(params, "q")
    if not isinstance(q, str):
        raise ApiError(400, "Invalid request: q must be a string")
    return JSONResponse(detect_language(q))


async def frontend_settings(request: Request) -> JSONResponse:
    settings = service(request).settings
    return JSONResponse({
        "charLimit": settings.char_limit,
        "frontendTimeout": 500,
        "apiKeys": settings.api_keys is not None,
        "keyRequired": settings.api_keys is not None,
        "suggestions": False,
        "filesTranslation": False,
        "supportedFilesFormat": [],
        "language": {"source": SOURCE, "target": TARGET},
    })


ROUTES = [
    Route("/translate", translate, methods=["POST"]),
    Route("/languages", languages, methods=["GET"]),
    Route("/detect", detect, methods=["POST"]),
    Route("/frontend/settings", frontend_settings, methods=["GET"]),
]
