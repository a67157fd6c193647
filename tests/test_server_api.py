"""The course server's JSON API, on a real `grade serve` process: submissions graded by the hidden tests
and recorded, quizzes under the learner's token, the instructor's report, and every error status."""

from __future__ import annotations

import pytest
from server_process import ServerProcess

from grader.course.catalog import get_exercise

NEURONS = get_exercise("neurons")
SOLUTION = NEURONS.solution_path.read_bytes()
STUB = NEURONS.stub_path.read_bytes()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    running = ServerProcess(folder, ["ann", "ben", "cat", "dan", "eve"], "--rate", "4", "--pending", "3")
    running.start()
    yield running
    assert running.stop() == 0, running.output()


def test_a_submission_is_graded_by_the_hidden_tests_and_recorded(server):
    status, _, view = server.submit(server.tokens["ann"], "neurons", SOLUTION, wait=120)
    assert status == 200 and view["state"] == "done", view
    result = view["result"]
    assert (result["student"], result["score"], result["max_score"], result["status"]) == ("ann", 12.0, 12.0, "passed")
    assert result["schema_version"] == 2 and result["submission_id"] == view["id"] and len(result["tests"]) > 5
    assert view["late"] is False  # the course's manifest has no deadline
    status, _, again = server.request("GET", f"/api/v1/submissions/{view['id']}", server.tokens["ann"])
    assert status == 200 and again["result"] == result  # read back from the database, the same result
    status, _, source = server.request("GET", f"/api/v1/submissions/{view['id']}/source", server.tokens["ann"])
    assert status == 200 and source == SOLUTION.decode()  # the audit trail keeps the source as received


def test_without_wait_the_answer_is_202_and_the_job_is_graded_later(server):
    status, _, view = server.submit(server.tokens["ben"], "neurons", STUB)
    assert status == 202 and set(view) >= {"id", "job_id", "state"} and view["state"] in ("queued", "running")
    done = server.wait_done(server.tokens["ben"], view["id"])
    assert done["result"]["score"] == 0.0 and done["result"]["status"] == "failed"
    status, _, report = server.request("GET", "/api/v1/status", server.tokens["ben"])
    assert status == 200 and report["student"] == "ben"
    row = next(row for row in report["exercises"] if row["exercise"] == "neurons")
    assert row["attempts"] == 1 and row["best_score"] == 0.0


def test_tokens_and_whose_data(server):
    status, headers, body = server.request("GET", "/api/v1/status")
    assert status == 401 and headers["WWW-Authenticate"] == "Bearer" and "token" in body["error"]
    assert server.request("GET", "/api/v1/status", "not-a-token")[0] == 401
    assert server.submit("not-a-token", "neurons", SOLUTION)[0] == 401
    status, _, view = server.submit(server.tokens["cat"], "neurons", SOLUTION, wait=120)
    status, _, body = server.request("GET", f"/api/v1/submissions/{view['id']}", server.tokens["dan"])
    assert status == 403 and "another learner's" in body["error"]
    assert server.request("GET", f"/api/v1/submissions/{view['id']}/source", server.tokens["dan"])[0] == 403
    assert server.request("GET", "/api/v1/submissions?student=cat", server.tokens["dan"])[0] == 403
    assert server.request("GET", "/api/v1/report", server.tokens["dan"])[0] == 403
    assert server.request("GET", "/api/v1/submissions/999999", server.tokens["dan"])[0] == 404
    assert server.submit(server.instructor_token, "neurons", SOLUTION)[0] == 403  # the instructor grades nobody's work
    status, _, mine = server.request("GET", "/api/v1/submissions", server.tokens["dan"])
    assert status == 200 and mine["submissions"] == []


def test_the_instructor_reads_the_class_and_the_audit_trail(server):
    server.submit(server.tokens["eve"], "neurons", SOLUTION, wait=120)
    status, _, report = server.request("GET", "/api/v1/report", server.instructor_token)
    assert status == 200 and report["report"] == "class"
    assert {row["student"] for row in report["rows"]} >= {"ann", "eve"}
    status, _, audit = server.request("GET", "/api/v1/submissions?student=eve", server.instructor_token)
    assert status == 200 and [s["student"] for s in audit["submissions"]] == ["eve"]
    assert audit["submissions"][0]["state"] == "done" and len(audit["submissions"][0]["sha256"]) == 64
    status, _, page = server.request("GET", "/dashboard", server.instructor_token)
    assert status == 200 and 'http-equiv="refresh"' in page and "eve" in page


