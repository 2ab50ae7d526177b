"""``align serve [--host 127.0.0.1] [--port 5000] [--glossary NAME|FILE] ...``: the HTTP server."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import click

from align.cli.engine_options import engine_options

from align.errors import AlignError

SERVE_EXTRA_MISSING = "align serve needs the serve extra: pip install -e '.[serve]'"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 opens the server to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="Port (0: any free port, printed at start).")
@click.option("--glossary", "glossary_path", type=click.Path(path_type=Path),
              help="Glossary (TSV or TBX) enforced in every translation; a bare name picks a shipped one.")
@engine_options
@click.option("--threads", type=click.IntRange(0), default=None,
              help="CPU threads per model replica (argos; default 1 with --replicas > 1, else all cores).")
@click.option("--replicas", type=click.IntRange(1), default=None,
              help="Model replicas decoding parts of a batch at once (argos on CPU; default: one per core; "
                   "with more than one, a lone sentence may go to a copy of the model on every core).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default=None, help="Device (argos).")
@click.option("--compute-type", type=click.Choice(["default", "float32", "int8", "int8_float32", "float16", "auto"]),
              default=None, help="CTranslate2 compute type (argos; default: the model's own).")
@click.option("--api-keys", "api_keys_path", type=click.Path(dir_okay=False, path_type=Path),
              help="File of API keys, one a line: every request must carry one (api_key), else 403.")
@click.option("--workspace", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder of the aligned TEI documents that /v1/documents stores and reads.")
@click.option("--max-body", type=click.IntRange(1), default=1_000_000, show_default=True,
              help="Largest request body in bytes (larger: 413).")
@click.option("--char-limit", type=click.IntRange(-1), default=-1, show_default=True,
              help="Longest text per q, in characters (-1: none), as LibreTranslate's option.")
@click.option("--batch-limit", type=click.IntRange(-1), default=-1, show_default=True,
              help="Most texts in one q list (-1: none), as LibreTranslate's option.")
@click.option("--batch-wait", type=click.FloatRange(0, 1000), default=5.0, show_default=True,
              help="An engine call waits for other clients' sentences until none has come for this many "
                   "milliseconds ...")
@click.option("--batch-max-delay", type=click.FloatRange(0, 10000), default=None,
              help="... or until this many milliseconds have passed (default: 10 x --batch-wait).")
@click.option("--batch-tokens", type=click.IntRange(1), default=4096, show_default=True,
              help="Source words that close an engine call before --batch-wait runs out.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the translation memory.")
@click.option("--user", default="", metavar="NAME",
              help="Editor's name recorded in the TEI (revisionDesc/change) for edits made in the workbench (/workbench/).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              default="info", show_default=True, help="uvicorn's log level (info logs each request).")
def serve(host, port, glossary_path, glossary_mode, engine, model, beam_size, threads, replicas, device, compute_type,
          api_keys_path, workspace, max_body, char_limit, batch_limit, batch_wait, batch_max_delay, batch_tokens,
          no_cache, user, log_level) -> int:
    """Serve LibreTranslate's HTTP API (/translate, /languages, /detect) and align's own
    (/v1/documents, /v1/check-terms; described at /openapi.json), with one engine loaded
    once, the glossary enforced and the translation memory shared by every client.

    \b
    align serve --glossary russia-dprk
    curl -s localhost:5000/translate -H 'Content-Type: application/json' \\
         -d '{"q": "Sergueï Choïgou est à Kiev.", "source": "fr", "target": "en"}'

    Stop it with Ctrl+C or SIGTERM: requests in flight finish first.
    """
    try:
        import uvicorn

        from align.serve.app import create_app
        from align.serve.service import ServeSettings
    except ImportError:
        raise AlignError(SERVE_EXTRA_MISSING) from None
    from align.cli.translate import _load_engine, _load_glossary, _open_memory

    api_keys = _load_keys(api_keys_path)
    listener = _bind(host, port)
    options = {k: v for k, v in dict(model=model, beam_size=beam_size, device=device, compute_type=compute_type,
                                     **_threading(replicas, threads, device)).items() if v is not None}
    settings = ServeSettings(
        engine=_load_engine(engine, options), glossary=_load_glossary(glossary_path),
        memory=None if no_cache else _open_memory(), glossary_mode=glossary_mode, workspace=workspace,
        api_keys=api_keys, max_body=max_body, max_wait=batch_wait / 1000, max_tokens=batch_tokens,
        max_delay=None if batch_max_delay is None else batch_max_delay / 1000,
        char_limit=char_limit, batch_limit=batch_limit, user=user.strip(),
    )
    lone = _keep_lone_translator_if_faster(settings.engine)
    bound_host, bound_port = listener.getsockname()[:2]
    info = settings.engine.info()
    click.echo(f"align serve: listening on http://{_url_host(bound_host)}:{bound_port} "
               f"(engine {info.name} {info.model}{lone}, glossary "
               f"{settings.glossary.name if settings.glossary else 'none'}, workspace {workspace})", err=True)
    config = uvicorn.Config(create_app(settings), log_level=log_level, timeout_graceful_shutdown=30,
                            access_log=log_level in ("info", "debug"))
    uvicorn.Server(config).run(sockets=[listener])
    return 0


def _threading(replicas: int | None, threads: int | None, device: str | None) -> dict:
    """A server decodes many small batches: on a CPU, one one-thread model replica per core
    beats one replica using every core (same output; scripts/bench_serve.md). A lone
    sentence may decode faster on every core: a second copy of the model is loaded for
    it, and kept if it is (``_keep_lone_translator_if_faster``)."""
    if device not in (None, "cpu"):
        return {"inter_threads": replicas, "threads": threads}
    cores = max(1, os.cpu_count() or 1)
    replicas = replicas if replicas is not None else cores
    if threads is None:
        threads = 1 if replicas > 1 else 0
    lone = cores if replicas > 1 and 0 < threads < cores else None
    return {"inter_threads": replicas, "threads": threads, "lone_threads": lone}


#: the sentence timed at start-up to choose how a lone sentence is decoded
TIMING_SENTENCE = "Le ministre a annoncé mardi de nouvelles mesures pour soutenir les agriculteurs touchés par la sécheresse."


def _keep_lone_translator_if_faster(engine) -> str:
    """Time the lone-sentence translator against a replica (argos with replicas only);
    a few words for the start-up line."""
    if getattr(engine, "lone_translator", None) is None:
        return ""
    if engine.keep_lone_translator_if_faster(TIMING_SENTENCE):
        return f", a lone sentence on {engine.lone_threads} threads"
    return ", a lone sentence on one replica (faster here than on every core)"


def _load_keys(path: Path | None) -> list[bytes] | None:
    if path is None:
        return None
    from align.serve.http import load_api_keys

    return load_api_keys(path)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the engine loads, so a busy port fails fast and clearly."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise AlignError(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
    except OSError as exc:
        listener.close()
        raise AlignError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    listener.listen(2048)
    listener.set_inheritable(True)
    return listener


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


if __name__ == "__main__":  # pragma: no cover
    sys.exit(serve())
