"""The JSON API, version 1 (documented in the README, section Course server).

  GET  /api/v1/health                      no token: {"ok": true, "version": ...}
  POST /api/v1/submissions[?wait=S]        multipart `exercise`, `file` -> 202 {"id", "job_id", "state", ...};
                                           with wait, 200 and the submission once graded (202 if not yet)
  GET  /api/v1/submissions/{id}            {"id", "state": queued|running|done, "late", "result": RunResult|null}
  GET  /api/v1/submissions/{id}/source     the source as received (the audit trail)
  GET  /api/v1/submissions                 a learner's own submissions; the instructor's: anyone's (?student=, ?exercise=)
  POST /api/v1/quiz-answers                {"quiz": ID, "answers": ["neurons.1=b", ...]} -> the round, as `grade quiz --json`
  GET  /api/v1/quizzes[/{quiz}]            the quizzes and the learner's scores; one quiz's questions (never a key)
  GET  /api/v1/status                      the learner's progress, as `grade status --json`
  GET  /api/v1/report                      instructor: the class report, as `grade report --json`
  GET  /api/v1/queue                       instructor: jobs queued and running, the estimated wait, the grading hosts
A learner's token only ever reads and writes that learner's own work: another's submission is 403.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from grader import __version__
from grader.server.app import ApiError, accept, check_length, exercise_named, read_upload, require, wait_for
from grader.service import jobs as job_service

router = APIRouter(prefix="/api/v1")


def _course(request: Request):
    return request.app.state.course


@router.get("/health")
def health():
    return {"ok": True, "version": __version__, "api": 1}


@router.post("/submissions")
async def submit(request: Request, wait: float = 0.0):
    check_length(request)
    who = await asyncio.to_thread(require, request, "learner")
    form = await request.form(max_files=1, max_fields=4)
    slug, upload = form.get("exercise"), form.get("file")
    if not isinstance(slug, str) or not slug.strip():
        raise ApiError(400, "name the exercise: the form field `exercise` (e.g. neurons)")
    if upload is None or isinstance(upload, str):
        raise ApiError(400, "attach the file: the form field `file` (a .py file or a .ipynb notebook)")
    exercise = exercise_named(slug)
    raw = await read_upload(upload)
    course = _course(request)
    job = await asyncio.to_thread(accept, course, who.student, exercise, upload.filename or "", raw, "server")
    stored = await wait_for(course, job.id, job.job_id, max(0.0, wait))
    view = job_service.view(stored)
    return JSONResponse(view, status_code=200 if view["state"] == "done" else 202)


def _own(request: Request, submission_id: int):
    """The stored submission, if the token may read it (ApiError 404/403 otherwise)."""
    from db.jobs import stored_run

    who = require(request)
    stored = stored_run(_course(request).database, submission_id)
    if stored is None:
        raise ApiError(404, f"there is no submission {submission_id}")
    if who.role != "instructor" and stored.student != who.student:
        raise ApiError(403, f"submission {submission_id} is another learner's; you can read only your own")
    return stored


@router.get("/submissions/{submission_id}")
async def submission(request: Request, submission_id: int, wait: float = 0.0):
    stored = await asyncio.to_thread(_own, request, submission_id)
    if wait > 0 and stored.state != "done":
        stored = await wait_for(_course(request), stored.id, stored.job_id or "", wait)
    return job_service.view(stored)


@router.get("/submissions/{submission_id}/source")
def submission_source(request: Request, submission_id: int):
    from db.jobs import source_of

    _own(request, submission_id)
    _, source = source_of(_course(request).database, submission_id)
    return PlainTextResponse(source)


@router.get("/submissions")
def submissions(request: Request, student: str | None = None, exercise: str | None = None, limit: int = 200):
    from db.jobs import audit

    who = require(request)
    if who.role != "instructor":
        if student not in (None, who.student):
            raise ApiError(403, "you can list only your own submissions")
        student = who.student
    rows = audit(_course(request).database, student=student, exercise=exercise, limit=max(1, min(limit, 5000)))
    return {
        "submissions": [
            {
                "id": row.id,
                "job_id": row.job_id,
                "student": row.student,
                "exercise": row.exercise,
                "submitted_at": job_service.iso(row.submitted_at),
                "graded_at": job_service.iso(row.graded_at),
                "state": row.state,
                "late": row.late,
                "origin": row.origin,
                "official": row.official,
                "score": row.score if row.state == "done" else None,
                "max_score": row.max_score,
                "status": row.status or None,
                "sha256": row.source_sha256,
            }
            for row in rows
        ]
    }


@router.post("/quiz-answers")
async def quiz_answers(request: Request):
    who = await asyncio.to_thread(require, request, "learner")
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, 'send JSON: {"quiz": "neurons", "answers": ["neurons.1=b"]}') from None
    if not isinstance(body, dict) or not isinstance(body.get("quiz"), str):
        raise ApiError(400, 'name the quiz: {"quiz": "neurons", "answers": ["neurons.1=b"]}')
    answers = body.get("answers")
    if isinstance(answers, dict):
        answers = [f"{question}={value}" for question, value in answers.items()]
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise ApiError(400, '`answers` is a list of "Q_ID=VALUE" texts, e.g. ["neurons.1=b", "neurons.4=b,d"]')
    from grader.service import quiz as quizzes

    def answer():
        bank = quizzes.load_bank()
        quiz = quizzes.find_quiz(bank, body["quiz"])
        verdicts = quizzes.verdicts_for(bank, quiz, answers)  # all readable, or nothing is recorded
        database = _course(request).database
        answered = [quizzes.record(database, who.student, verdict) for verdict in verdicts]
        score = quizzes.scores(database, who.student, bank)[quiz.id]
        return quizzes.round_report(bank, quiz, who.student, answered, score)

    return await asyncio.to_thread(answer)


@router.get("/quizzes")
def quiz_list(request: Request):
    from grader.service import quiz as quizzes

    who = require(request, "learner")
    bank = quizzes.load_bank()
    return quizzes.listing(bank, quizzes.scores(_course(request).database, who.student, bank), who.student)


@router.get("/quizzes/{name}")
def quiz_questions(request: Request, name: str):
    from grader.service.quiz import load_bank, questions_view

    require(request, "learner")
    return questions_view(load_bank(), name)


@router.get("/status")
def status(request: Request):
    from grader.service.progress import status_report

    who = require(request, "learner")
    return status_report(_course(request).database, who.student)


@router.get("/report")
def report(request: Request):
    from grader.reports.class_report import class_report

    require(request, "instructor")
    return class_report(_course(request).database)


@router.get("/queue")
def queue(request: Request):
    require(request, "instructor")
    queue = _course(request).queue
    load = queue.load()
    return {
        "queued": load.queued,
        "running": load.running,
        "workers": load.workers,
        "backlog_s": round(load.backlog_s, 2),
        "hosts": queue.hosts(),
    }
