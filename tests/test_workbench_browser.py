"""The workbench in a real browser: Playwright (pip) driving Debian's chromium, headless.

One server (the align serve app under uvicorn, on 127.0.0.1) and one browser for
the module. Skipped, visibly, without playwright or /usr/bin/chromium; never
runs ``playwright install``. Screenshots go to $ALIGN_SHOTS (when set) for
people to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install -e '.[serve]'")
pytest.importorskip("jinja2", reason="the serve extra is not installed: pip install -e '.[serve]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from align import tei  # noqa: E402
from align.cache import TranslationMemory  # noqa: E402
from align.glossary import load_glossary  # noqa: E402
from align.serve.app import create_app  # noqa: E402
from align.serve.service import ServeSettings  # noqa: E402

from test_workbench import ARTICLE, GLOSSARY, CopyEngine  # noqa: E402

HOSTILE = ('Attaque <script>window.pwned = "script"</script> puis <img src=x onerror="window.pwned = \'img\'"> '
           'et "><svg onload="window.pwned = \'svg\'"> fin.\nDeuxième phrase.')


class Server:
    """The app under uvicorn in a thread, on a free loopback port."""

    def __init__(self, settings: ServeSettings) -> None:
        import uvicorn

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "the server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workbench")


@pytest.fixture(scope="module")
def server(root):
    (root / "names.tsv").write_text(GLOSSARY, encoding="utf-8")
    settings = ServeSettings(engine=CopyEngine(), glossary=load_glossary(root / "names.tsv"),
                             workspace=root / "workspace", memory=TranslationMemory(root / "tm.sqlite3"),
                             user="Alice Martin")
    running = Server(settings)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("ALIGN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=False)


def new_document(page, server, doc_id: str, text: str, title: str = "") -> None:
    """Through the workspace page's form, as an editor would."""
    page.goto(server.url + "/workbench/")
    page.get_by_label("French text (one paragraph a line)").fill(text)
    page.get_by_label("Id (file name)").fill(doc_id)
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Translate").click()
    page.wait_for_url(f"**/workbench/doc/{doc_id}")


def test_edit_save_with_ctrl_s_reload_and_see_it(page, server, root, tei_all_rng):
    new_document(page, server, "kharkiv", ARTICLE)
    sentence = page.locator("#en\\.s2")
    sentence.focus()  # keyboard only: Tab order reaches it, Enter opens the editor
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox", name="English sentence en.s2")
    assert box.input_value() == "EN Les habitants de Kharkiv ont applaudi."
    box.fill("The people of Kharkiv applauded.")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#en\\.s2.edited")
    assert "Saved en.s2" in page.locator("#status").inner_text()
    page.reload()
    assert page.locator("#en\\.s2").inner_text() == "The people of Kharkiv applauded."
    assert "machine output: EN Les habitants" in page.locator("#en\\.s2").get_attribute("title")
    path = root / "workspace" / "kharkiv.tei.xml"
    doc = tei.read_tei(path)
    assert doc.target.sentence("en.s2").original == "EN Les habitants de Kharkiv ont applaudi."
    assert doc.provenance.changes[-1].who == "Alice Martin"
    assert tei.validate(path, tei_all_rng) == []
    page.locator("#en\\.s3").click()  # the next one is open, ready to edit
    shot(page, "document-1280.png")
    page.keyboard.press("Escape")
    page.locator("#next-flag").click()


