"""The workbench's routes (``ROUTES``, added to the app in align/serve/app.py).

    GET  /workbench/                            the workspace: documents, counts, a new-document form
    GET  /workbench/doc/{id}                    French and English side by side, editable English
    GET  /workbench/doc/{id}/terms              check-terms for the document (and /workbench/terms: the workspace)
    GET  /workbench/doc/{id}/export/{format}    tei, tmx, html, txt, xces: what ``align export`` writes
    POST /workbench/api/documents               a new document from pasted text or an uploaded .txt
    POST /workbench/api/doc/{id}/sentence       save a post-edited English sentence (409 on a conflict)
    POST /workbench/api/doc/{id}/retranslate    translate sentences again (after a glossary change)
    POST /workbench/api/glossary                accept a check-terms suggestion into the glossary file

Every POST needs the page's token in ``X-Align-Token`` (a cross-site page
cannot read it nor send that header without a preflight this server refuses)
and, when the browser sends an ``Origin``, the server's own. Document ids are
checked by :meth:`TranslationService.existing_document` (no separator, no
leading dot, no symbolic link), so no request reaches a file outside the
workspace. A server started with ``--api-keys`` has no workbench (its pages
could not carry a key): 403.
"""

from __future__ import annotations

import asyncio
import hmac
import io
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from align.serve.http import ApiError, read_params
from align.serve.workbench import edits, pages

EXPORT_FORMATS = ("tei", "tmx", "html", "txt", "xces")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
STATIC_TYPES = {"workbench.js": "text/javascript", "workbench.css": "text/css", "align.css": "text/css"}


@dataclass
class WorkbenchState:
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def lock(self, doc_id: str) -> asyncio.Lock:
        """One lock per document: saves to one file happen one after the other."""
        return self.locks.setdefault(doc_id, asyncio.Lock())


def _state(request: Request) -> WorkbenchState:
    state = getattr(request.app.state, "workbench", None)
    if state is None:
        state = request.app.state.workbench = WorkbenchState()
    return state


def _service(request: Request):
    svc = request.app.state.service
    if svc.settings.api_keys is not None:
        raise ApiError(403, "the workbench is not available on a server started with --api-keys")
    return svc


def _checked_post(request: Request):
    """The service, once the request is shown to come from one of the workbench's pages."""
    svc = _service(request)
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        raise ApiError(403, "cross-origin request refused")
    token = request.headers.get("x-align-token", "")
    if not hmac.compare_digest(token.encode("utf-8", "replace"), _state(request).token.encode()):
        raise ApiError(403, "missing or stale workbench token: reload the page")
    return svc


