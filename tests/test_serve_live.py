"""The real ``align serve`` command, on 127.0.0.1, with real engines and real LibreTranslate clients.

Each server is a subprocess started with ``--port 0`` (it prints the port it
got); the tests talk to it over loopback only, with a bounded number of
requests, and stop it with SIGTERM.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install -e '.[serve]'")

LISTENING = re.compile(r"listening on (http://\S+)")


class LiveServer:
    """``align serve ARGS`` in a subprocess; ``url`` once it listens; ``stop()`` sends SIGTERM."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "align", "serve", "--port", "0", "--log-level", "warning", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env})
        self.stderr_lines: list[str] = []
        self.url = self._wait_for_url()
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()

    def _wait_for_url(self) -> str:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)
            found = LISTENING.search(line)
            if found:
                return found.group(1)
        raise AssertionError("align serve exited before listening:\n" + "".join(self.stderr_lines))

    def _read_rest(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    def post(self, path: str, body: dict, timeout: float = 120) -> tuple[int, object]:
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode("utf-8"),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def get(self, path: str) -> object:
        with urllib.request.urlopen(self.url + path, timeout=60) as response:
            return json.loads(response.read())

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self._drain.join(timeout=5)
        return code


@pytest.fixture()
def serve(tmp_path):
    """``serve("--engine", "apertium", env={...})`` -> a LiveServer, stopped after the test."""
    servers: list[LiveServer] = []

    def start(*args: str, env: dict[str, str] | None = None) -> LiveServer:
        base = {"ALIGN_CACHE_DIR": str(tmp_path / f"cache-{len(servers)}")}
        server = LiveServer(*args, "--workspace", str(tmp_path / "workspace"), env={**base, **(env or {})})
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture()
def keys_file(tmp_path) -> Path:
    path = tmp_path / "keys.txt"
    path.write_text("# newsroom keys\nnewsroom-key-1\n\nweblate-key-2\n", encoding="utf-8")
    return path


def translate_with_cli(run_align, article: Path, out_dir: Path, *engine_args: str,
                       env: dict[str, str] | None = None) -> Path:
    """``align translate ARTICLE -o OUT --glossary russia-dprk --no-cache ENGINE_ARGS``: the TEI it wrote."""
    result = run_align("translate", article, "-o", out_dir, *engine_args, "--glossary", "russia-dprk",
                       "--no-cache", env=env)
    assert result.exit_code == 0, result.stderr
    return out_dir / f"{article.stem}.tei.xml"


def body_sentences(tei_path: Path) -> tuple[list[str], list[str]]:
    """French body sentences of an aligned TEI file and their English, as align translate wrote them."""
    from align import tei

    doc = tei.read_tei(tei_path)
    english = {s.id: s.text for s in doc.target.sentences()}
    french, translations = [], []
    for paragraph in doc.source.paragraphs:
        if paragraph.kind == "furniture":
            continue
        for sentence in paragraph.sentences:
            french.append(sentence.text)
            translations.append(english["en" + sentence.id[2:]])
    return french, translations


def translate_concurrently(server: LiveServer, sentences: list[str], clients: int) -> list[str]:
    """Send the sentences from ``clients`` threads, a few per request; the answers, in order."""
    chunks = [sentences[i:i + 3] for i in range(0, len(sentences), 3)]

    def send(chunk: list[str]) -> list[str]:
        status, answer = server.post("/translate", {"q": chunk, "source": "fr", "target": "en"})
        assert status == 200, answer
        return answer["translatedText"]  # type: ignore[index]

    with ThreadPoolExecutor(clients) as pool:
        return [t for answer in pool.map(send, chunks) for t in answer]


# ---------------------------------------------------------------- Apertium
@pytest.mark.apertium
def test_libretranslate_clients_get_glossary_spellings_from_apertium(serve, keys_file):
    from deep_translator import LibreTranslator
    from deep_translator.exceptions import AuthorizationException
    from libretranslatepy import LibreTranslateAPI

    server = serve("--engine", "apertium", "--glossary", "russia-dprk", "--api-keys", str(keys_file))
    assert server.url.startswith("http://127.0.0.1:")  # the default bind address

    deep = LibreTranslator(source="fr", target="en", api_key="newsroom-key-1", custom_url=server.url + "/")
    english = deep.translate("Sergueï Choïgou est arrivé à Kiev lundi.")
    assert "Shoigu" in english and "Kyiv" in english and "Kiev" not in english

    lt = LibreTranslateAPI(server.url, api_key="weblate-key-2")
    assert "Luhansk" in lt.translate("Les combats continuent près de Louhansk.", source="fr", target="en")
    assert lt.detect("Le gouvernement a annoncé des mesures.")[0]["language"] == "fr"
    assert [lang["code"] for lang in lt.languages()] == ["fr", "en"]

    with pytest.raises(AuthorizationException):
        LibreTranslator(source="fr", target="en", api_key="stolen", custom_url=server.url + "/").translate("Bonjour.")
    with pytest.raises(urllib.error.HTTPError) as refused:
        LibreTranslateAPI(server.url).translate("Bonjour.", source="fr", target="en")
    assert refused.value.code == 403


@pytest.mark.apertium
def test_concurrent_clients_get_exactly_what_align_translate_writes(serve, seed_files, run_align, tmp_path):
    french, expected = body_sentences(translate_with_cli(run_align, seed_files[0], tmp_path / "cli",
                                                         "--engine", "apertium"))

    server = serve("--engine", "apertium", "--glossary", "russia-dprk", "--batch-wait", "50")
    assert translate_concurrently(server, french, clients=8) == expected
    batches = server.get("/health")["batches"]  # type: ignore[index]
    assert batches["sentences"] == len(french)
    assert batches["calls"] < batches["requests"], batches  # requests shared engine calls


@pytest.mark.apertium
def test_an_article_posted_to_v1_is_the_tei_align_translate_writes(serve, seed_files, run_align, tmp_path):
    from align import tei

    seed = seed_files[1]
    written_path = translate_with_cli(run_align, seed, tmp_path / "cli", "--engine", "apertium")
    server = serve("--engine", "apertium", "--glossary", "russia-dprk")
    status, summary = server.post("/v1/documents", {"text": seed.read_text(encoding="utf-8"), "id": "seed"})
    assert status == 201, summary
    stored = tmp_path / "workspace" / "seed.tei.xml"
    assert tei.validate(stored) == []
    served, written = tei.read_tei(stored), tei.read_tei(written_path)
    assert served.source == written.source and served.target == written.target and served.links == written.links


@pytest.mark.apertium
def test_a_client_that_disconnects_does_not_disturb_the_others(serve):
    server = serve("--engine", "apertium", "--batch-wait", "300")
    host, port = server.url.removeprefix("http://").split(":")

    def leave() -> None:
        body = json.dumps({"q": ["Il part avant la réponse."] * 20, "source": "fr", "target": "en"}).encode()
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    with ThreadPoolExecutor(5) as pool:
        leaving = pool.submit(leave)
        staying = [pool.submit(server.post, "/translate", {"q": f"Le chat numéro {i} dort.", "source": "fr",
                                                           "target": "en"}) for i in range(4)]
        leaving.result()
        answers = [f.result() for f in staying]
    assert [status for status, _ in answers] == [200] * 4
    assert all(str(i) in answer["translatedText"] for i, (_, answer) in enumerate(answers))  # type: ignore[index]
    assert server.get("/health")["status"] == "ok"  # type: ignore[index]


@pytest.mark.apertium
def test_sigterm_lets_the_request_in_flight_finish_then_exits(serve):
    server = serve("--engine", "apertium", "--batch-wait", "1000")  # the request waits 1 s in the batcher
    with ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(server.post, "/translate", {"q": ["Le train part.", "Il pleut."],
                                                            "source": "fr", "target": "en"})
        threading.Event().wait(0.4)
        server.process.send_signal(signal.SIGTERM)
        status, answer = in_flight.result(timeout=60)
    assert status == 200 and len(answer["translatedText"]) == 2  # type: ignore[index]
    # uvicorn re-raises the signal once it has shut down, so that the process ends "killed by
    # SIGTERM" as service managers expect (older uvicorn versions exit 0 instead)
    assert server.stop() in (0, -signal.SIGTERM)
    assert "Traceback" not in "".join(server.stderr_lines)


KEY = "newsroom-key-1"
RAW_ERRORS = [  # (method, path, content type, body, status, error message or None for "any")
    ("POST", "/translate", "application/json", {"source": "fr", "target": "en"}, 400,
     "Invalid request: missing q parameter"),
    ("POST", "/translate", "application/json", {"q": "", "source": "fr", "target": "en"}, 400,
     "Invalid request: missing q parameter"),
    ("POST", "/translate", "application/json", {"q": "x", "target": "en"}, 400, "Invalid request: missing source parameter"),
    ("POST", "/translate", "application/json", {"q": "x", "source": "fr"}, 400, "Invalid request: missing target parameter"),
    ("POST", "/translate", "application/json", {"q": "x", "source": "de", "target": "en"}, 400, "de is not supported"),
    ("POST", "/translate", "application/json", {"q": "x", "source": "fr", "target": "ru"}, 400, "ru is not supported"),
    ("POST", "/translate", "application/json", {"q": "x", "source": "fr", "target": "en", "format": "xml"}, 400,
     "xml format is not supported"),
    ("POST", "/translate", "application/json", {"q": {"a": 1}, "source": "fr", "target": "en"}, 400,
     "Invalid request: q must be a string or a list of strings"),
    ("POST", "/translate", "application/x-www-form-urlencoded", "source=fr&target=en", 400,
     "Invalid request: missing q parameter"),
    ("POST", "/translate", "application/json", b"{\"q\": ", 400, "Invalid JSON format"),
    ("POST", "/translate", "application/json", b"[\"q\"]", 400, "Invalid JSON format"),
    ("POST", "/translate", "application/json", b'{"q": "caf\xe9"}', 400, None),
    ("POST", "/translate", "application/x-www-form-urlencoded", b"q=caf\xe9&source=fr&target=en", 400, None),
    ("POST", "/detect", "application/json", {}, 400, "Invalid request: missing q parameter"),
    ("POST", "/v1/documents", "application/json", {"text": "Bonjour.", "id": "../x"}, 400, None),
    ("GET", "/v1/documents/absent", None, None, 404, "no document absent"),
    ("GET", "/nowhere", None, None, 404, "Not Found"),
    ("GET", "/translate", None, None, 405, "Method Not Allowed"),
]


def raw_request(url: str, method: str, path: str, content_type: str | None, body, key: str | None = KEY,
                chunked: bool = False) -> tuple[int, object]:
    """One request over a plain socket connection (http.client): status and decoded JSON body."""
    import http.client
    from urllib.parse import urlencode, urlsplit

    if isinstance(body, dict):
        data: bytes | None = json.dumps({**body, **({"api_key": key} if key else {})}).encode("utf-8")
    elif isinstance(body, str):
        data = (body + (f"&api_key={key}" if key else "")).encode("utf-8")
    else:
        data = body
    if method == "GET" and key:
        path += ("&" if "?" in path else "?") + urlencode({"api_key": key})
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": content_type} if content_type else {}
    try:
        if chunked:
            connection.request(method, path, body=iter([data[i:i + 500] for i in range(0, len(data), 500)]),
                               headers=headers, encode_chunked=True)
        else:
            connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.apertium
def test_every_error_over_raw_http_is_a_json_answer_with_libretranslates_status(serve, keys_file):
    server = serve("--engine", "apertium", "--api-keys", str(keys_file), "--max-body", "3000")
    for method, path, content_type, body, status, message in RAW_ERRORS:
        got_status, answer = raw_request(server.url, method, path, content_type, body)
        assert got_status == status, (path, body, answer)
        assert isinstance(answer, dict) and set(answer) == {"error"}, answer
        if message is not None:
            assert answer["error"] == message
    good = {"q": "Le chat dort.", "source": "fr", "target": "en"}
    assert raw_request(server.url, "POST", "/translate", "application/json", good, key=None) == \
        (403, {"error": "Please contact the server operator to get an API key"})
    assert raw_request(server.url, "POST", "/translate", "application/json", good, key="guess") == \
        (403, {"error": "Invalid API key"})
    big = {**good, "q": "Le chat dort. " * 300}
    assert raw_request(server.url, "POST", "/translate", "application/json", big)[0] == 413
    assert raw_request(server.url, "POST", "/translate", "application/json", big, chunked=True)[0] == 413
    assert raw_request(server.url, "POST", "/translate", "application/json", good) == \
        (200, {"translatedText": "The cat sleeps."})
    assert "Traceback" not in "".join(server.stderr_lines)


# ---------------------------------------------------------------- the synthetic argos model
def test_argos_server_answers_what_align_translate_writes(serve, argos_packages_dir, seed_files, run_align, tmp_path):
    env = {"ARGOS_PACKAGES_DIR": str(argos_packages_dir)}
    french, expected = body_sentences(translate_with_cli(run_align, seed_files[2], tmp_path / "cli", env=env))

    server = serve("--glossary", "russia-dprk", "--batch-wait", "50", env=env)
    assert server.get("/health")["engine"] == "argos"  # type: ignore[index]
    if (os.cpu_count() or 1) > 1:  # one replica per core; a lone sentence goes where it decodes faster
        assert any("a lone sentence on" in line for line in server.stderr_lines)
        decoding = server.get("/health")["decoding"]  # type: ignore[index]
        assert decoding["replicas"] == os.cpu_count() and decoding["threads_per_replica"] == 1
        assert decoding["lone_sentence_threads"] in (None, os.cpu_count())
    assert translate_concurrently(server, french, clients=4) == expected
    # a second pass comes from the translation memory, and is the same
    assert translate_concurrently(server, french, clients=4) == expected

    from deep_translator import LibreTranslator
    from libretranslatepy import LibreTranslateAPI

    deep = LibreTranslator(source="fr", target="en", api_key="unused", custom_url=server.url + "/")
    assert deep.translate(french[0]) == expected[0]
    assert LibreTranslateAPI(server.url).translate(french[1], source="fr", target="en") == expected[1]


# ---------------------------------------------------------------- the command itself
def test_serve_help_imports_no_server_code():
    code = ("import sys; from align.cli import main; main(['serve', '--help']); "
            "print('loaded:', sorted(m for m in ('starlette', 'uvicorn', 'align.serve') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "--api-keys" in proc.stdout and "loaded: []" in proc.stdout


def test_a_missing_serve_extra_is_one_clear_line():
    code = ("import sys; sys.modules['uvicorn'] = None; from align.cli import main; "
            "sys.exit(main(['serve', '--engine', 'apertium']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "align: error: align serve needs the serve extra: pip install -e '.[serve]'"


@pytest.mark.apertium
def test_a_busy_port_is_one_clear_line(serve, run_align):
    server = serve("--engine", "apertium")
    port = server.url.rsplit(":", 1)[1]
    result = run_align("serve", "--engine", "apertium", "--port", port)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"align: error: cannot listen on 127.0.0.1:{port}")


def test_an_unreadable_keys_file_is_one_clear_line(run_align, tmp_path):
    empty = tmp_path / "keys.txt"
    empty.write_text("# no keys yet\n", encoding="utf-8")
    result = run_align("serve", "--api-keys", empty, "--port", "0")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"align: error: {empty}: no API keys in the file (one a line)"