def test_bad_requests_are_one_line_and_record_nothing(server):
    token = server.tokens["dan"]
    status, _, body = server.submit(token, "no_such_exercise", SOLUTION)
    assert status == 400 and "no exercise 'no_such_exercise'" in body["error"]
    status, _, body = server.submit(token, "neurons", b"\xff\xfe not utf-8")
    assert status == 400 and "UTF-8" in body["error"]
    status, _, body = server.submit(token, "neurons", b"x = 1\n", filename="notes.txt")
    assert status == 400 and ".py" in body["error"]
    status, _, body = server.submit(token, "neurons", b"#" * (2 * 2**20 + 10))
    assert status == 413 and "larger than 2 MB" in body["error"]
    status, _, mine = server.request("GET", "/api/v1/submissions", token)
    assert mine["submissions"] == []  # nothing half-recorded


def test_a_learner_past_the_rate_gets_429_with_retry_after(server):
    token = server.tokens["dan"]
    statuses = []
    for _ in range(6):
        status, headers, body = server.submit(token, "neurons", STUB)
        statuses.append(status)
        if status == 429:
            assert int(headers["Retry-After"]) >= 1 and body["retry_after"] >= 1, body
    assert statuses[0] == 202 and 429 in statuses, statuses
    status, _, mine = server.request("GET", "/api/v1/submissions", token)
    assert len(mine["submissions"]) == statuses.count(202)  # a refused submission is not stored


def test_quiz_answers_count_at_the_first_attempt_under_the_token(server):
    from grader.service.quiz import load_bank

    bank = load_bank()
    question = bank.quizzes[0].questions[0]
    key = bank.keys[question.id]
    wrong = next(c.id for c in question.choices if c.id != str(key.key))
    status, _, shown = server.request("GET", f"/api/v1/quizzes/{bank.quizzes[0].id}", server.tokens["eve"])
    assert status == 200 and "explanation" not in str(shown) and "key" not in str(shown)  # never before answering
    answer = {"quiz": bank.quizzes[0].id, "answers": [f"{question.id}={wrong}"]}
    status, _, first = server.request("POST", "/api/v1/quiz-answers", server.tokens["eve"], answer)
    assert status == 200 and first["student"] == "eve" and first["answers"][0]["correct"] is False
    assert first["answers"][0]["explanation"] and first["answers"][0]["attempt"] == 1
    right = {"quiz": bank.quizzes[0].id, "answers": [f"{question.id}={key.key}"]}
    status, _, second = server.request("POST", "/api/v1/quiz-answers", server.tokens["eve"], right)
    assert second["answers"][0] | {"correct": True, "attempt": 2} == second["answers"][0] and second["score"] == 0
    status, _, body = server.request(
        "POST", "/api/v1/quiz-answers", server.tokens["eve"], {"quiz": "nope", "answers": ["nope.1=a"]}
    )
    assert status == 400 and "no quiz 'nope'" in body["error"]
    status, _, listing = server.request("GET", "/api/v1/quizzes", server.tokens["ann"])
    assert listing["student"] == "ann" and listing["quizzes"][0]["answers"] == 0  # eve's answers are hers only


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    """One grading process and a short admissible wait: a slow job fills the queue."""
    folder = tmp_path_factory.mktemp("small")
    running = ServerProcess(folder, ["slow", "next"], "--max-wait", "3", jobs=1)
    running.start()
    yield running
    running.stop()


def test_a_full_queue_answers_503_with_retry_after_and_records_nothing(small_server):
    slow = b"import time\ntime.sleep(2.5)\n" + SOLUTION
    status, _, first = small_server.submit(small_server.tokens["slow"], "neurons", slow)
    assert status == 202, first
    status, headers, body = small_server.submit(small_server.tokens["next"], "neurons", SOLUTION)
    assert status == 503, body
    assert int(headers["Retry-After"]) >= 1 and "busy" in body["error"]
    assert small_server.request("GET", "/api/v1/submissions", small_server.tokens["next"])[2]["submissions"] == []
    done = small_server.wait_done(small_server.tokens["slow"], first["id"])
    assert done["result"]["score"] == 12.0  # the slow job itself is graded in full
    status, _, later = small_server.submit(small_server.tokens["next"], "neurons", SOLUTION, wait=120)
    assert status == 200 and later["result"]["score"] == 12.0  # once the queue drained, admitted again