def _page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    html = pages.render(template, token=_state(request).token, user=request.app.state.service.settings.user,
                        **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _document_path(request: Request, svc) -> tuple[str, Path]:
    """The path's document id and its file (404 when there is none, as /v1/documents/{id})."""
    from align.serve.v1 import existing_path

    doc_id = request.path_params["doc_id"]
    return doc_id, existing_path(svc, doc_id)


def _read(path: Path):
    from align import tei

    return tei.read_tei(path)


# ---------------------------------------------------------------- pages
async def workspace_page(request: Request) -> HTMLResponse:
    svc = _service(request)
    documents = await run_in_threadpool(_workspace_rows, svc)
    return _page(request, "workspace.html", documents=documents, workspace=str(svc.settings.workspace),
                 glossary=svc.settings.glossary)


def _workspace_rows(svc) -> list[dict]:
    rows = []
    for doc_id, doc, error in svc.documents():
        if error is not None:
            rows.append({"id": doc_id, "error": str(error)})
            continue
        rows.append({"id": doc_id, "title": doc.provenance.title, "counts": edits.counts(doc),
                     "engine": doc.provenance.engine, "method": doc.provenance.method,
                     "date": doc.provenance.date, "changes": len(doc.provenance.changes)})
    return rows


def _threshold(request: Request) -> float:
    try:
        value = float(request.query_params.get("threshold", edits.DOUBTFUL_BELOW))
    except ValueError:
        raise ApiError(400, "threshold must be a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise ApiError(400, "threshold must be a number between 0 and 1")
    return value


async def document_page(request: Request) -> HTMLResponse:
    svc = _service(request)
    doc_id, path = _document_path(request, svc)
    threshold = _threshold(request)
    doc = await run_in_threadpool(_read, path)
    rows = pages.rows(doc, threshold)
    return _page(request, "document.html", doc_id=doc_id, doc=doc, rows=rows, threshold=threshold,
                 counts=edits.counts(doc, threshold), formats=EXPORT_FORMATS,
                 problems=[r for r in rows if r.problem], doubtful=[r for r in rows if r.doubtful])


async def document_terms_page(request: Request) -> HTMLResponse:
    svc = _service(request)
    doc_id, path = _document_path(request, svc)
    return await _terms_page(request, svc, {doc_id: path}, doc_id)


async def workspace_terms_page(request: Request) -> HTMLResponse:
    svc = _service(request)
    paths = {i: svc.document_path(i) for i in svc.document_ids()}
    return await _terms_page(request, svc, paths, None)


async def _terms_page(request: Request, svc, paths: dict[str, Path], doc_id: str | None) -> HTMLResponse:
    from align import term_check

    glossary = svc.settings.glossary
    report = await run_in_threadpool(term_check.check_files, list(paths.values()), glossary) if paths else None
    by_file = {str(path): i for i, path in paths.items()}
    findings = [] if report is None else [(by_file.get(f.file, ""), f) for f in report.findings]
    candidates = [] if report is None else [(c, [_place(p, by_file) for p in c.places]) for c in report.candidates]
    from align.glossary import ENTRY_TYPES

    from align.errors import GlossaryError
    from align.serve.workbench.glossary_file import writable_path

    writable = None
    try:
        writable_path(glossary)
    except GlossaryError as exc:  # the reason is shown on the page, the buttons disabled
        writable = str(exc)
    return _page(request, "terms.html", doc_id=doc_id, documents=list(paths), findings=findings,
                 candidates=candidates, glossary=glossary, entry_types=ENTRY_TYPES, not_writable=writable)


def _place(place: str, by_file: dict[str, str]) -> tuple[str, str]:
    """"FILE:en.s3" -> (document id, "en.s3")."""
    file, _, where = place.rpartition(":")
    return by_file.get(file, ""), where


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC_TYPES:
        raise ApiError(404, f"no file {name}")
    if name == "align.css":
        from align.resources import data_file

        data = data_file("tei", "align.css").read_bytes()
    else:
        data = (pages.STATIC / name).read_bytes()
    return Response(data, media_type=STATIC_TYPES[name], headers={"X-Content-Type-Options": "nosniff"})


async def export(request: Request) -> Response:
    svc = _service(request)
    doc_id, path = _document_path(request, svc)
    wanted = request.path_params["format"]
    if wanted not in EXPORT_FORMATS:
        raise ApiError(404, f"no export format {wanted} ({', '.join(EXPORT_FORMATS)})")
    if wanted == "tei":
        return _download(path.read_bytes(), f"{doc_id}.tei.xml", "application/tei+xml")
    name, data, media_type = await run_in_threadpool(_export_files, path, doc_id, wanted)
    return _download(data, name, media_type)


def _export_files(path: Path, doc_id: str, format_name: str) -> tuple[str, bytes, str]:
    """The files ``align export --to FORMAT`` writes for the document: one file as it is,
    several (html + align.css, txt's .fr and .en, xces's three) in a zip."""
    from align.export import exporter

    doc = _read(path)
    module = exporter(format_name)
    with tempfile.TemporaryDirectory(prefix="align-export-") as folder:
        written = module.export(doc, Path(folder) / f"{doc_id}{module.SUFFIX}")
        if len(written) == 1:
            media = {"tmx": "application/x-tmx+xml"}.get(format_name, "application/octet-stream")
            return written[0].name, written[0].read_bytes(), media
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in written:
                archive.write(file, file.name)
        return f"{doc_id}.{format_name}.zip", buffer.getvalue(), "application/zip"


def _download(data: bytes, filename: str, media_type: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})


# ---------------------------------------------------------------- actions
async def new_document(request: Request) -> JSONResponse:
    svc = _checked_post(request)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        params, text = await _uploaded(request)
    else:
        params = await read_params(request)
        text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "paste a French text or choose a .txt file")
    from align.serve.v1 import _document_id

    doc_id = _document_id(params.get("id") or None, text)
    title = params.get("title") if isinstance(params.get("title"), str) and params.get("title") else None
    if svc.document_path(doc_id).exists() and params.get("replace") not in (True, "true", "1", "on"):
        raise ApiError(409, f"document {doc_id} exists; choose another id or tick 'replace'")
    async with _state(request).lock(doc_id):
        aligned = await svc.translate_article_async(text, doc_id, title)
    return JSONResponse({"id": doc_id, "url": f"/workbench/doc/{doc_id}",
                         "sentences": len(aligned.source.sentences())}, status_code=201)


