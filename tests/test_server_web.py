"""The course server's pages in a real headless browser: Debian's chromium driven by Playwright (never a
downloaded browser). A learner logs in with the token, uploads a file, reads the feedback table (what
their code said shown as text, never run as HTML), sees their progress and answers a quiz; the
instructor's dashboard refreshes itself."""

from __future__ import annotations

import os
import shutil

import pytest
from server_process import ServerProcess

from grader.course.catalog import get_exercise

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
NEURONS = get_exercise("neurons")
NEURON_FUNCTIONS = ("neuron", "dense_forward", "mlp_forward", "count_parameters")
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; ./run-tests.sh installs it (as root, with apt)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        assert launched.version.split(".")[0] in _debian_version()  # Debian's browser, not a downloaded one
        yield launched
        launched.close()


def _debian_version() -> str:
    import subprocess

    return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ServerProcess(tmp_path_factory.mktemp("web-server"), ["ann", "<b>bold</b>"]).start()
    yield running
    running.stop()


def _log_in(browser, server, token):
    page = browser.new_page()
    page.goto(server.url + "/")
    page.fill("#token", token)
    page.click("button[type=submit]")
    return page


def test_a_learner_logs_in_uploads_and_reads_the_feedback(browser, server, tmp_path):
    page = _log_in(browser, server, "wrong token")
    assert "not valid" in page.inner_text("[role=alert]")
    page = _log_in(browser, server, server.tokens["ann"])
    assert "Your work, ann" in page.inner_text("h1")
    work = tmp_path / "neurons.py"
    source = NEURONS.stub_path.read_text().replace(
        'raise NotImplementedError("neurons.neuron")', f"raise ValueError({HOSTILE!r})", 1
    )
    assert source != NEURONS.stub_path.read_text()
    work.write_text(f"print({HOSTILE!r})\n" + source)
    page.select_option("#exercise", "neurons")
    page.set_input_files("#file", str(work))
    page.click("#submit-form button[type=submit]")
    page.wait_for_selector("#feedback", timeout=120_000)  # the page refreshes itself until graded
    assert "/12 — recorded as submission" in page.inner_text("#score")
    rows = page.locator("#feedback tbody tr")
    assert rows.count() == len(NEURON_FUNCTIONS) and rows.nth(0).inner_text().startswith("✗\tneuron")
    assert HOSTILE in page.inner_text("#feedback") and HOSTILE in page.inner_text("#output")  # text, not markup
    assert page.locator("img").count() == 0 and page.title() != "pwned"
    page.click("text=Back to your work")
    assert "neurons" in page.inner_text("#submissions") and "/12" in page.inner_text("#progress")


def test_a_name_with_markup_is_text(browser, server):
    page = _log_in(browser, server, server.tokens["<b>bold</b>"])
    assert "Your work, <b>bold</b>" in page.inner_text("h1") and page.locator("h1 b").count() == 0


def test_a_quiz_is_answered_on_the_page_with_the_explanation_after(browser, server):
    from grader.service.quiz import load_bank

    bank = load_bank()
    quiz = bank.quizzes[0]
    question = next(q for q in quiz.questions if q.kind == "single")
    key = bank.keys[question.id]
    page = _log_in(browser, server, server.tokens["ann"])
    page.click(f"a[href='/quizzes/{quiz.id}']")
    assert page.locator(".explanation").count() == 0  # nothing explained before answering
    page.check(f"input[name='{question.id}'][value='{key.key}']")
    page.click("#quiz-form button[type=submit]")
    assert "right" in page.inner_text("#verdicts") and "1/" in page.inner_text("#quiz-score")
    explanation = page.locator(f"fieldset[id='q-{question.id}'] .explanation")
    assert explanation.count() == 1 and key.explanation.split()[0] in explanation.inner_text()


def test_the_dashboard_is_the_instructors_and_refreshes_itself(browser, server):
    page = _log_in(browser, server, server.tokens["ann"])
    response = page.goto(server.url + "/dashboard")
    assert response.status == 403
    page = _log_in(browser, server, server.instructor_token)
    assert page.url.endswith("/dashboard")
    assert "refreshes every" in page.inner_text("#live")
    assert page.locator("meta[http-equiv=refresh]").count() == 1 and "ann" in page.inner_text("body")
