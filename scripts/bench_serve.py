#!/usr/bin/env python3
"""Serving speed: ``align serve`` against a per-request server, as LibreTranslate serves.

Two servers on 127.0.0.1, the same model, the same decoding options (beam 4,
length penalty 0.2, the same compute type), started in this run:

  a  ``align serve --no-cache``: sentences of concurrent requests share engine
     calls (align/serve/batcher.py);
  b  a per-request server: each request calls argostranslate's ``translate()``
     on its text, from a pool of 4 threads (LibreTranslate's default
     ``--threads 4`` under waitress), with argostranslate's settings
     (LibreTranslate sets none of its own). argostranslate.translate cannot load
     its sentence splitter offline (minisbd downloads its model), so b uses
     align.engines.argos.ArgosReproduction, argostranslate 1.11's own
     per-sentence path (its Package, tokenizer, settings, one
     ``translate_batch`` per sentence) without the splitter, loaded once. The
     header says which. LibreTranslate itself is not installed (its
     dependencies pull torch and stanza; its models need a download).

Two set-ups:

  default       both servers decode in float32, whose output does not depend
                on the batch: every answer of both must equal the offline
                translation;
  --as-shipped  an int8-stored package, as argos ships its models, each server
                on its default compute type (both int8_float32 on a CPU).
                int8 output can depend on the batch (a sentence decoded alone
                may come out differently): each server's answers are counted
                against its own offline path.

For each level of concurrent clients (1, 4, 16, 64 by default), each server
gets the same ``--requests`` requests, one newstest2013 sentence each, from
that many client threads; the two servers take turns level by level. It
prints sentences/s, p50 and p95 latency, how many answers arrived, how many
differ from the server's offline path (a: ``ArgosEngine.translate_batch``,
what ``align translate`` writes; b: its per-sentence path), and the ratios
a/b. Both servers run without a translation memory: as shipped, ``align
serve`` also keeps one, and a repeated sentence then costs no engine call at
all, which this comparison leaves out.

The model is argos's fr_en size (transformer-base, 32000-row vocabulary) with
random weights, built once by scripts/bench_translate.py's builder into
--work-dir. Loopback only, bounded: at most --requests per server and level,
and no new request after --max-seconds.

    python3 scripts/bench_serve.py                       # about 6 minutes on 2 cores
    python3 scripts/bench_serve.py --as-shipped          # about 4 minutes
    python3 scripts/bench_serve.py --levels 16 --requests 96
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # align from this checkout, installed or not (b's process too)
MT = REPO.parent / "shared" / "data" / "mt"
LISTENING = re.compile(r"listening on (http://\S+)")
PER_REQUEST_THREADS = 4  # LibreTranslate's default --threads


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,4,16,64", help="concurrent clients, comma-separated")
    parser.add_argument("--requests", type=int, default=64, help="requests per server and level (default 64)")
    parser.add_argument("--n", type=int, default=64, help="distinct sentences: newstest2013 lines (default 64)")
    parser.add_argument("--max-seconds", type=float, default=120, help="no new request after this per level")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "align-bench"))
    parser.add_argument("--package", help="an installed package folder or .argosmodel (default: build one)")
    parser.add_argument("--as-shipped", action="store_true",
                        help="an int8-stored package (as argos ships them), each server on its default compute type")
    parser.add_argument("--b-replicas", type=int, metavar="N",
                        help="not LibreTranslate's set-up: give b N one-thread model replicas "
                             "(ARGOS_INTER_THREADS=N, ARGOS_INTRA_THREADS=1) instead of argos's defaults")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--per-request-server", metavar="PACKAGE", help=argparse.SUPPRESS)  # b's process
    return parser.parse_args()


# --- b: the per-request server -------------------------------------------------------------


def run_per_request_server(package_path: str) -> None:
    """b's process: argostranslate's translate() per request, 4 threads, on a free port."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor as Pool

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from align.engines.argos import argos_per_sentence_translator
    from align.models import find_model

    translate, kind = argos_per_sentence_translator(find_model(package_path))
    pool = Pool(PER_REQUEST_THREADS)

    async def endpoint(request: Request) -> JSONResponse:
        params = await request.json()
        text = await asyncio.get_running_loop().run_in_executor(pool, translate, params["q"])
        return JSONResponse({"translatedText": text})

    app = Starlette(routes=[Route("/translate", endpoint, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        print(f"per-request server ({kind}): listening on http://127.0.0.1:{port}", file=sys.stderr, flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.run()


# --- running the servers -------------------------------------------------------------------


class Server:
    def __init__(self, label: str, command: list[str], env: dict[str, str]) -> None:
        self.label = label
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                        env={**os.environ, **env}, cwd=REPO)
        self.header = ""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            found = LISTENING.search(line)
            if found:
                self.header, self.url = line.strip(), found.group(1)
                break
        else:
            raise SystemExit(f"{label} did not start (exit {self.process.wait()})")
        threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def post(url: str, sentence: str) -> tuple[float, str | None]:
    body = json.dumps({"q": sentence, "source": "fr", "target": "en"}).encode("utf-8")
    request = urllib.request.Request(url + "/translate", data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            text = json.loads(response.read())["translatedText"]
    except (urllib.error.URLError, OSError, KeyError, ValueError):
        text = None
    return time.perf_counter() - started, text


def load_level(server: Server, sentences: list[str], expected: list[str], clients: int, requests: int,
               max_seconds: float) -> dict:
    """``requests`` one-sentence requests from ``clients`` threads; throughput, latency, correctness."""
    deadline = time.perf_counter() + max_seconds
    indices = list(range(requests))

    def one(i: int):
        if time.perf_counter() > deadline:
            return i, None, "skipped"
        latency, text = post(server.url, sentences[i % len(sentences)])
        return i, latency, text

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, indices))
    wall = time.perf_counter() - started
    answered = [(i, lat, text) for i, lat, text in results if lat is not None and text is not None]
    latencies = sorted(lat for _, lat, _ in answered)
    return {
        "server": server.label, "clients": clients, "sent": sum(1 for _, lat, _ in results if lat is not None),
        "answered": len(answered), "wall_s": wall,
        "sentences_per_s": len(answered) / wall if wall else 0.0,
        "p50_s": statistics.median(latencies) if latencies else None,
        "p95_s": latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else None,
        "differ": sum(1 for i, _, text in answered if text != expected[i % len(expected)]),
    }


def print_row(row: dict) -> None:
    p50 = f"{row['p50_s']:.2f}" if row["p50_s"] is not None else "-"
    p95 = f"{row['p95_s']:.2f}" if row["p95_s"] is not None else "-"
    print(f"{row['clients']:>7} {row['server']:<26} {row['sentences_per_s']:>8.2f} {p50:>7} {p95:>7} "
          f"{row['answered']:>4}/{row['sent']:<4} {row['differ']:>6}", flush=True)


def main() -> int:
    args = parse_args()
    if args.per_request_server:
        run_per_request_server(args.per_request_server)
        return 0
    sys.path.insert(0, str(REPO / "scripts"))
    import bench_translate  # the transformer-base package builder

    from align.engines.argos import ArgosEngine, argos_per_sentence_translator

    quantization = "int8" if args.as_shipped else None
    package = bench_translate.get_package(argparse.Namespace(
        package=args.package, work_dir=args.work_dir, vocab_size=32000, eos_bias=None), quantization)
    sentences = (MT / "newstest2013.fr-en.fr").read_text(encoding="utf-8").splitlines()[: args.n]
    # float32: both servers decode in float32 (identical output whatever the batch). As shipped: an
    # int8-stored package, as argos ships them, each server on its own default compute type.
    compute = [] if args.as_shipped else ["--compute-type", "float32"]
    argos_env = {"ARGOS_BEAM_SIZE": str(args.beam), "ARGOS_DEVICE_TYPE": "cpu"}
    if not args.as_shipped:
        argos_env["ARGOS_COMPUTE_TYPE"] = "float32"
    if args.b_replicas:
        argos_env.update(ARGOS_INTER_THREADS=str(args.b_replicas), ARGOS_INTRA_THREADS="1")
    os.environ.update(argos_env)  # read by argostranslate.settings, imported below for b's reference
    started = time.perf_counter()
    engine = ArgosEngine(package, beam_size=args.beam, **({} if args.as_shipped else {"compute_type": "float32"}))
    expected_a = engine.translate_batch(sentences)
    print(f"model {package.name} at {package.path}; {len(sentences)} distinct sentences; beam {args.beam}; "
          f"{engine.translator.compute_type}{' (as shipped)' if args.as_shipped else ''}; {os.cpu_count()} cores\n"
          f"a's reference, align's offline translation (ArgosEngine.translate_batch, what align translate "
          f"writes): {time.perf_counter() - started:.1f} s", flush=True)
    del engine
    started = time.perf_counter()
    per_sentence, kind = argos_per_sentence_translator(package)
    expected_b = [per_sentence(s) for s in sentences]
    del per_sentence
    print(f"b's reference, its own path offline ({kind}, one sentence at a time): "
          f"{time.perf_counter() - started:.1f} s; it differs from a's on "
          f"{sum(x != y for x, y in zip(expected_a, expected_b))} of {len(sentences)} sentences", flush=True)

    cache = tempfile.mkdtemp(prefix="bench-serve-")
    align_server = Server("a align serve", [
        sys.executable, "-m", "align", "serve", "--model", str(package.path), "--no-cache", "--port", "0",
        "--beam-size", str(args.beam), *compute, "--log-level", "warning"],
        env={"ALIGN_CACHE_DIR": cache})
    per_request = Server("b per-request translate()", [
        sys.executable, __file__, "--per-request-server", str(package.path)], env=argos_env)
    print(align_server.header, per_request.header, sep="\n", flush=True)
    servers = ((align_server, expected_a), (per_request, expected_b))
    rows = []
    try:
        for server, expected in servers:  # warm up: first calls allocate
            load_level(server, sentences, expected, 2, 4, args.max_seconds)
        print(f"\n{'clients':>7} {'server':<26} {'sent/s':>8} {'p50 s':>7} {'p95 s':>7} {'answered':>9} {'differ':>6}")
        for clients in [int(c) for c in args.levels.split(",")]:
            requests = max(args.requests, clients)
            level = [load_level(server, sentences, expected, clients, requests, args.max_seconds)
                     for server, expected in servers]
            for row in level:
                print_row(row)
            a, b = level
            speedup = a["sentences_per_s"] / b["sentences_per_s"] if b["sentences_per_s"] else float("inf")
            p95_ratio = (b["p95_s"] / a["p95_s"]) if a["p95_s"] and b["p95_s"] else float("nan")
            print(f"{'':>7} a/b throughput {speedup:.2f}x; p95 b/a {p95_ratio:.2f}x", flush=True)
            rows += level
    finally:
        align_server.stop()
        per_request.stop()
    check(rows)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "headers": [align_server.header, per_request.header]},
                                              indent=2), encoding="utf-8")
    return 0


def check(rows: list[dict]) -> None:
    """The targets at 16 clients, and that nothing was lost or changed anywhere."""
    lost = [r for r in rows if r["answered"] != r["sent"]]
    changed = [r for r in rows if r["differ"]]
    print(f"\nanswers lost: {sum(r['sent'] - r['answered'] for r in rows)}; "
          f"answers that differ from their server's offline path: "
          f"a {sum(r['differ'] for r in rows if r['server'].startswith('a'))}, "
          f"b {sum(r['differ'] for r in rows if r['server'].startswith('b'))}")
    at16 = {r["server"][0]: r for r in rows if r["clients"] == 16}
    if len(at16) == 2:
        a, b = at16["a"], at16["b"]
        ratio = a["sentences_per_s"] / b["sentences_per_s"]
        print(f"16 clients: throughput a/b {ratio:.2f}x (target >= 3): {'met' if ratio >= 3 else 'NOT met'}; "
              f"p95 a {a['p95_s']:.2f} s vs b {b['p95_s']:.2f} s (target a lower): "
              f"{'met' if a['p95_s'] < b['p95_s'] else 'NOT met'}")
    if lost or changed:
        print("some answers were lost or differ", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