async def _uploaded(request: Request) -> tuple[dict, str | None]:
    """A multipart form: its text fields, and the uploaded file read as align reads any .txt."""
    try:
        form = await request.form()
    except (AssertionError, ValueError, KeyError) as exc:
        raise ApiError(400, f"Invalid form data: {exc}") from None
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return params, params.get("text")
    data = await upload.read()
    text = await run_in_threadpool(_decode_upload, data, upload.filename)
    if not params.get("id"):
        from align.serve.service import DOCUMENT_ID

        stem = Path(upload.filename).name.rsplit(".", 1)[0]
        params["id"] = stem if DOCUMENT_ID.fullmatch(stem) and not stem.endswith(".tei") else ""
    return params, text


def _decode_upload(data: bytes, filename: str) -> str:
    from align.errors import InputError
    from align.io import read_text

    with tempfile.TemporaryDirectory(prefix="align-upload-") as folder:
        path = Path(folder) / "upload.txt"
        path.write_bytes(data)
        try:
            return read_text(path)
        except InputError as exc:
            raise InputError(str(exc).replace(str(path), Path(filename).name)) from None


async def save_sentence(request: Request) -> JSONResponse:
    svc = _checked_post(request)
    doc_id, path = _document_path(request, svc)
    params = await read_params(request)
    sentence_id, text, base = params.get("id"), params.get("text"), params.get("version")
    if not all(isinstance(v, str) for v in (sentence_id, text, base)):
        raise ApiError(400, "Invalid request: id, text and version are needed")
    async with _state(request).lock(doc_id):
        doc = await run_in_threadpool(_read, path)
        try:
            changed = edits.post_edit(doc, sentence_id, text, base, svc.settings.user, svc.settings.glossary)
        except edits.Conflict as conflict:
            theirs = conflict.sentence
            return JSONResponse({"error": f"{sentence_id} was saved by someone else since you opened it. "
                                          "Your text is still in the box: compare, then save again to keep yours.",
                                 "conflict": True, "text": theirs.text,
                                 "version": edits.sentence_version(theirs)}, status_code=409)
        if changed:
            from align import tei

            await run_in_threadpool(tei.write_tei, doc, path)
            await _remember(svc, doc, sentence_id, text)
    sentence = doc.target.sentence(sentence_id)
    return JSONResponse({"id": sentence_id, "text": sentence.text, "version": edits.sentence_version(sentence),
                         "original": sentence.original, "changed": changed})


async def _remember(svc, doc, sentence_id: str, text: str) -> None:
    """The edit goes into the translation memory as a human translation of its French sentence."""
    memory = svc.settings.memory
    french = edits.one_to_one_source(doc, sentence_id)
    if memory is not None and french is not None:
        await svc.batcher.run_in_worker(partial(memory.put_human, french.text, text))


async def retranslate(request: Request) -> JSONResponse:
    svc = _checked_post(request)
    doc_id, path = _document_path(request, svc)
    params = await read_params(request)
    ids = params.get("sentences")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ApiError(400, "Invalid request: sentences must be a list of English sentence ids")
    reason = params.get("reason") if isinstance(params.get("reason"), str) else "glossary changed"
    async with _state(request).lock(doc_id):
        result = await run_in_threadpool(_retranslate_file, svc, path, ids, reason[:200])
    return JSONResponse({"id": doc_id, "changed": result.changed, "kept_post_edited": result.kept_post_edited})


def _retranslate_file(svc, path: Path, ids: list[str], reason: str) -> edits.Retranslation:
    from align import tei

    doc = _read(path)
    result = edits.retranslate(doc, ids, svc.batcher.translate_blocking, reason, svc.settings.user,
                               svc.settings.glossary)
    if result.changed:
        tei.write_tei(doc, path)
    return result


