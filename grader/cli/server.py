"""The course server's commands: serve, roster (add, import, list, revoke), login and logout."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.app import main
from grader.cli.common import db_option, db_or_fail, json_option


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port to listen on.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), metavar="N", help="Grading processes (default: the number of cores)."
)
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Serve even where bubblewrap is missing, grading with the weaker Landlock sandbox (not recommended).",
)
@click.option(
    "--rate", type=click.IntRange(min=1), default=12, show_default=True, help="Submissions a learner may send a minute."
)
@click.option(
    "--pending",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Submissions of one learner that may wait to be graded at once.",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    metavar="SECONDS",
    help="Refuse new submissions (503, Retry-After) while the queue holds more grading than this per process.",
)
@click.option(
    "--queue-limit", type=click.IntRange(min=1), default=500, show_default=True, help="At most this many jobs waiting."
)
@click.option(
    "--token-file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="PATH",
    help="Where the instructor's token is kept (default: instructor-token in ~/.config/nn-grade).",
)
@click.option(
    "--queue",
    "queue_url",
    metavar="URL",
    envvar="GRADE_QUEUE",
    help="Grade on `grade worker` hosts over this Redis broker (redis://HOST:PORT/N; default: $GRADE_QUEUE) "
    "instead of in this process. Needs `pip install 'nn-grade[queue]'`.",
)
@click.option(
    "--resend-after",
    type=click.FloatRange(min=1),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="With --queue: send a job again when no worker took it this long after it was sent (beyond the "
    "wait the queue explains); the broker lost it.",
)
def serve(
    db_url,
    host,
    port,
    jobs,
    allow_weak_sandbox,
    rate,
    pending,
    max_wait,
    queue_limit,
    token_file,
    queue_url,
    resend_after,
):
    """Run the course server: learners submit over HTTP, quizzes are answered under their token.

    Learners need a token each (`grade roster add NAME`); the instructor's token is made on the first
    start and kept in a file only you can read. The page for learners is at the printed URL, the
    live class report at /dashboard, the API under /api/v1 (see the README). Stop it with Ctrl-C or
    SIGTERM: running jobs finish, queued ones are graded after the next start.

    With --queue, the server grades nothing itself: it sends each submission to the Redis broker, and
    `grade worker` processes on any number of hosts grade it (README: Deployment).

    \b
    Example:
      grade serve --db sqlite:////srv/course/grades.sqlite3 --host 0.0.0.0 --port 8000 --jobs 4
      grade serve --db postgresql://grader@db/course --queue redis://127.0.0.1:6379/0 --host 0.0.0.0
    """
    import os

    from grader.server.admission import Limits
    from grader.server.run import ServeOptions, serve

    if queue_url:
        from grader.cli.common import Problem
        from grader.cli.worker import need_celery

        if jobs:
            raise Problem(
                "--jobs is for grading in the server; with --queue, each `grade worker --concurrency N` sets it"
            )
        if allow_weak_sandbox:
            raise Problem("with --queue the server grades nothing: give --allow-weak-sandbox to `grade worker` instead")
        need_celery()
    limits = Limits(rate_per_minute=rate, pending_per_learner=pending, max_wait_s=max_wait, queue_limit=queue_limit)
    options = ServeOptions(
        db_url,
        host,
        port,
        jobs or os.cpu_count() or 1,
        allow_weak_sandbox,
        limits,
        token_file=token_file,
        queue_url=queue_url,
        resend_after=resend_after,
    )
    serve(options, echo=click.echo)


@main.group()
def roster():
    """The learners of the course server and their tokens.

    \b
    grade roster add alice bob          a token each (shown once; stored hashed)
    grade roster import class.csv       every learner of an LMS export (name, id, email columns)
    grade roster list                   who is enrolled, whose token works
    grade roster revoke alice           alice's token stops working at once
    """


def _print_tokens(issued: list[dict], as_json: bool) -> None:
    from grader.render import print_json

    if as_json:
        print_json(issued)
        return
    width = max((len(entry["student"]) for entry in issued), default=0)
    for entry in issued:
        click.echo(f"{_plain(entry['student']):<{width}}  {entry['token']}")
    if issued:
        click.echo("Give each learner their token (shown only now). They log in with `grade login URL --token TOKEN`.")


def _plain(text: str) -> str:
    from grader.render.terminal import plain

    return plain(text)


@roster.command(name="add")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("--replace", is_flag=True, help="Give learners who already have a token a new one (the old one stops).")
@db_option
@json_option
def roster_add(names, replace, db_url, as_json):
    """Enrol learners and print one new token each (--json: [{"student", "token"}])."""
    from grader.service import roster as service

    _print_tokens(service.add(db_or_fail(db_url), list(names), replace=replace), as_json)


@roster.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.csv")
@db_option
@json_option
def roster_import(file, db_url, as_json):
    """Enrol every learner of a roster CSV: a header with a name column (student, name, login...) and
    optionally an id (id, SIS User ID...) and an email column. Learners who already have a token keep it;
    their ids are updated. The ids go into `grade export csv --format canvas|moodle`."""
    from grader.service import roster as service

    issued, kept = service.import_csv(db_or_fail(db_url), file)
    _print_tokens(issued, as_json)
    if kept and not as_json:
        click.echo(f"{len(kept)} already had a token and kept it: {', '.join(_plain(n) for n in kept[:10])}")


@roster.command(name="list")
@db_option
@json_option
def roster_list(db_url, as_json):
    """Every enrolled learner: LMS id, e-mail, whether their token works, submissions received."""
    from db.roster import roster as entries

    rows = entries(db_or_fail(db_url, create=False))
    if as_json:
        from grader.render import print_json

        print_json(
            [
                {
                    "student": r.student,
                    "id": r.roster_id,
                    "email": r.email,
                    "active": r.active,
                    "submissions": r.submissions,
                }
                for r in rows
            ]
        )
        return
    from rich.table import Table
    from rich.text import Text

    from grader.render.terminal import console

    table = Table(title=f"{len(rows)} learners on the roster", title_justify="left")
    for column in ("learner", "id", "email", "token", "submissions"):
        table.add_column(column, justify="right" if column == "submissions" else "left")
    for r in rows:
        table.add_row(
            Text(r.student),
            Text(r.roster_id or "—"),
            Text(r.email or "—"),
            Text("active" if r.active else "revoked", style="" if r.active else "red"),
            str(r.submissions),
        )
    console().print(table)


@roster.command(name="revoke")
@click.argument("name")
@db_option
def roster_revoke(name, db_url):
    """Stop NAME's token from working (their work stays; `grade roster add NAME` gives a new one)."""
    from db.roster import revoke
    from grader.cli.common import Problem

    if not revoke(db_or_fail(db_url, create=False), name):
        raise Problem(f"{name!r} holds no active token; `grade roster list` shows the roster")
    click.echo(f"Revoked the token of {_plain(name)}.")


@main.command()
@click.argument("url", required=False)
@click.option("--token", required=True, help="The token your instructor gave you.")
def login(url, token):
    """Use the course server at URL with your token for submit, status and quiz.

    Checks the token with the server, then keeps URL and token in a file only you can read
    (~/.config/nn-grade/login.json). A learners' copy made for a server already knows URL.

    \b
    Example:
      grade login https://course.example.org --token 3q2-...
    """
    from grader.server import client
    from grader.server import login as logins

    url = url or logins.course_server_url()
    if not url:
        from grader.errors import UsageProblem

        raise UsageProblem("give the server's address: `grade login URL --token TOKEN`")
    login_info = logins.Login(url=logins.normal_url(url), token=token.strip())
    status = client.Client(login_info).status()
    path = logins.save(login_info)
    click.echo(f"Logged in to {login_info.url} as {_plain(status['student'])} (kept in {path}).")


@main.command()
def logout():
    """Forget the course server's address and your token (the file `grade login` wrote)."""
    from grader.server import login as logins

    click.echo("Logged out." if logins.forget() else "You were not logged in.")
