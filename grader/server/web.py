"""The pages: learners log in with their token, upload a .py or .ipynb, read the same feedback table as
`grade submit` (the mistake named first), follow their progress and answer the quizzes (explanations
after answering); the instructor's live dashboard (the class report's HTML page, refreshing itself).

Server-rendered with Jinja2 (autoescape on: whatever a learner wrote prints as text), no script needed,
no file from the network. The login cookie is HttpOnly and SameSite=Strict, and every form carries a
token derived from the login (`csrf`), so no other site can post in a learner's name.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader

from grader.errors import UsageProblem
from grader.server.admission import Refused
from grader.server.app import COOKIE, ApiError, accept, check_length, exercise_named, identity, read_upload

router = APIRouter()
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
DASHBOARD_REFRESH_S = 30
DASHBOARD_CACHE_S = 10.0


def _page(name: str, status: int = 200, **values) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**values), status_code=status)


def csrf_of(request: Request) -> str:
    token = request.cookies.get(COOKIE, "")
    return hashlib.sha256(f"csrf:{token}".encode()).hexdigest()[:32]


def _checked(request: Request, form) -> None:
    if not hmac.compare_digest(str(form.get("csrf", "")), csrf_of(request)):
        raise ApiError(403, "this form is out of date or came from another site; reload the page and try again")


def _home(request: Request, who, status: int = 200, error: str = "", notice: str = "") -> HTMLResponse:
    from db.jobs import audit
    from grader.service.progress import status_report

    course = request.app.state.course
    report = status_report(course.database, who.student)
    return _page(
        "home.html",
        status,
        student=who.student,
        report=report,
        submissions=audit(course.database, student=who.student, limit=20),
        csrf=csrf_of(request),
        error=error,
        notice=notice,
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    who = identity(request)
    if who is None:
        return _page("login.html")
    if who.role == "instructor":
        return RedirectResponse("/dashboard", status_code=303)
    return _home(request, who)


@router.post("/login")
async def login(request: Request):
    from db.roster import identify
    from grader.service.roster import token_hash

    form = await request.form(max_fields=3)
    token = str(form.get("token", "")).strip()
    who = await asyncio.to_thread(identify, request.app.state.course.database, token_hash(token)) if token else None
    if who is None:
        return _page("login.html", 401, error="That token is not valid: copy it again from your instructor's message.")
    response = RedirectResponse("/", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, max_age=180 * 86400)
    return response


@router.post("/logout")
def logout():
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _learner(request: Request):
    who = identity(request)
    if who is None or who.role != "learner":
        return None
    return who


@router.post("/submit")
async def submit(request: Request):
    who = await asyncio.to_thread(_learner, request)
    if who is None:
        return RedirectResponse("/", status_code=303)
    try:
        check_length(request)
        form = await request.form(max_files=1, max_fields=4)
        _checked(request, form)
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise ApiError(400, "choose the file to submit (a .py file or a .ipynb notebook)")
        exercise = exercise_named(str(form.get("exercise", "")))
        raw = await read_upload(upload)
        course = request.app.state.course
        job = await asyncio.to_thread(accept, course, who.student, exercise, upload.filename, raw, "web")
    except (ApiError, Refused) as problem:
        return await asyncio.to_thread(_home, request, who, problem.status, str(problem))
    return RedirectResponse(f"/submissions/{job.id}", status_code=303)


@router.get("/submissions/{submission_id}", response_class=HTMLResponse)
def submission(request: Request, submission_id: int):
    from db.jobs import stored_run
    from grader.course.catalog import get_exercise
    from grader.render.feedback import function_rows
    from grader.service.jobs import result_of

    who = _learner(request) or identity(request)
    if who is None:
        return RedirectResponse("/", status_code=303)
    stored = stored_run(request.app.state.course.database, submission_id)
    if stored is None or (who.role != "instructor" and stored.student != who.student):
        return _page("message.html", 404, title="Not found", text=f"You have no submission {submission_id}.")
    result = result_of(stored)
    exercise = get_exercise(stored.exercise)
    return _page(
        "result.html",
        stored=stored,
        exercise=exercise,
        result=result,
        rows=function_rows(result, verbose=True) if result else [],
    )


@router.get("/quizzes/{name}", response_class=HTMLResponse)
def quiz(request: Request, name: str):
    return _quiz_page(request, name, None)


@router.post("/quizzes/{name}", response_class=HTMLResponse)
async def answer_quiz(request: Request, name: str):
    form = await request.form(max_fields=200)
    return await asyncio.to_thread(_quiz_page, request, name, form)


def _quiz_page(request: Request, name: str, form) -> HTMLResponse:
    from db.learners import quiz_answers
    from grader.service import quiz as quizzes

    who = _learner(request)
    if who is None:
        return RedirectResponse("/", status_code=303)
    database = request.app.state.course.database
    bank = quizzes.load_bank()
    try:
        found = quizzes.find_quiz(bank, name)
    except UsageProblem as problem:  # an unknown quiz: its one line, as a page
        return _page("message.html", 404, title="No such quiz", text=str(problem))
    error, answered_now = "", []
    if form is not None:
        try:
            _checked(request, form)
            given = []
            for question in found.questions:
                values = [str(v) for v in form.getlist(question.id) if str(v).strip()]
                if values:
                    given.append(f"{question.id}={','.join(values)}")
            verdicts = quizzes.verdicts_for(bank, found, given)
            answered_now = [quizzes.record(database, who.student, verdict) for verdict in verdicts]
        except (ApiError, UsageProblem) as problem:  # nothing was recorded: its one line on the page
            error = str(problem)
    previous = {}
    for row in quiz_answers(database, who.student, found.id):
        previous.setdefault(row.question_id, []).append(row)
    explained = {}
    for question in found.questions:
        if question.id in previous:  # explanations only after the learner answered it
            key = bank.keys.get(question.id) if bank.keys else None
            explained[question.id] = key.explanation if key else None
    score = quizzes.scores(database, who.student, bank)[found.id]
    return _page(
        "quiz.html",
        400 if error else 200,
        quiz=found,
        previous=previous,
        explained=explained,
        answered_now=answered_now,
        score=score,
        error=error,
        csrf=csrf_of(request),
    )


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request):
    who = identity(request)
    if who is None:
        return _page("login.html", 401, error="Log in with the instructor's token to see the dashboard.")
    if who.role != "instructor":
        return _page("message.html", 403, title="For the instructor", text="The dashboard is the instructor's.")
    course = request.app.state.course
    cached = course.cache.get("dashboard")
    if cached and time.monotonic() - cached[0] < DASHBOARD_CACHE_S:
        return HTMLResponse(cached[1])
    from grader.reports.class_report import class_report
    from grader.reports.html import class_page

    page = class_page(class_report(course.database, details=True))
    load, hosts = course.queue.load(), course.queue.hosts()
    page = page.replace("<head>", f'<head><meta http-equiv="refresh" content="{DASHBOARD_REFRESH_S}">', 1)
    on_hosts = f" on {len(hosts)} grading hosts" if hosts else ""
    banner = (
        f'<p class="meta" id="live">Live: this page refreshes every {DASHBOARD_REFRESH_S} s. Queue: '
        f"{load.queued} waiting, {load.running} being graded by {load.workers} processes{on_hosts}.</p>"
    )
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, page, count=1)
    course.cache["dashboard"] = (time.monotonic(), page)
    return HTMLResponse(page)