async def accept_entry(request: Request) -> JSONResponse:
    """Add a suggested entry to the glossary file, reload it, and say which sentences it affects."""
    from align.serve.workbench import glossary_file

    svc = _checked_post(request)
    params = await read_params(request)
    line = params.get("line")
    if not isinstance(line, str) or not line.strip():
        raise ApiError(400, "Invalid request: missing line parameter")
    canonical = params.get("canonical") if isinstance(params.get("canonical"), str) else None
    entry_type = params.get("type") if isinstance(params.get("type"), str) else None
    from align.errors import GlossaryError

    try:
        entry = glossary_file.entry_from_line(line, canonical or None, entry_type or None)
        async with _state(request).lock("\x00glossary"):
            glossary = await run_in_threadpool(glossary_file.accept, svc.settings.glossary, entry)
            svc.settings.glossary = glossary  # the next engine call uses it (see TranslationService)
    except GlossaryError as exc:  # the suggestion (or the server's glossary) is the problem: one line
        raise ApiError(400, str(exc)) from None
    affected = await run_in_threadpool(_affected, svc, glossary, entry.id)
    return JSONResponse({"entry": {"id": entry.id, "canonical": entry.canonical, "variants": entry.variants,
                                   "type": entry.type},
                         "glossary": glossary.name, "backup": str(Path(glossary.path).name) + ".bak",
                         "affected": affected})


def _affected(svc, glossary, entry_id: str) -> list[dict]:
    out = []
    for doc_id, doc, error in svc.documents():
        if error is not None:  # a file that does not read has no sentences to re-translate
            continue
        ids = edits.affected_sentences(doc, glossary, entry_id)
        if ids:
            out.append({"id": doc_id, "title": doc.provenance.title, "sentences": ids})
    return out


async def to_workspace(request: Request) -> RedirectResponse:
    return RedirectResponse("/workbench/", status_code=307)


ROUTES = [
    Route("/workbench", to_workspace, methods=["GET"]),
    Route("/workbench/", workspace_page, methods=["GET"], name="workbench"),
    Route("/workbench/terms", workspace_terms_page, methods=["GET"]),
    Route("/workbench/static/{name}", static, methods=["GET"]),
    Route("/workbench/doc/{doc_id}", document_page, methods=["GET"]),
    Route("/workbench/doc/{doc_id}/terms", document_terms_page, methods=["GET"]),
    Route("/workbench/doc/{doc_id}/export/{format}", export, methods=["GET"]),
    Route("/workbench/api/documents", new_document, methods=["POST"]),
    Route("/workbench/api/doc/{doc_id}/sentence", save_sentence, methods=["POST"]),
    Route("/workbench/api/doc/{doc_id}/retranslate", retranslate, methods=["POST"]),
    Route("/workbench/api/glossary", accept_entry, methods=["POST"]),
]


def _html(summary: str, *path_params: str) -> dict:
    return {"get": {"summary": summary, "tags": ["workbench"],
                    "parameters": [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                                   for p in path_params],
                    "responses": {"200": {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}},
                                  "404": {"description": "No such document"}}}}


def _action(summary: str, *path_params: str) -> dict:
    return {"post": {"summary": summary + " (needs the page's X-Align-Token header)", "tags": ["workbench"],
                     "parameters": [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                                    for p in path_params],
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
                     "responses": {"200": {"description": "OK"}, "400": {"description": "Invalid request"},
                                   "403": {"description": "Missing token or cross-origin"},
                                   "409": {"description": "Conflict"}}}}


#: the workbench's routes in /openapi.json (align/serve/openapi.py adds them)
OPENAPI_PATHS = {
    "/workbench": {"get": {"summary": "Redirects to /workbench/", "tags": ["workbench"],
                           "responses": {"307": {"description": "Redirect"}}}},
    "/workbench/": _html("The editor's workbench: the workspace's documents"),
    "/workbench/terms": _html("check-terms over the whole workspace, with glossary suggestions"),
    "/workbench/static/{name}": _html("The workbench's script and style sheets", "name"),
    "/workbench/doc/{doc_id}": _html("A document, French and English side by side, English editable", "doc_id"),
    "/workbench/doc/{doc_id}/terms": _html("check-terms over one document", "doc_id"),
    "/workbench/doc/{doc_id}/export/{format}": _html("The files align export writes (tei, tmx, html, txt, xces)",
                                                     "doc_id", "format"),
    "/workbench/api/documents": _action("Translate pasted French text or an uploaded .txt into a new document"),
    "/workbench/api/doc/{doc_id}/sentence": _action("Save a post-edited English sentence", "doc_id"),
    "/workbench/api/doc/{doc_id}/retranslate": _action("Translate English sentences again", "doc_id"),
    "/workbench/api/glossary": _action("Add a check-terms suggestion to the glossary file"),
}
