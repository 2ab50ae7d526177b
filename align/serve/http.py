"""Small HTTP pieces the routes share: JSON errors, request parameters, limits, keys.

Every error leaves the server as LibreTranslate's ``{"error": "..."}`` with the
status LibreTranslate uses (400 bad request, 403 key, 404, 413 too large, 500),
never a traceback.
"""

from __future__ import annotations

import hmac
import json
import logging
from pathlib import Path
from typing import Any, Iterable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from align.errors import AlignError, InputError

log = logging.getLogger("align.serve")

#: request bodies larger than this get 413 (``align serve --max-body``)
DEFAULT_MAX_BODY = 1_000_000


class ApiError(Exception):
    """An error a client gets as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message)


async def align_error(request: Request, exc: Exception) -> JSONResponse:
    """align's own one-line errors: the client's input (400) or the server's engine (500)."""
    status = 400 if isinstance(exc, InputError) else 500
    return error_response(status, str(exc))


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, str(exc.detail))


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("align serve: %s %s failed", request.method, request.url.path)
    return error_response(500, f"internal error: {type(exc).__name__}")


EXCEPTION_HANDLERS = {ApiError: api_error, AlignError: align_error, HTTPException: http_error,
                      Exception: server_error}


# ---------------------------------------------------------------- parameters
async def read_params(request: Request) -> dict[str, Any]:
    """The request's parameters, as LibreTranslate reads them: a JSON object
    body, or the query string and form fields together (deep-translator sends
    its fields in the query string of a POST)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return await _json_object(request)
    params: dict[str, Any] = dict(request.query_params)
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        body = await request.body()
        if content_type == "application/x-www-form-urlencoded":
            _check_utf8(body)
        try:
            form = await request.form()
        except (AssertionError, ValueError, KeyError) as exc:  # python-multipart's parse errors
            raise ApiError(400, f"Invalid form data: {exc}") from None
        for key in form.keys():
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            if values:
                params[key] = values if len(values) > 1 else values[0]
    return params


async def _json_object(request: Request) -> dict[str, Any]:
    body = await request.body()
    _check_utf8(body)
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        raise ApiError(400, "Invalid JSON format") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid JSON format")
    return data


def _check_utf8(body: bytes) -> None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"Invalid request: the body is not UTF-8 (byte {exc.start})") from None


def service(request: Request):
    """The server's :class:`~align.serve.service.TranslationService`."""
    return request.app.state.service


async def checked_params(request: Request) -> dict[str, Any]:
    """The request's parameters, once its API key is checked (when the server has keys)."""
    params = await read_params(request)
    keys = service(request).settings.api_keys
    if keys is not None and not key_allowed(params.get("api_key"), keys):
        message = "Invalid API key" if params.get("api_key") else "Please contact the server operator to get an API key"
        raise ApiError(403, message)
    return params


def required(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or value == "" or value == []:
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    return value


# ---------------------------------------------------------------- keys
def load_api_keys(path: str | Path) -> list[bytes]:
    """Keys, one a line (blank lines and ``#`` comments skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the API keys ({exc})") from None
    keys = [line.strip() for line in text.splitlines()]
    keys = [k.encode("utf-8") for k in keys if k and not k.startswith("#")]
    if not keys:
        raise InputError(f"{path}: no API keys in the file (one a line)")
    return keys


def key_allowed(given: object, keys: Iterable[bytes]) -> bool:
    """Is ``given`` one of ``keys``? Every key is compared, each in constant time,
    so the answer's timing says nothing about how much of a key was right."""
    if not isinstance(given, str) or not given:
        return False
    candidate = given.encode("utf-8", "surrogatepass")
    found = False
    for key in keys:
        found |= hmac.compare_digest(candidate, key)
    return found


# ---------------------------------------------------------------- body limit
class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` gets 413 before any route reads it.

    A declared Content-Length over the limit is refused at once; a body sent
    in chunks is counted as it comes.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(messages, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, f"Request body too large: the limit is {self.max_bytes} bytes")
        await response(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive() that hands back the buffered messages, then the real stream (disconnects)."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