def test_hostile_article_text_is_shown_as_text_and_runs_nothing(page, server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    title = '"><img src=x onerror="window.pwned = \'title\'">'
    new_document(page, server, "hostile", HOSTILE, title)
    assert page.locator("h1").inner_text() == title
    assert page.evaluate("window.pwned") is None  # checked on every page: a navigation resets window
    french = page.locator("#fr\\.s1").inner_text()
    assert '<script>window.pwned = "script"</script>' in french and "<img src=x onerror=" in french
    assert '"><svg onload=' in french
    assert page.locator("table.aligned img, table.aligned svg, table.aligned script").count() == 0
    page.locator("#en\\.s1").click()  # the editor gets the text as text too
    assert "<img src=x onerror=" in page.get_by_role("textbox", name="English sentence en.s1").input_value()
    assert page.evaluate("window.pwned") is None
    page.goto(server.url + "/workbench/")
    assert page.get_by_role("link", name=title).count() == 1
    assert page.evaluate("window.pwned") is None
    page.goto(server.url + "/workbench/doc/hostile/terms")
    assert page.evaluate("window.pwned") is None and dialogs == []


def test_two_tabs_saving_one_sentence_the_second_gets_a_conflict(browser, server, root):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.goto(server.url + "/workbench/doc/kharkiv")
        tab.locator("#en\\.s4").click()
    first.get_by_role("textbox", name="English sentence en.s4").fill("A sentence with no name.")
    first.get_by_role("button", name="Save").click()
    first.wait_for_selector("#en\\.s4.edited")
    second.get_by_role("textbox", name="English sentence en.s4").fill("One sentence, no name.")
    second.get_by_role("button", name="Save").click()
    message = second.locator(".editor-message")
    message.filter(has_text="saved by someone else").wait_for()
    assert "A sentence with no name." in message.inner_text()  # theirs is shown
    assert second.get_by_role("textbox", name="English sentence en.s4").input_value() == "One sentence, no name."  # ours kept
    path = root / "workspace" / "kharkiv.tei.xml"
    assert tei.read_tei(path).target.sentence("en.s4").text == "A sentence with no name."
    second.get_by_role("button", name="Save").click()  # saving again, knowingly, replaces theirs
    second.wait_for_selector("#en\\.s4:not([hidden])")
    assert tei.read_tei(path).target.sentence("en.s4").text == "One sentence, no name."
    context.close()


def test_accept_a_glossary_suggestion_retranslate_and_export(page, server, root):
    page.goto(server.url + "/workbench/doc/kharkiv/terms")
    candidate = page.locator("article.candidate").filter(has_text="Kharkov")
    candidate.get_by_label("Type").select_option("place")
    shot(page, "terms-1280.png")
    candidate.get_by_role("button", name="Add to the glossary").click()
    candidate.get_by_text("the previous file is kept as names.tsv.bak").wait_for()
    assert load_glossary(root / "names.tsv").entry("kharkiv").variants == ["Kharkov"]
    candidate.get_by_role("button", name="Re-translate").first.click()
    candidate.get_by_text("re-translated").wait_for()
    doc = tei.read_tei(root / "workspace" / "kharkiv.tei.xml")
    assert "Kharkov" not in doc.target.sentence("en.s3").text
    assert doc.target.sentence("en.s2").text == "The people of Kharkiv applauded."  # post-edited, kept
    shot(page, "terms-accepted-1280.png")

    page.goto(server.url + "/workbench/doc/kharkiv")
    with page.expect_download() as download:
        page.get_by_role("link", name="TMX").click()
    saved = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "kharkiv.tmx"
    assert b"The people of Kharkiv applauded." in saved
    with page.expect_download() as download:
        page.get_by_role("link", name="TEI").click()
    assert Path(download.value.path()).read_bytes() == (root / "workspace" / "kharkiv.tei.xml").read_bytes()


def test_readable_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    phone = context.new_page()
    for path, name in (("/workbench/doc/kharkiv", "document-390.png"), ("/workbench/doc/kharkiv/terms", "terms-390.png"),
                       ("/workbench/", "workspace-390.png")):
        phone.goto(server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
        shot(phone, name)
    phone.goto(server.url + "/workbench/doc/kharkiv")
    phone.locator("#en\\.s1").tap()
    assert phone.get_by_role("textbox", name="English sentence en.s1").is_visible()
    context.close()


def test_flagged_sentences_are_marked_and_reached_with_the_keyboard(page, server, root):
    """An aligned document (as align align writes it) with a problem note and a doubtful link."""
    from align.document import AlignedDocument, Document, Link, Paragraph, Provenance, Sentence

    french = ["Kim Jong-un a inspecté une usine.", "La visite a duré deux heures.", "Rien d'autre n'a été dit.",
              "Les médias d'État ont publié des photos."]
    english = ["Kim Jong Un inspected a factory.", "The visit lasted two hours.", "Nothing else was said.",
               "State media published photos."]
    source = Document("fr", [Paragraph("fr.p1", [Sentence(f"fr.s{i}", t) for i, t in enumerate(french, 1)])])
    target = Document("en", [Paragraph("en.p1", [Sentence(f"en.s{i}", t) for i, t in enumerate(english, 1)])])
    target.paragraphs[0].sentences[0].notes.append("glossary term 'kim' could not be enforced")
    links = [Link((f"fr.s{i}",), (f"en.s{i}",), c) for i, c in enumerate((0.99, 0.31, 0.97, 0.42), 1)]
    doc = AlignedDocument(source, target, links, Provenance(title="Usine", method="alignment", engine="aligner"))
    tei.write_tei(doc, root / "workspace" / "usine.tei.xml")

    page.goto(server.url + "/workbench/doc/usine")
    assert page.locator("tr.flagged").count() == 3
    assert page.locator("tr.doubtful").count() == 2 and page.locator("tr.problem").count() == 1
    page.keyboard.press("n")
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "en.s2"
    assert page.locator("tr.current #en\\.s2").count() == 1
    shot(page, "document-flags-1280.png")
    page.get_by_label("Links are doubtful below confidence").fill("0.4")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**threshold=0.4")
    assert page.locator("tr.doubtful").count() == 1  # only the 0.31 link now
    page.goto(server.url + "/workbench/")
    row = page.locator("tr").filter(has_text="Usine")
    assert [c.inner_text() for c in row.locator("td.number").all()] == ["4", "1", "2", "0"]
    shot(page, "workspace-1280.png")
