"""The ASGI application of the course server: the API and the pages over one `Course`, every error one
line of JSON ({"error": "..."}) with its status (and Retry-After for 429 and 503)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from grader import __version__
from grader.errors import UsageProblem
from grader.server import api, web
from grader.server.admission import Refused
from grader.server.app import ApiError, Course


def create_app(course: Course) -> FastAPI:
    app = FastAPI(
        title="nn-grade course server",
        version=__version__,
        docs_url=None,  # the interactive docs load scripts from a CDN; the server works offline
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.course = course

    @app.exception_handler(ApiError)
    async def api_error(_request, error: ApiError):
        return JSONResponse({"error": str(error)}, status_code=error.status, headers=error.headers)

    @app.exception_handler(Refused)
    async def refused(_request, error: Refused):
        return JSONResponse(
            {"error": str(error), "retry_after": error.retry_after},
            status_code=error.status,
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(UsageProblem)
    async def usage_problem(_request, problem: UsageProblem):
        return JSONResponse({"error": str(problem)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request, error: RequestValidationError):
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return JSONResponse({"error": f"{where or 'the request'}: {first.get('msg', 'invalid')}"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, error: StarletteHTTPException):
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)

    app.include_router(api.router)
    app.include_router(web.router)
    return app
