"""The editor's workbench (/workbench/) in process: post-editing and what it leaves on disk,
conflicts, CSRF and path safety, the human translation memory, glossary suggestions, exports.

The browser itself (JavaScript, keyboard, hostile text in a real page) is in
test_workbench_browser.py.
"""

from __future__ import annotations

import re
import time
import sqlite3
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[serve]'")
pytest.importorskip("jinja2", reason="the serve extra is not installed: pip install -e '.[serve]'")
pytest.importorskip("httpx", reason="httpx (test extra) is not installed")

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient  # noqa: E402

from align import tei  # noqa: E402
from align.cache import TranslationMemory  # noqa: E402
from align.engines.base import EngineInfo  # noqa: E402
from align.glossary import load_glossary  # noqa: E402
from align.serve.app import create_app  # noqa: E402
from align.serve.service import ServeSettings  # noqa: E402
from align.translate import translate_sentences  # noqa: E402

ARTICLE = ("Le président est arrivé à Kharkiv avec Poutine.\n"
           "Les habitants de Kharkiv ont applaudi.\n"
           "Plus tard, le maire de Kharkov a parlé.\n"
           "Une phrase sans nom.")
GLOSSARY = "id\tcanonical\tvariants\ttype\tnote\nputin\tPutin\tPoutine\tperson\t\n"


