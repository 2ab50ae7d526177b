"""align serve in process: the batcher, text and HTML plans, every error answer, /v1.

The engine here is a small deterministic stand-in that records its calls, so
that the tests can count engine calls; the real engines and real clients are
in test_serve_live.py.
"""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[serve]'")
pytest.importorskip("httpx", reason="httpx (test extra) is not installed")

with warnings.catch_warnings():  # starlette 1.x suggests httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from align.engines.base import EngineInfo  # noqa: E402
from align.serve.app import create_app  # noqa: E402
from align.serve.batcher import SentenceBatcher  # noqa: E402
from align.serve.http import key_allowed  # noqa: E402
from align.serve.service import ServeSettings  # noqa: E402
from align.serve.texts import plan_html, plan_text  # noqa: E402


class RecordingEngine:
    """'[EN] ' + the sentence, reversed word order; remembers every batch it was given."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate_batch(self, sentences):
        self.calls.append(list(sentences))
        return ["[EN] " + " ".join(reversed(s.split())) for s in sentences]

    def info(self) -> EngineInfo:
        return EngineInfo("recording", "1", "reverse-words")


@pytest.fixture()
def engine() -> RecordingEngine:
    return RecordingEngine()


def client_for(engine, tmp_path: Path, **options) -> TestClient:
    settings = ServeSettings(engine=engine, workspace=tmp_path / "workspace", **options)
    return TestClient(create_app(settings))


@pytest.fixture()
def client(engine, tmp_path):
    with client_for(engine, tmp_path) as c:
        yield c


# ---------------------------------------------------------------- the batcher
def test_concurrent_requests_share_one_engine_call():
    calls = []

    def translate(texts):
        calls.append(list(texts))
        return [t.upper() for t in texts]

    async def scenario():
        batcher = SentenceBatcher(translate, max_wait=0.2, max_tokens=10_000)
        await batcher.start()
        results = await asyncio.gather(*(batcher.translate([f"phrase {i}", f"suite {i}"]) for i in range(10)))
        await batcher.close()
        return results, batcher.stats

    results, stats = asyncio.run(scenario())
    assert results == [[f"PHRASE {i}", f"SUITE {i}"] for i in range(10)]
    assert len(calls) == 1 and len(calls[0]) == 20
    assert (stats.calls, stats.requests, stats.busiest_call) == (1, 10, 10)


def test_clients_arriving_one_after_another_stay_in_one_batch_until_a_quiet_moment():
    calls = []

    def translate(texts):
        calls.append(list(texts))
        return texts

    async def scenario(clients: int, gap: float):
        batcher = SentenceBatcher(translate, max_wait=0.25, max_delay=5.0)
        await batcher.start()
        tasks = []
        for i in range(clients):
            tasks.append(asyncio.create_task(batcher.translate([f"client {i}"])))
            await asyncio.sleep(gap)
        await asyncio.gather(*tasks)
        await batcher.close()

    asyncio.run(scenario(8, 0.05))  # 0.35 s from first to last, never 0.25 s quiet
    assert [len(c) for c in calls] == [8]
    calls.clear()
    asyncio.run(scenario(3, 0.4))  # quiet for longer than max_wait between clients: one call each
    assert [len(c) for c in calls] == [1, 1, 1]


def test_a_batch_closes_early_when_the_token_budget_is_reached():
    calls = []

    def translate(texts):
        calls.append(list(texts))
        return texts

    async def scenario():
        batcher = SentenceBatcher(translate, max_wait=0.5, max_tokens=6)
        await batcher.start()
        await asyncio.gather(*(batcher.translate(["un deux trois"]) for _ in range(4)))
        await batcher.close()

    asyncio.run(scenario())
    assert [len(c) for c in calls] == [2, 2]  # 3 words each: two requests fill the budget of 6


def test_a_client_that_leaves_does_not_disturb_its_batch():
    def translate(texts):
        return [t + "!" for t in texts]

    async def scenario():
        batcher = SentenceBatcher(translate, max_wait=0.2)
        await batcher.start()
        leaving = asyncio.create_task(batcher.translate(["je pars"]))
        staying = [asyncio.create_task(batcher.translate([f"je reste {i}"])) for i in range(3)]
        await asyncio.sleep(0.05)
        leaving.cancel()
        results = await asyncio.gather(*staying)
        await batcher.close()
        return results, leaving.cancelled(), batcher.stats

    results, cancelled, stats = asyncio.run(scenario())
    assert cancelled
    assert results == [[f"je reste {i}!"] for i in range(3)]
    assert stats.requests == 3  # the one that left was dropped before the engine call


def test_an_engine_failure_reaches_every_request_of_the_batch_and_the_next_batch_works():
    failing = {"on": True}

    def translate(texts):
        if failing["on"]:
            raise RuntimeError("engine down")
        return texts

    async def scenario():
        batcher = SentenceBatcher(translate, max_wait=0.05)
        await batcher.start()
        first = await asyncio.gather(batcher.translate(["a"]), batcher.translate(["b"]), return_exceptions=True)
        failing["on"] = False
        second = await batcher.translate(["c"])
        await batcher.close()
        return first, second

    first, second = asyncio.run(scenario())
    assert all(isinstance(r, RuntimeError) for r in first)
    assert second == ["c"]


# ---------------------------------------------------------------- plans
def test_plain_text_keeps_its_line_breaks_and_indentation():
    plan = plan_text("  Bonjour. Il pleut !\r\n\nM. Dupont est là.\n")
    assert plan.sentences == ["Bonjour.", "Il pleut !", "M. Dupont est là."]
    assert plan.render(["Hello.", "It rains!", "Mr Dupont is here."]) == \
        "  Hello. It rains!\r\n\nMr Dupont is here.\n"


def test_html_translates_text_nodes_and_keeps_markup_code_and_translate_no():
    plan = plan_html('<p class="a">Le président <b>Poutine</b> a parlé.</p>'
                     '<code>x = 1</code> <span translate="no">Le Monde</span> fin &lt;b&gt;')
    assert plan.sentences == ["Le président", "Poutine", "a parlé.", "fin <b>"]
    html = plan.render(["The president", "Putin", "spoke.", "end <b>"])
    assert html == ('<p class="a">The president <b>Putin</b> spoke.</p>'
                    '<code>x = 1</code> <span translate="no">Le Monde</span> end &lt;b&gt;')


# ---------------------------------------------------------------- LibreTranslate's API
def test_translate_a_string_and_a_list_in_order(client, engine):
    one = client.post("/translate", json={"q": "Il pleut. Le vent souffle.", "source": "fr", "target": "en"})
    assert one.status_code == 200
    assert one.json() == {"translatedText": "[EN] pleut. Il [EN] souffle. vent Le"}
    many = client.post("/translate", json={"q": ["Un chat.", "Deux chiens."], "source": "fr", "target": "en"})
    assert many.json() == {"translatedText": ["[EN] chat. Un", "[EN] chiens. Deux"]}


def test_form_fields_and_query_string_fields_as_libretranslate_reads_them(client):
    form = client.post("/translate", data={"q": "Bonjour.", "source": "fr", "target": "en"})
    assert form.json() == {"translatedText": "[EN] Bonjour."}
    query = client.post("/translate", params={"q": "Bonjour.", "source": "fr", "target": "en"})
    assert query.json() == {"translatedText": "[EN] Bonjour."}


def test_source_auto_reports_the_detected_language(client):
    answer = client.post("/translate", json={"q": ["Le chat est sur la table."], "source": "auto", "target": "en"})
    assert answer.json()["detectedLanguage"] == [{"confidence": 100.0, "language": "fr"}]
    english = client.post("/translate", json={"q": "The cat is on the table.", "source": "auto", "target": "en"})
    assert english.status_code == 400 and english.json() == {"error": "en is not supported"}


def test_alternatives_are_accepted_and_none_returned(client):
    answer = client.post("/translate", json={"q": "Bonjour.", "source": "fr", "target": "en", "alternatives": 3})
    assert answer.json() == {"translatedText": "[EN] Bonjour.", "alternatives": []}


@pytest.mark.parametrize("body, message", [
    ({"source": "fr", "target": "en"}, "Invalid request: missing q parameter"),
    ({"q": "", "source": "fr", "target": "en"}, "Invalid request: missing q parameter"),
    ({"q": [], "source": "fr", "target": "en"}, "Invalid request: missing q parameter"),
    ({"q": "x", "target": "en"}, "Invalid request: missing source parameter"),
    ({"q": "x", "source": "fr"}, "Invalid request: missing target parameter"),
    ({"q": "x", "source": "de", "target": "en"}, "de is not supported"),
    ({"q": "x", "source": "fr", "target": "es"}, "es is not supported"),
    ({"q": "x", "source": "fr", "target": "en", "format": "pdf"}, "pdf format is not supported"),
    ({"q": "x", "source": "fr", "target": "en", "alternatives": "many"},
     "Invalid request: alternatives parameter is not a number"),
    ({"q": ["x", 3], "source": "fr", "target": "en"}, "Invalid request: q must be a string or a list of strings"),
])
def test_bad_requests_get_libretranslates_400_answers(client, body, message):
    answer = client.post("/translate", json=body)
    assert (answer.status_code, answer.json()) == (400, {"error": message})


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"q"', b"\xff\xfe{}", b'{"q": "\xe9t\xe9"}'])
def test_malformed_json_and_bad_utf8_get_400_and_a_json_error(client, raw):
    answer = client.post("/translate", content=raw, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert set(answer.json()) == {"error"} and "Traceback" not in answer.text


def test_a_body_over_the_limit_gets_413(engine, tmp_path):
    with client_for(engine, tmp_path, max_body=1000) as small:
        declared = small.post("/translate", json={"q": "x" * 2000, "source": "fr", "target": "en"})
        assert declared.status_code == 413 and "limit is 1000 bytes" in declared.json()["error"]

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(5):
                yield b'{"q": "' + b"y" * 400
        streamed = small.post("/translate", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        assert small.post("/translate", json={"q": "Court.", "source": "fr", "target": "en"}).status_code == 200
    assert engine.calls == [["Court."]]


def test_char_and_batch_limits_as_libretranslate(engine, tmp_path):
    with client_for(engine, tmp_path, char_limit=10, batch_limit=2) as limited:
        long = limited.post("/translate", json={"q": "x" * 11, "source": "fr", "target": "en"})
        assert long.json() == {"error": "Invalid request: request (11) exceeds text limit (10)"}
        many = limited.post("/translate", json={"q": ["a", "b", "c"], "source": "fr", "target": "en"})
        assert many.json() == {"error": "Invalid request: request (3) exceeds text limit (2)"}


def test_api_keys_are_required_everywhere_with_403(engine, tmp_path):
    with client_for(engine, tmp_path, api_keys=[b"k-123", b"other"]) as keyed:
        body = {"q": "Bonjour.", "source": "fr", "target": "en"}
        missing = keyed.post("/translate", json=body)
        assert missing.status_code == 403 and "API key" in missing.json()["error"]
        wrong = keyed.post("/translate", json={**body, "api_key": "k-124"})
        assert (wrong.status_code, wrong.json()) == (403, {"error": "Invalid API key"})
        assert keyed.post("/translate", json={**body, "api_key": "k-123"}).status_code == 200
        assert keyed.post("/translate", data={**body, "api_key": "other"}).status_code == 200
        assert keyed.get("/languages").status_code == 403
        assert keyed.get("/languages", params={"api_key": "k-123"}).status_code == 200
        assert keyed.post("/detect", data={"q": "Bonjour"}).status_code == 403
        assert keyed.get("/v1/documents").status_code == 403
        assert keyed.post("/v1/check-terms", json={"text": "Kiev"}).status_code == 403
        assert keyed.get("/frontend/settings").json()["keyRequired"] is True
    assert engine.calls == [["Bonjour."], ["Bonjour."]]


def test_key_comparison_checks_every_key():
    keys = [b"alpha", b"beta"]
    assert key_allowed("beta", keys) and key_allowed("alpha", keys)
    assert not key_allowed("bet", keys) and not key_allowed("", keys) and not key_allowed(None, keys)
    assert not key_allowed(["alpha"], keys)


def test_languages_detect_and_frontend_settings(client):
    assert client.get("/languages").json() == [
        {"code": "fr", "name": "French", "targets": ["en"]}, {"code": "en", "name": "English", "targets": []}]
    detected = client.post("/detect", data={"q": "The minister said that the war was over."}).json()
    assert detected[0]["language"] == "en" and detected[0]["confidence"] > 50
    assert client.post("/detect", json={}).json() == {"error": "Invalid request: missing q parameter"}
    settings = client.get("/frontend/settings").json()
    assert settings["language"] == {"source": {"code": "fr", "name": "French"},
                                     "target": {"code": "en", "name": "English"}}


def test_html_format_keeps_markup_and_escapes_what_the_user_typed(client):
    answer = client.post("/translate", json={"q": "<p>Un <i>grand</i> jour &amp; &lt;script&gt;.</p>",
                                            "source": "fr", "target": "en", "format": "html"})
    assert answer.json() == {"translatedText": "<p>[EN] Un <i>[EN] grand</i> [EN] &lt;script&gt;. &amp; jour</p>"}


def test_unknown_paths_and_methods_answer_json(client):
    assert client.get("/nowhere").json() == {"error": "Not Found"}
    wrong = client.get("/translate")
    assert wrong.status_code == 405 and wrong.json() == {"error": "Method Not Allowed"}


# ---------------------------------------------------------------- align's /v1
ARTICLE = "Le ministre parle\n\nLe ministre est arrivé à Kiev. Il a parlé longtemps.\n\nPublié le 3 mars 2024 à 10h00\n"


def test_a_posted_article_is_stored_as_aligned_tei_and_read_back(client, engine, tmp_path):
    from align import tei

    created = client.post("/v1/documents", json={"text": ARTICLE, "id": "kiev-1"})
    assert created.status_code == 201
    summary = created.json()
    assert summary["id"] == "kiev-1" and summary["title"] == "Le ministre parle" and summary["sentences"] == 4
    path = tmp_path / "workspace" / "kiev-1.tei.xml"
    assert tei.validate(path) == []
    doc = tei.read_tei(path)
    assert [s.text for s in doc.target.sentences()] == [
        "[EN] parle ministre Le", "[EN] Kiev. à arrivé est ministre Le", "[EN] longtemps. parlé a Il",
        "Publié le 3 mars 2024 à 10h00"]  # furniture copied, as align translate does
    assert client.get("/v1/documents/kiev-1").content == path.read_bytes()
    pairs = client.get("/v1/documents/kiev-1", params={"format": "json"}).json()["pairs"]
    assert pairs[1]["source"] == "Le ministre est arrivé à Kiev." and pairs[1]["source_ids"] == ["fr.s2"]
    assert client.get("/v1/documents").json()["documents"][0]["id"] == "kiev-1"
    again = client.post("/v1/documents", json={"text": ARTICLE, "id": "kiev-1"})
    assert again.status_code == 409
    assert client.post("/v1/documents", json={"text": ARTICLE, "id": "kiev-1", "replace": True}).status_code == 201


def test_a_posted_article_is_cleaned_of_what_xml_cannot_hold_as_align_translate_cleans_a_file(client, tmp_path):
    from align import tei

    created = client.post("/v1/documents", json={"text": "Titre\n\nIl pleut\x1b fort.\x0cLe vent souffle.", "id": "pdf"})
    assert created.status_code == 201, created.json()
    doc = tei.read_tei(tmp_path / "workspace" / "pdf.tei.xml")
    assert [s.text for s in doc.source.sentences()] == ["Titre", "Il pleut  fort.", "Le vent souffle."]
    assert doc.provenance.source_replaced == 2


@pytest.mark.parametrize("body, status", [
    ({"text": ""}, 400), ({"text": "   "}, 400), ({"id": "x"}, 400),
    ({"text": "Bonjour.", "id": "../etc/passwd"}, 400), ({"text": "Bonjour.", "id": ".hidden"}, 400),
])
def test_bad_documents_are_refused(client, body, status):
    answer = client.post("/v1/documents", json=body)
    assert answer.status_code == status and "error" in answer.json()


def test_missing_documents_are_404(client, tmp_path):
    assert client.get("/v1/documents/none").status_code == 404
    outside = tmp_path / "secret.tei.xml"
    outside.write_text("<TEI/>", encoding="utf-8")
    (tmp_path / "workspace").mkdir(exist_ok=True)
    (tmp_path / "workspace" / "link.tei.xml").symlink_to(outside)
    assert client.get("/v1/documents/link").status_code == 404  # a link could lead out of the workspace
    assert client.get("/v1/documents").json() == {"documents": []}
    assert client.get("/v1/documents/..%2F..%2Fetc").status_code == 404
    assert client.post("/v1/check-terms", json={"documents": ["none"]}).status_code == 404


def test_check_terms_over_posted_text_and_the_workspace(engine, tmp_path):
    from align.glossary import load_glossary

    with client_for(engine, tmp_path, glossary=load_glossary("russia-dprk")) as c:
        report = c.post("/v1/check-terms", json={"text": "Les troupes sont à Kiev.\nPuis à Kyiv."}).json()
        assert report["glossary"] == "russia-dprk" and report["consistent"] is False
        assert [(f["found"], f["canonical"], f["where"]) for f in report["findings"]] == [("Kiev", "Kyiv", "line 1")]
        unknown = c.post("/v1/check-terms", json={"text": "Les troupes de Prigojine.\nLes hommes de Prigozhin."})
        assert [[f["form"] for f in c["forms"]] for c in unknown.json()["candidates"]] == [["Prigojine", "Prigozhin"]]
        c.post("/v1/documents", json={"text": ARTICLE, "id": "a"})
        workspace = c.post("/v1/check-terms", json={}).json()
        assert workspace["files"] == [str(tmp_path / "workspace" / "a.tei.xml")]


def test_the_openapi_description_covers_every_route(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    routes = {(route.path, method.lower()) for route in client.app.routes
              for method in route.methods if method != "HEAD"}
    described = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes == described


def test_the_server_output_is_align_translates_output_with_the_glossary(engine, tmp_path):
    """Same engine, same glossary: /translate gives what align.translate gives each sentence."""
    from align.glossary import load_glossary
    from align.translate import translate_sentences

    glossary = load_glossary("russia-dprk")
    sentences = ["Sergueï Choïgou est arrivé à Kiev.", "Kim Jong-un a parlé avec Vladimir Poutine.",
                 "Les troupes ont quitté Louhansk."]
    expected = [r.text for r in translate_sentences(sentences, RecordingEngine(), glossary=glossary)]
    with client_for(engine, tmp_path, glossary=glossary) as c:
        answer = c.post("/translate", json={"q": sentences, "source": "fr", "target": "en"})
    assert answer.json()["translatedText"] == expected
    assert any("Shoigu" in t for t in expected)


# ---------------------------------------------------------------- threads of the argos engine
def test_a_server_runs_one_one_thread_replica_per_core_and_a_lone_translator(monkeypatch):
    from align.cli.serve import _threading

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert _threading(None, None, None) == {"inter_threads": 4, "threads": 1, "lone_threads": 4}
    assert _threading(2, 2, "cpu") == {"inter_threads": 2, "threads": 2, "lone_threads": 4}
    assert _threading(1, None, None) == {"inter_threads": 1, "threads": 0, "lone_threads": None}  # every core
    assert _threading(2, 4, None)["lone_threads"] is None  # a replica already has every core
    assert _threading(None, None, "cuda") == {"inter_threads": None, "threads": None}
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert _threading(None, None, None) == {"inter_threads": 1, "threads": 0, "lone_threads": None}
