"""align's own endpoints, under ``/v1/``: articles as aligned TEI in the workspace,
and the terminology check.

    POST /v1/documents            {"text": "...", "id": "my-article", "title": ..., "replace": false}
                                  -> 201 {"id", "title", "sentences", "problems", "url"}
    GET  /v1/documents            -> {"documents": [{"id", "title", "sentences", "problems", ...}]}
    GET  /v1/documents/{id}       -> the TEI file (application/tei+xml)
    GET  /v1/documents/{id}?format=json -> {"id", "title", "pairs": [{"source", "target", ...}]}
    POST /v1/check-terms          {"text": "..."} or {"documents": [ids]} or {} (the whole workspace)
                                  -> the report of ``align check-terms --json``

The workspace is the folder ``align serve --workspace`` names; its documents
are the files ``align translate`` writes and every other command reads.
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from align.serve.http import ApiError, checked_params, service
from align.serve.service import DOCUMENT_ID

TEI_MEDIA_TYPE = "application/tei+xml"


def _document_id(value: object, text: str) -> str:
    if value is None or value == "":
        return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    if not isinstance(value, str) or not DOCUMENT_ID.fullmatch(value) or value.endswith(".tei.xml"):
        raise ApiError(400, "Invalid request: id must be 1-120 letters, digits, '.', '_' or '-', "
                            "starting with a letter or digit")
    return value


async def create_document(request: Request) -> JSONResponse:
    params = await checked_params(request)
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Invalid request: missing text parameter")
    doc_id = _document_id(params.get("id"), text)
    title = params.get("title") if isinstance(params.get("title"), str) else None
    svc = service(request)
    if svc.document_path(doc_id).exists() and params.get("replace") not in (True, "true", "1"):
        raise ApiError(409, f"document {doc_id} exists; send \"replace\": true to translate it again")
    aligned = await svc.translate_article_async(text, doc_id, title)
    body = {**_summary(doc_id, aligned), "url": str(request.url_for("document", doc_id=doc_id))}
    return JSONResponse(body, status_code=201)


def _summary(doc_id: str, aligned) -> dict:
    sentences = aligned.source.sentences()
    return {
        "id": doc_id,
        "title": aligned.provenance.title,
        "sentences": len(sentences),
        "problems": sum(len(s.notes) for s in sentences),
        "engine": aligned.provenance.engine,
        "date": aligned.provenance.date,
    }


async def list_documents(request: Request) -> JSONResponse:
    await checked_params(request)
    return JSONResponse({"documents": await run_in_threadpool(_summaries, service(request))})


def _summaries(svc) -> list[dict]:
    return [{"id": doc_id, "error": str(error)} if error is not None else _summary(doc_id, doc)
            for doc_id, doc, error in svc.documents()]


def existing_path(svc, doc_id: str):
    """The file of stored document ``doc_id`` (see TranslationService.existing_document), else 404;
    the workbench's routes use it too."""
    path = svc.existing_document(doc_id)
    if path is None:
        raise ApiError(404, f"no document {doc_id}")
    return path


async def get_document(request: Request) -> Response:
    params = await checked_params(request)
    doc_id = request.path_params["doc_id"]
    path = existing_path(service(request), doc_id)
    wanted = params.get("format") or "tei"
    if wanted == "tei":
        return Response(path.read_bytes(), media_type=TEI_MEDIA_TYPE)
    if wanted != "json":
        raise ApiError(400, f"{wanted} format is not supported (tei or json)")
    from align import tei

    return JSONResponse(_pairs(doc_id, tei.read_tei(path)))


def _pairs(doc_id: str, aligned) -> dict:
    source = {s.id: s for s in aligned.source.sentences()}
    target = {s.id: s for s in aligned.target.sentences()}
    pairs = []
    for link in aligned.links:
        pairs.append({
            "source_ids": list(link.source), "target_ids": list(link.target),
            "source": " ".join(source[i].text for i in link.source),
            "target": " ".join(target[i].text for i in link.target),
            "problems": [n for i in link.source for n in source[i].notes],
            "confidence": link.confidence,
        })
    return {**_summary(doc_id, aligned), "pairs": pairs}


async def check_terms(request: Request) -> JSONResponse:
    params = await checked_params(request)
    from align import term_check

    svc = service(request)
    glossary = svc.settings.glossary
    text = params.get("text")
    if text is not None:
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Invalid request: text must be a non-empty string")
        report = await run_in_threadpool(_check_text, text, glossary)
        return JSONResponse(report.to_json())
    ids = params.get("documents")
    if ids is None:
        paths = [svc.document_path(i) for i in svc.document_ids()]
    elif isinstance(ids, list) and all(isinstance(i, str) for i in ids):
        paths = [existing_path(svc, i) for i in ids]
    else:
        raise ApiError(400, "Invalid request: documents must be a list of document ids")
    report = await run_in_threadpool(term_check.check_files, paths, glossary)
    return JSONResponse(report.to_json())


def _check_text(text: str, glossary):
    """check-terms over posted text, one unit a line, as over a .txt file."""
    from align import term_check

    lang = term_check.guess_language(text)
    units = [term_check.Unit("text", f"line {n}", lang, line)
             for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    report = term_check.Report(["text"], glossary.name if glossary else None)
    if glossary is not None:
        report.findings = term_check.glossary_findings(units, glossary)
    report.candidates = term_check.discover(units, glossary)
    return report


ROUTES = [
    Route("/v1/documents", create_document, methods=["POST"]),
    Route("/v1/documents", list_documents, methods=["GET"]),
    Route("/v1/documents/{doc_id}", get_document, methods=["GET"], name="document"),
    Route("/v1/check-terms", check_terms, methods=["POST"]),
]
