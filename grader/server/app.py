"""What every request of the course server shares: the `Course` (database, queue, admission), who is asking,
errors as one line, accepting a submission. The application itself is built by grader.server.factory.

Who is asking: a token, from `Authorization: Bearer TOKEN` (the API, the CLI) or from the cookie the
login page sets (the web pages). A learner's token acts as that learner only; the instructor's reads the
class. Every error a request can cause is one line of JSON, {"error": "..."}, with its status: 400 for a
request the learner can fix, 401 without a valid token, 403 for another learner's data or an
instructor's page, 404, 413 for a file over the limit, 429 and 503 with Retry-After (grader.server.admission).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from grader.course.catalog import Exercise, get_exercise
from grader.course.submissions import MAX_SOURCE_BYTES, source_from_bytes
from grader.errors import UsageProblem
from grader.server.admission import Admission, Refused
from grader.service import jobs as job_service
from grader.service.jobqueue import JobQueue

COOKIE = "grade_token"
MAX_WAIT_PARAM_S = 300.0  # the longest ?wait= a request may ask for
UPLOAD_OVERHEAD = 64 * 1024  # multipart framing and the form's other fields, beyond the file itself


class ApiError(Exception):
    """A request that cannot be served: its status and one line saying what is wrong and how to fix it."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}


@dataclass
class Course:
    """What every request shares: the database, the queue, admission control."""

    database: object
    queue: JobQueue
    admission: Admission
    db_url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)
    cache: dict = field(default_factory=dict)


def identity(request: Request):
    """The db.roster.Identity of the request's token (header first, then the login cookie), or None."""
    from db.roster import identify
    from grader.service.roster import token_hash

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        token = request.cookies.get(COOKIE, "")
    if not token.strip():
        return None
    return identify(request.app.state.course.database, token_hash(token))


UNAUTHORIZED = "no valid token: send `Authorization: Bearer TOKEN` with the token your instructor gave you"


def require(request: Request, role: str | None = None):
    """The identity of the request, or ApiError 401 (no valid token) / 403 (`role` required)."""
    who = identity(request)
    if who is None:
        raise ApiError(401, UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
    if role == "instructor" and who.role != "instructor":
        raise ApiError(403, "this is for the instructor only; a learner's token cannot read it")
    if role == "learner" and who.role != "learner":
        raise ApiError(403, "this is for learners: the instructor's token does not submit or answer quizzes")
    return who


def exercise_named(slug: str) -> Exercise:
    try:
        return get_exercise(slug.strip())
    except UsageProblem as problem:
        raise ApiError(400, str(problem)) from None


def check_length(request: Request) -> None:
    """413 at once when the request says it is larger than any file the server grades."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_SOURCE_BYTES + UPLOAD_OVERHEAD:
        raise ApiError(413, f"the file is larger than {MAX_SOURCE_BYTES // 2**20} MB; is it the right file?")


async def read_upload(upload) -> bytes:
    """The uploaded file's bytes, at most MAX_SOURCE_BYTES (413 beyond)."""
    data = await upload.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise ApiError(413, f"the file is larger than {MAX_SOURCE_BYTES // 2**20} MB; is it the right file?")
    return data


def accept(course: Course, student: str, exercise: Exercise, filename: str, raw: bytes, origin: str):
    """Admit and store one submission (a queued job, handed to the queue); ApiError/Refused otherwise.
    Nothing is stored unless everything about it is acceptable."""
    from db.jobs import pending_of

    name = Path(filename or f"{exercise.slug}.py").name or f"{exercise.slug}.py"
    if Path(name).suffix not in (".py", ".ipynb"):
        raise ApiError(400, f"{name} is neither a .py file nor a .ipynb notebook; submit one of those")
    try:
        source = source_from_bytes(Path(name), raw, exercise)
    except UsageProblem as problem:
        raise ApiError(400, str(problem)) from None
    if course.stopping.is_set():
        raise Refused(503, "the server is restarting; nothing was recorded, send it again in a minute", 30)
    course.admission.check_learner(student, pending_of(course.database, student))
    try:
        course.admission.check_queue(course.queue.load(), course.queue.estimate(exercise.slug))
    except Refused:
        course.admission.forget(student)
        raise
    job = job_service.receive(course.database, exercise, student, source, origin=origin)
    course.queue.put(job)
    return job


async def wait_for(course: Course, submission_id: int, job_id: str, seconds: float):
    """The stored submission once it is done, or as it is after `seconds`."""
    from db.jobs import stored_run

    def done() -> bool:
        found = stored_run(course.database, submission_id)
        return found is not None and found.state == "done"

    if seconds > 0:
        await course.queue.wait(job_id, min(seconds, MAX_WAIT_PARAM_S), done)
    return await asyncio.to_thread(stored_run, course.database, submission_id)