class CopyEngine:
    """'EN ' + the sentence; counts the sentences it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def translate_batch(self, sentences):
        self.seen += list(sentences)
        return ["EN " + s for s in sentences]

    def info(self) -> EngineInfo:
        return EngineInfo("copy", "1", "copy-model")


class Bench:
    """A workbench client with the page's token, and the server's files."""

    def __init__(self, client: TestClient, root: Path, engine: CopyEngine) -> None:
        self.client, self.root, self.engine = client, root, engine
        page = client.get("/workbench/")
        assert page.status_code == 200
        self.token = re.search(r'name="align-token" content="([^"]+)"', page.text).group(1)

    @property
    def workspace(self) -> Path:
        return self.root / "workspace"

    def post(self, path: str, body: dict, **headers):
        return self.client.post(path, json=body, headers={"X-Align-Token": self.token, **headers})

    def new(self, doc_id: str, text: str = ARTICLE):
        response = self.post("/workbench/api/documents", {"text": text, "id": doc_id})
        assert response.status_code == 201, response.text
        return tei.read_tei(self.workspace / f"{doc_id}.tei.xml")

    def version(self, doc_id: str, sentence_id: str) -> str:
        page = self.client.get(f"/workbench/doc/{doc_id}").text
        return re.search(rf'id="{re.escape(sentence_id)}" [^>]*data-version="([^"]+)"', page).group(1)

    def save(self, doc_id: str, sentence_id: str, text: str, version: str | None = None):
        version = version or self.version(doc_id, sentence_id)
        return self.post(f"/workbench/api/doc/{doc_id}/sentence", {"id": sentence_id, "text": text, "version": version})


@pytest.fixture()
def bench(tmp_path):
    glossary_file = tmp_path / "names.tsv"
    glossary_file.write_text(GLOSSARY, encoding="utf-8")
    engine = CopyEngine()
    settings = ServeSettings(engine=engine, glossary=load_glossary(glossary_file), workspace=tmp_path / "workspace",
                             memory=TranslationMemory(tmp_path / "tm.sqlite3"), user="Alice Martin")
    with TestClient(create_app(settings)) as client:
        yield Bench(client, tmp_path, engine)


def undated(data: bytes) -> bytes:
    """An export without the time it was made (TMX's creationdate)."""
    return re.sub(rb'creationdate="[^"]*"', b"", data)


# ---------------------------------------------------------------- post-editing
def test_a_post_edit_keeps_the_machine_output_and_records_the_change(bench, tei_all_rng):
    before = bench.new("kharkiv")
    machine = before.target.sentence("en.s2").text
    response = bench.save("kharkiv", "en.s2", "The people of Kharkiv applauded.")
    assert response.status_code == 200 and response.json()["original"] == machine

    path = bench.workspace / "kharkiv.tei.xml"
    doc = tei.read_tei(path)
    sentence = doc.target.sentence("en.s2")
    assert (sentence.text, sentence.original) == ("The people of Kharkiv applauded.", machine)
    [change] = doc.provenance.changes
    assert (change.what, change.who) == ("post-edited en.s2", "Alice Martin") and change.when.startswith("20")
    assert tei.validate(path, tei_all_rng) == []
    assert tei.to_bytes(tei.read_tei(path)) == path.read_bytes()  # read/write round trip
    assert doc.source == before.source and doc.links == before.links  # nothing else moved

    bench.save("kharkiv", "en.s2", "People in Kharkiv applauded.")  # a second edit keeps the first original
    again = tei.read_tei(path)
    assert again.target.sentence("en.s2").original == machine
    assert [c.what for c in again.provenance.changes] == ["post-edited en.s2", "post-edited en.s2"]


def test_glossary_terms_of_an_edited_sentence_are_marked_again(bench):
    bench.new("terms")
    bench.save("terms", "en.s1", "The president came to Kharkiv with Putin.")
    sentence = tei.read_tei(bench.workspace / "terms.tei.xml").target.sentence("en.s1")
    assert [(sentence.text[t.start:t.end], t.ref) for t in sentence.terms] == [("Putin", "putin")]


def test_every_export_and_align_show_carry_the_edited_text(bench, run_align):
    cli = run_align
    bench.new("exports")
    bench.save("exports", "en.s4", "A sentence without a name.")
    downloads = {f: bench.client.get(f"/workbench/doc/exports/export/{f}") for f in ("tei", "tmx", "html", "txt", "xces")}
    assert all(r.status_code == 200 for r in downloads.values())
    assert downloads["tei"].content == (bench.workspace / "exports.tei.xml").read_bytes()
    assert b"A sentence without a name." in downloads["tmx"].content
    # the same files as the CLI
    out = bench.root / "cli"
    assert cli("export", str(bench.workspace / "exports.tei.xml"), "--to", "tmx", "-o", str(out)).exit_code == 0
    assert undated(downloads["tmx"].content) == undated((out / "exports.tmx").read_bytes())
    import io
    import zipfile

    for format_name, names in (("html", {"exports.html", "align.css"}), ("txt", {"exports.fr", "exports.en"}),
                               ("xces", {"exports.xces.xml", "exports.fr.xml", "exports.en.xml"})):
        archive = zipfile.ZipFile(io.BytesIO(downloads[format_name].content))
        assert set(archive.namelist()) == names
        assert cli("export", str(bench.workspace / "exports.tei.xml"), "--to", format_name, "-o", str(out)).exit_code == 0
        for name in names:
            assert undated(archive.read(name)) == undated((out / name).read_bytes()), name
    page = zipfile.ZipFile(io.BytesIO(downloads["html"].content)).read("exports.html").decode()
    assert "A sentence without a name." in page and "EN Une phrase sans nom." not in page  # original not shown
    shown = cli("show", str(bench.workspace / "exports.tei.xml"))
    assert shown.exit_code == 0 and "A sentence without a name." in shown.stdout


def test_the_second_of_two_tabs_gets_a_conflict_and_both_texts_survive(bench):
    bench.new("tabs")
    opened = bench.version("tabs", "en.s3")  # both tabs load the page
    first = bench.save("tabs", "en.s3", "Later, the mayor of Kharkiv spoke.", opened)
    second = bench.save("tabs", "en.s3", "Then the Kharkiv mayor spoke.", opened)
    assert first.status_code == 200 and second.status_code == 409
    body = second.json()
    assert body["conflict"] and body["text"] == "Later, the mayor of Kharkiv spoke."
    assert tei.read_tei(bench.workspace / "tabs.tei.xml").target.sentence("en.s3").text == body["text"]
    # the second editor saves again from the version the conflict gave: theirs is kept in the history
    third = bench.save("tabs", "en.s3", "Then the Kharkiv mayor spoke.", body["version"])
    assert third.status_code == 200
    doc = tei.read_tei(bench.workspace / "tabs.tei.xml")
    assert doc.target.sentence("en.s3").text == "Then the Kharkiv mayor spoke."
    assert len(doc.provenance.changes) == 2


def test_a_failed_write_leaves_the_previous_file(bench, monkeypatch):
    bench.new("crash")
    path = bench.workspace / "crash.tei.xml"
    before = path.read_bytes()
    version = bench.version("crash", "en.s1")

    def killed(*args):
        raise OSError("the server died here")

    monkeypatch.setattr("align.io.os.replace", killed)
    with pytest.raises(OSError):
        bench.save("crash", "en.s1", "Never written.", version)
    assert path.read_bytes() == before
    assert not [p for p in bench.workspace.iterdir() if p.name.endswith(".tmp")]


def test_bad_edits_are_refused_with_one_line(bench):
    bench.new("bad")
    assert bench.save("bad", "en.s1", "   ").json() == {"error": "an English sentence cannot be empty"}
    assert bench.save("bad", "en.s99", "x", "0").status_code == 400
    assert bench.save("bad", "en.s1", "bell \x07 here").status_code == 400  # XML cannot hold it
    assert tei.read_tei(bench.workspace / "bad.tei.xml").provenance.changes == []


# ---------------------------------------------------------------- safety
def test_posts_need_the_page_token_and_the_same_origin(bench):
    bench.new("csrf")
    version = bench.version("csrf", "en.s1")
    body = {"id": "en.s1", "text": "Forged.", "version": version}
    url = "/workbench/api/doc/csrf/sentence"
    assert bench.client.post(url, json=body).status_code == 403
    assert bench.client.post(url, json=body, headers={"X-Align-Token": "guess"}).status_code == 403
    assert bench.post(url, body, Origin="http://evil.example").status_code == 403
    assert bench.post(url, body, Origin="http://testserver").status_code == 200
    assert bench.client.get(url).status_code == 405  # no state change by GET


def test_document_names_cannot_leave_the_workspace(bench, tmp_path):
    bench.new("inside")
    outside = tmp_path / "secret.tei.xml"
    outside.write_bytes((bench.workspace / "inside.tei.xml").read_bytes())
    (bench.workspace / "link.tei.xml").symlink_to(outside)
    for name in ("../secret", "..%2Fsecret", "%2e%2e%2fsecret", "/etc/passwd", "%2Fetc%2Fpasswd", "link", ".inside"):
        assert bench.client.get(f"/workbench/doc/{name}").status_code == 404, name
        assert bench.client.get(f"/workbench/doc/{name}/export/tei").status_code == 404, name
    assert bench.post("/workbench/api/doc/link/sentence", {"id": "en.s1", "text": "x", "version": "0"}).status_code == 404
    assert "/workbench/doc/link" not in bench.client.get("/workbench/").text
    assert bench.post("/workbench/api/documents", {"text": "Bonjour.", "id": "../x"}).status_code == 400


def test_hostile_text_is_escaped_in_every_page(bench):
    hostile = 'Attaque <script>window.pwned=1</script> et <img src=x onerror="window.pwned=2"> puis "><svg onload=alert(1)>.'
    bench.new("hostile", hostile + "\nFin.")
    page = bench.client.get("/workbench/doc/hostile")
    assert "<script>window" not in page.text and "<img src=x" not in page.text and "<svg" not in page.text
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "<svg" not in bench.client.get("/workbench/").text


def test_no_workbench_on_a_server_with_api_keys(tmp_path):
    settings = ServeSettings(engine=CopyEngine(), workspace=tmp_path, api_keys=[b"k"])
    with TestClient(create_app(settings)) as client:
        assert client.get("/workbench/").status_code == 403


# ---------------------------------------------------------------- translation memory
def test_a_human_edit_is_used_by_a_later_translation_and_never_overwritten(bench):
    bench.new("memory")
    bench.save("memory", "en.s2", "Kharkiv's people applauded.")
    bench.client.__exit__(None, None, None)  # server stopped: the memory is closed
    engine = CopyEngine()
    with TranslationMemory(bench.root / "tm.sqlite3") as memory:
        results = translate_sentences(["Les habitants de Kharkiv ont applaudi.", "Une phrase sans nom."],
                                      engine, memory=memory)
        assert [r.text for r in results] == ["Kharkiv's people applauded.", "EN Une phrase sans nom."]
        assert engine.seen == ["Une phrase sans nom."]  # the edited sentence never reached the engine
        # machine output stored for the same sentence does not replace the editor's
        memory.put_many({"Les habitants de Kharkiv ont applaudi.": "machine"}, "human")
        assert memory.human_many(["Les habitants de Kharkiv ont applaudi."]) == {
            "Les habitants de Kharkiv ont applaudi.": "Kharkiv's people applauded."}


def test_a_version_1_memory_is_migrated_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE tm (source TEXT NOT NULL, engine_key TEXT NOT NULL, glossary_key TEXT NOT NULL, "
            "target TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (engine_key, glossary_key, source)) WITHOUT ROWID;"
            "CREATE TABLE usage (engine_key TEXT PRIMARY KEY, hits INTEGER NOT NULL DEFAULT 0, misses INTEGER NOT NULL DEFAULT 0);"
            "INSERT INTO tm VALUES ('Bonjour.', 'e', '', 'Hello.', 0); PRAGMA user_version = 1;")
    with TranslationMemory(path) as memory:
        assert memory.get_many(["Bonjour."], "e") == {"Bonjour.": "Hello."}
        memory.put_human("Bonjour.", "Good morning.")
        assert memory.human_many(["Bonjour."]) == {"Bonjour.": "Good morning."}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


# ---------------------------------------------------------------- terminology
def test_accepting_a_suggestion_extends_the_glossary_file_and_retranslates(bench):
    bench.new("names")
    bench.save("names", "en.s2", "Kharkiv residents applauded.")  # post-edited: re-translation keeps it
    panel = bench.client.get("/workbench/doc/names/terms")
    assert panel.status_code == 200 and "Kharkov" in panel.text
    line = re.search(r'data-line="(kharkiv\t[^"]*)"', panel.text).group(1)
    glossary_file = bench.root / "names.tsv"
    accepted = bench.post("/workbench/api/glossary", {"line": line, "canonical": "Kharkiv", "type": "place"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["affected"] == [{"id": "names", "title": "names", "sentences": ["en.s1", "en.s2", "en.s3"]}]
    assert (bench.root / "names.tsv.bak").read_text(encoding="utf-8") == GLOSSARY
    reloaded = load_glossary(glossary_file)
    assert reloaded.entry("kharkiv").canonical == "Kharkiv" and reloaded.entry("kharkiv").variants == ["Kharkov"]
    assert reloaded.entry("kharkiv").type == "place"

    again = bench.post("/workbench/api/doc/names/retranslate", {"sentences": ["en.s1", "en.s2", "en.s3"]})
    assert again.json() == {"id": "names", "changed": ["en.s1", "en.s3"], "kept_post_edited": ["en.s2"]}
    doc = tei.read_tei(bench.workspace / "names.tei.xml")
    assert "Kharkiv" in doc.target.sentence("en.s3").text and "Kharkov" not in doc.target.sentence("en.s3").text
    assert doc.target.sentence("en.s2").text == "Kharkiv residents applauded."
    assert "kharkiv" in dict(doc.provenance.glossary.entries)
    assert tei.validate(bench.workspace / "names.tei.xml") == []


def test_a_suggestion_that_breaks_the_glossary_is_refused_and_the_file_kept(bench):
    conflicting = "poutine2\tPoutine\t\tperson\t"  # 'Poutine' already belongs to putin
    response = bench.post("/workbench/api/glossary", {"line": conflicting})
    assert response.status_code == 400 and "conflicts" in response.json()["error"]
    assert (bench.root / "names.tsv").read_text(encoding="utf-8") == GLOSSARY
    assert not (bench.root / "names.tsv.bak").exists()


@pytest.mark.parametrize("suffix", [".tsv", ".tbx"])
def test_accept_returns_the_glossary_load_glossary_reads_from_the_new_file(tmp_path, suffix):
    from align.errors import GlossaryError
    from align.glossary import to_tbx
    from align.serve.workbench import glossary_file

    path = tmp_path / f"names{suffix}"
    tsv = tmp_path / "source.tsv"
    tsv.write_text(GLOSSARY, encoding="utf-8")
    path.write_bytes(to_tbx(load_glossary(tsv)) if suffix == ".tbx" else tsv.read_bytes())
    before = path.read_bytes()
    entry = glossary_file.entry_from_line("kharkiv\tKharkov\tKharkiv\tplace\t", "Kharkiv")
    accepted = glossary_file.accept(load_glossary(path), entry)
    reloaded = load_glossary(path)
    assert accepted == reloaded and accepted.entry("kharkiv").canonical == "Kharkiv"
    assert (accepted.name, accepted.path, accepted.sha256) == (reloaded.name, reloaded.path, reloaded.sha256)
    assert path.with_name(path.name + ".bak").read_bytes() == before

    after = path.read_bytes()
    with pytest.raises(GlossaryError, match="conflicts"):
        glossary_file.accept(reloaded, glossary_file.entry_from_line("poutine2\tPoutine\t\tperson\t"))
    assert path.read_bytes() == after
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["source.tsv", path.name, path.name + ".bak"])


def test_workspace_page_counts(bench):
    bench.new("one")
    bench.save("one", "en.s1", "Edited.")
    page = bench.client.get("/workbench/").text
    row = re.search(r'href="/workbench/doc/one".*?</tr>', page, re.S).group()
    assert [int(n) for n in re.findall(r'class="number">(\d+)<', row)] == [4, 0, 0, 1]


def test_align_translate_uses_the_editors_translation(tmp_path, run_align):
    """The command line, a real engine (Apertium), the same memory: the edited sentence is the editor's."""
    import shutil

    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)")
    article = tmp_path / "article.txt"
    article.write_text("Les habitants de Kharkiv ont applaudi.\nLe maire a parlé.\n", encoding="utf-8")
    with TranslationMemory(tmp_path / "cache" / "tm.sqlite3") as memory:
        memory.put_human("Les habitants de Kharkiv ont applaudi.", "Kharkiv's people applauded.")
    env = {"ALIGN_CACHE_DIR": str(tmp_path / "cache")}
    for attempt in ("first run", "forced rerun: machine output stored meanwhile never replaces it"):
        result = run_align("translate", article, "--engine", "apertium", "-o", tmp_path / "out", "--force", env=env)
        assert result.exit_code == 0, result.stderr
        doc = tei.read_tei(tmp_path / "out" / "article.tei.xml")
        assert doc.target.sentence("en.s1").text == "Kharkiv's people applauded.", attempt
        assert doc.target.sentence("en.s2").text != "Le maire a parlé."  # Apertium translated the other one


def test_a_new_document_from_an_uploaded_txt_file(bench):
    text = "Les habitants de Kharkiv ont applaudi. Le maire a été élu.\n".encode("utf-8")
    response = bench.client.post("/workbench/api/documents", files={"file": ("mairie.txt", text, "text/plain")},
                                 headers={"X-Align-Token": bench.token})
    assert response.status_code == 201, response.text
    assert response.json()["id"] == "mairie"
    doc = tei.read_tei(bench.workspace / "mairie.tei.xml")
    assert doc.source.sentences()[1].text == "Le maire a été élu."
    # align reads an upload as it reads any .txt: the same one-line refusals, with the file's own name
    latin1 = bench.client.post("/workbench/api/documents", headers={"X-Align-Token": bench.token},
                               files={"file": ("vieux.txt", "Élu à Kharkiv.".encode("latin-1"), "text/plain")})
    assert latin1.status_code == 400 and latin1.json()["error"].startswith("vieux.txt: not valid UTF-8")
    assert not (bench.workspace / "vieux.tei.xml").exists()


def test_a_server_killed_while_saving_leaves_a_whole_tei_file(tmp_path):
    """The real align serve (Apertium, --user), saves in a loop, SIGKILL in the middle of them:
    the file on disk is the previous or the next version, always whole and valid."""
    import json
    import shutil
    import signal
    import threading
    import urllib.error
    import urllib.request

    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)")
    pytest.importorskip("uvicorn", reason="the serve extra is not installed")
    from test_serve_live import LiveServer

    server = LiveServer("--engine", "apertium", "--workspace", str(tmp_path / "ws"), "--user", "Bob",
                        env={"ALIGN_CACHE_DIR": str(tmp_path / "cache")})
    try:
        page = urllib.request.urlopen(server.url + "/workbench/", timeout=60).read().decode()
        token = re.search(r'name="align-token" content="([^"]+)"', page).group(1)

        def post(path: str, body: dict) -> dict:
            request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json", "X-Align-Token": token})
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())

        post("/workbench/api/documents", {"id": "kill", "text": ARTICLE})
        version = re.search(r'id="en.s1" [^>]*data-version="([^"]+)"',
                            urllib.request.urlopen(server.url + "/workbench/doc/kill", timeout=60).read().decode()
                            ).group(1)
        saved = []

        def save_forever() -> None:
            nonlocal version
            try:
                for n in range(100_000):
                    answer = post("/workbench/api/doc/kill/sentence", {"id": "en.s1", "text": f"Edit {n}.", "version": version})
                    version = answer["version"]
                    saved.append(n)
            except (urllib.error.URLError, ConnectionError, OSError):
                return  # the server is gone

        writer = threading.Thread(target=save_forever, daemon=True)
        writer.start()
        while len(saved) < 20:
            time.sleep(0.01)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=30)
        writer.join(timeout=30)
    finally:
        server.stop()
    path = tmp_path / "ws" / "kill.tei.xml"
    doc = tei.read_tei(path)
    assert tei.validate(path) == []
    last = int(doc.target.sentence("en.s1").text.removeprefix("Edit ").rstrip("."))
    assert last in (saved[-1], saved[-1] + 1)  # the last acknowledged save, or the one in flight
    assert len(doc.provenance.changes) == last + 1 and doc.provenance.changes[-1].who == "Bob"


def test_a_shipped_glossary_is_never_written(tmp_path):
    settings = ServeSettings(engine=CopyEngine(), glossary=load_glossary("russia-dprk"), workspace=tmp_path / "workspace")
    shipped = settings.glossary.path.read_bytes()
    with TestClient(create_app(settings)) as client:
        bench = Bench(client, tmp_path, settings.engine)
        bench.new("shipped")
        assert "is a glossary shipped with align" in client.get("/workbench/doc/shipped/terms").text
        refused = bench.post("/workbench/api/glossary", {"line": "kharkiv\tKharkiv\tKharkov\tplace\t"})
        assert refused.status_code == 400 and "shipped with align" in refused.json()["error"]
    assert settings.glossary.path.read_bytes() == shipped
    assert not settings.glossary.path.with_name(settings.glossary.path.name + ".bak").exists()
