"""The OpenAPI 3.1 description of ``align serve``, served at ``/openapi.json``.

Written out as data, route by route, so that what a client reads is what the
routes do (a test checks that every route is described and nothing else).
"""

from __future__ import annotations

from align import __version__

_ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*statuses: int) -> dict:
    text = {400: "Invalid request", 403: "Missing or invalid API key", 404: "No such document",
            409: "The document exists", 413: "Request body too large", 500: "Translation error"}
    return {str(s): {"description": text[s], "content": {"application/json": {"schema": _ERROR}}}
            for s in statuses}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict, form: bool = True) -> dict:
    content = {"application/json": {"schema": schema}}
    if form:
        content["application/x-www-form-urlencoded"] = {"schema": schema}
    return {"required": True, "content": content}


_STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_API_KEY = {"type": "string", "description": "required when the server was started with --api-keys"}

TRANSLATE_REQUEST = {
    "type": "object", "required": ["q", "source", "target"],
    "properties": {
        "q": {**_STRINGS, "description": "text(s) to translate; a list keeps its order"},
        "source": {"type": "string", "enum": ["fr", "auto"]},
        "target": {"type": "string", "enum": ["en"]},
        "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
        "alternatives": {"type": "integer", "default": 0, "description": "accepted; none are returned"},
        "api_key": _API_KEY,
    },
}
DETECTION = {"type": "object", "properties": {"confidence": {"type": "number"}, "language": {"type": "string"}}}


def document() -> dict:
    """The whole OpenAPI document."""
    paths = {
        "/translate": {"post": {
            "summary": "Translate French text to English (LibreTranslate's API), glossary enforced",
            "requestBody": _body(TRANSLATE_REQUEST),
            "responses": {"200": _json({"type": "object", "properties": {
                "translatedText": _STRINGS,
                "detectedLanguage": {"oneOf": [DETECTION, {"type": "array", "items": DETECTION}]},
                "alternatives": {"type": "array"}}}), **_errors(400, 403, 413, 500)},
        }},
        "/languages": {"get": {
            "summary": "Supported languages (LibreTranslate's API)",
            "responses": {"200": _json({"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"},
                "targets": {"type": "array", "items": {"type": "string"}}}}}), **_errors(403)},
        }},
        "/detect": {"post": {
            "summary": "Detect French or English (LibreTranslate's API)",
            "requestBody": _body({"type": "object", "required": ["q"],
                                  "properties": {"q": {"type": "string"}, "api_key": _API_KEY}}),
            "responses": {"200": _json({"type": "array", "items": DETECTION}), **_errors(400, 403, 413)},
        }},
        "/frontend/settings": {"get": {
            "summary": "Settings for web front ends (LibreTranslate's API)",
            "responses": {"200": _json({"type": "object"})},
        }},
        "/openapi.json": {"get": {"summary": "This description",
                                  "responses": {"200": _json({"type": "object"})}}},
        "/health": {"get": {
            "summary": "Liveness, the engine, and how many requests shared each engine call",
            "responses": {"200": _json({"type": "object"})},
        }},
        "/v1/documents": {
            "post": {
                "summary": "Translate a French article into aligned TEI, stored in the workspace",
                "requestBody": _body({"type": "object", "required": ["text"], "properties": {
                    "text": {"type": "string"}, "id": {"type": "string"}, "title": {"type": "string"},
                    "replace": {"type": "boolean", "default": False}, "api_key": _API_KEY}}, form=False),
                "responses": {"201": _json({"$ref": "#/components/schemas/DocumentSummary"}, "Stored"),
                              **_errors(400, 403, 409, 413, 500)},
            },
            "get": {
                "summary": "The workspace's documents",
                "responses": {"200": _json({"type": "object", "properties": {"documents": {
                    "type": "array", "items": {"$ref": "#/components/schemas/DocumentSummary"}}}}),
                    **_errors(403)},
            },
        },
        "/v1/documents/{doc_id}": {"get": {
            "summary": "A stored document: its TEI file, or its sentence pairs as JSON",
            "parameters": [
                {"name": "doc_id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["tei", "json"]}},
            ],
            "responses": {"200": {"description": "OK", "content": {
                "application/tei+xml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}}}}, **_errors(400, 403, 404)},
        }},
        "/v1/check-terms": {"post": {
            "summary": "Names spelled several ways, in posted text, some documents, or the whole workspace",
            "requestBody": _body({"type": "object", "properties": {
                "text": {"type": "string"}, "documents": {"type": "array", "items": {"type": "string"}},
                "api_key": _API_KEY}}, form=False),
            "responses": {"200": _json({"type": "object"}), **_errors(400, 403, 404, 413)},
        }},
    }
    from align.serve.workbench.routes import OPENAPI_PATHS  # the editor's workbench (HTML pages)

    paths.update(OPENAPI_PATHS)
    return {
        "openapi": "3.1.0",
        "info": {"title": "align serve", "version": __version__,
                 "description": "French->English news translation with an enforced glossary: "
                                "LibreTranslate's API, and align's own under /v1/."},
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "DocumentSummary": {"type": "object", "properties": {
                "id": {"type": "string"}, "title": {"type": "string"}, "sentences": {"type": "integer"},
                "problems": {"type": "integer"}, "engine": {"type": "string"}, "date": {"type": "string"},
                "url": {"type": "string"}}},
        }},
    }
