"""The web app of `repcam serve`: pages and API over the session log, uploads analysed in the
background, the session's report and video served from the data folder.

Requests -> (token check) -> a page or API handler -> the session log (read per request, in
Starlette's thread pool) or the job queue. Nothing here analyses or draws: the jobs call the
same `run_job` as `repcam batch`, and the report is the one `repcam analyse` writes.
"""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import shutil
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from repcam.apps.serve import pages
from repcam.apps.serve.jobs import AnalysisQueue, Job, JobState, JobStore
from repcam.apps.serve.uploads import UploadRefused, checked_video, receive, safe_name
from repcam.exercises.registry import AUTO, EXERCISES
from repcam.folds.progression import advise_next
from repcam.io.logbook import export_document, export_rows, summarise, write_export_csv
from repcam.io.session_store import LoggedSession, SessionLog

COOKIE = "repcam_token"
ASSETS = resources.files("repcam.apps.serve") / "assets"
ASSET_TYPES = {".css": "text/css", ".js": "text/javascript"}
MAX_PROFILE = 60
EVENT_POLL_S = 0.25
KEEPALIVE_S = 15.0


@dataclass(frozen=True)
class ServeConfig:
    data_dir: Path  # uploads/, outputs/ and jobs/ live here
    db: Path | None  # the session log (None: the user's default)
    model: str
    max_bytes: int
    token: str | None = None  # None: no token asked (only ever on the loopback address)

    @property
    def uploads(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def outputs(self) -> Path:
        return self.data_dir / "outputs"


def create_app(config: ServeConfig) -> ASGIApp:
    store = JobStore(config.data_dir / "jobs")
    handlers = Handlers(config, store, AnalysisQueue(store, config.db, config.model))
    routes = [
        Route("/", handlers.people), Route("/people/{name}", handlers.person),
        Route("/people/{name}/export.{kind:str}", handlers.export),
        Route("/sessions/{id:int}", handlers.session),
        Route("/sessions/{id:int}/files/{file}", handlers.session_file),
        Route("/sessions/{id:int}/delete", handlers.delete, methods=["POST"]),
        Route("/analyse", handlers.analyse),
        Route("/api/uploads", handlers.upload, methods=["POST"]),
        Route("/api/jobs", handlers.jobs),
        Route("/api/jobs/events", handlers.events),
        Route("/api/jobs/{id}/rerun", handlers.rerun, methods=["POST"]),
        Route("/assets/{file}", handlers.asset),
    ]
    not_found = {404: lambda request, error: _refused(404, "There is no such page.")}
    return TokenGate(SameOrigin(Starlette(routes=routes, exception_handlers=not_found)),
                     config.token)


class Handlers:
    def __init__(self, config: ServeConfig, store: JobStore, analyses: AnalysisQueue) -> None:
        self.config, self.store, self.analyses = config, store, analyses

    # -- pages (sync: Starlette runs them in its thread pool, off the event loop) ----------
    def people(self, request: Request) -> Response:
        with SessionLog(self.config.db, read_only=True) as log:
            sessions = log.sessions()
        by_person: dict[str, list[LoggedSession]] = defaultdict(list)
        for session in sessions:
            by_person[session.profile].append(session)
        advice = {name: advise_next([s.record() for s in mine]) for name, mine in
                  by_person.items()}
        summaries = {name: summarise(mine) for name, mine in sorted(by_person.items())}
        return HTMLResponse(pages.people_page(summaries, advice))

    def person(self, request: Request) -> Response:
        name = request.path_params["name"]
        with SessionLog(self.config.db, read_only=True) as log:
            sessions = log.sessions(profile=name)
        if not sessions:
            return _refused(404, f"Nobody called {name} is in the session log.")
        reports = {job.session_id for job in self.store.all() if job.session_id is not None}
        return HTMLResponse(pages.person_page(name, summarise(sessions),
                                              advise_next([s.record() for s in sessions]),
                                              reports))

    def export(self, request: Request) -> Response:
        name, kind = request.path_params["name"], request.path_params["kind"]
        if kind not in ("csv", "json"):
            return _refused(404, "Exports are .csv or .json.")
        with SessionLog(self.config.db, read_only=True) as log:
            sessions = log.sessions(profile=name)
        if kind == "json":
            body = json.dumps(export_document(sessions), indent=2)
        else:
            body = io.StringIO()
            write_export_csv(export_rows(sessions), body)
            body = body.getvalue()
        filename = f"repcam-{safe_name(name)}.{kind}"
        return Response(body, media_type="application/json" if kind == "json" else "text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    def session(self, request: Request) -> Response:
        session_id = request.path_params["id"]
        with SessionLog(self.config.db, read_only=True) as log:
            session = log.session(session_id)
        if session is None:
            return _refused(404, f"There is no session {session_id} (deleted?).")
        job = self.store.of_session(session_id)
        has_report = job is not None and (job.out_dir / "report.html").is_file()
        return HTMLResponse(pages.session_page(session, summarise([session])[0], has_report))

    def session_file(self, request: Request) -> Response:
        job = self.store.of_session(request.path_params["id"])
        name = request.path_params["file"]
        path = job.out_dir / name if job is not None and name not in ("", ".", "..") else None
        if path is None or not path.is_file():
            return _refused(404, "That file is not part of this session.")
        return FileResponse(path)  # answers Range requests: the video seeks

    def delete(self, request: Request) -> Response:
        session_id = request.path_params["id"]
        with SessionLog(self.config.db) as log:
            session = log.session(session_id)
            if session is None:
                return _refused(404, f"There is no session {session_id}.")
            log.delete_session(session_id)
        job = self.store.of_session(session_id)
        if job is not None:  # its video and outputs go with it
            shutil.rmtree(job.upload.parent, ignore_errors=True)
            shutil.rmtree(job.out_dir, ignore_errors=True)
            self.store.remove(job.id)
        return RedirectResponse(pages.person_url(session.profile), status_code=303)

    def analyse(self, request: Request) -> Response:
        with SessionLog(self.config.db, read_only=True) as log:
            profiles = log.profiles()
        return HTMLResponse(pages.analyse_page(profiles, self.config.max_bytes))

    def asset(self, request: Request) -> Response:
        name = request.path_params["file"]
        kind = ASSET_TYPES.get(Path(name).suffix)
        asset = ASSETS / name
        if kind is None or not asset.is_file():
            return PlainTextResponse("not found", status_code=404)
        return Response(asset.read_bytes(), media_type=kind,
                        headers={"Cache-Control": "no-cache"})

    # -- API -------------------------------------------------------------------------------
    async def upload(self, request: Request) -> Response:
        query = request.query_params
        name = query.get("name", "").strip() or "video"
        profile = query.get("profile", "").strip()
        exercise = query.get("exercise", AUTO)
        problem = _form_problem(profile, exercise)
        if problem:
            return JSONResponse({"error": problem}, status_code=400)
        job_id = self.store.new_id()
        folder = self.config.uploads / job_id
        announced = request.headers.get("content-length")
        try:
            path = await receive(request.stream(), name, folder, max_bytes=self.config.max_bytes,
                                 announced=int(announced) if announced else None)
            upload = await run_in_threadpool(checked_video, path, name)
        except (UploadRefused, ClientDisconnect) as refused:
            shutil.rmtree(folder, ignore_errors=True)
            status = refused.status if isinstance(refused, UploadRefused) else 400
            return JSONResponse({"error": str(refused) or "The upload was cut off."},
                                status_code=status)
        job = Job(job_id, name, upload.path, self.config.outputs / job_id, profile, exercise,
                  upload.frames)
        return JSONResponse(self.analyses.submit(job).public(), status_code=201)

    def jobs(self, request: Request) -> Response:
        return JSONResponse([job.public() for job in self.store.all()])

    async def events(self, request: Request) -> Response:
        """Server-sent events: every job, each time any of them changes."""
        async def stream():
            seen, quiet = -1, 0.0
            while True:
                if self.store.version != seen:
                    seen, quiet = self.store.version, 0.0
                    yield f"data: {json.dumps([j.public() for j in self.store.all()])}\n\n"
                elif quiet >= KEEPALIVE_S:
                    quiet = 0.0
                    yield ": still here\n\n"
                await asyncio.sleep(EVENT_POLL_S)
                quiet += EVENT_POLL_S

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    def rerun(self, request: Request) -> Response:
        job = self.store.get(request.path_params["id"])
        if job is None:
            return JSONResponse({"error": "No such analysis."}, status_code=404)
        if job.state not in (JobState.INTERRUPTED, JobState.FAILED) or not job.upload.is_file():
            return JSONResponse({"error": "Only an interrupted or failed analysis whose video is "
                                 "still stored can be re-run."}, status_code=409)
        shutil.rmtree(job.out_dir, ignore_errors=True)  # what the interrupted run left
        return JSONResponse(self.analyses.submit(job).public())


def _form_problem(profile: str, exercise: str) -> str:
    if not profile:
        return "Say whose video it is (the person)."
    if len(profile) > MAX_PROFILE:
        return f"A person's name is at most {MAX_PROFILE} characters."
    if "/" in profile:
        return "A person's name cannot hold a '/'."
    if exercise != AUTO and exercise not in EXERCISES:
        return f"repcam has no exercise called {exercise}."
    return ""


def _refused(status: int, message: str) -> Response:
    return HTMLResponse(pages.refusal_page(status, message), status_code=status)


class TokenGate:
    """With a token, every page and API call must carry it: `?token=` once (a page then sets
    a cookie and sheds it from the address), the cookie, or `Authorization: Bearer`."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.token is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        in_query = request.query_params.get("token")
        if in_query is not None and self._matches(in_query):
            await self._shed_from_address(scope, receive, send, request)
            return
        if self._matches(_bearer(request) or request.cookies.get(COOKIE, "")):
            await self.app(scope, receive, send)
            return
        message = ("This repcam asks for its access token: open the address it printed when "
                   "it started (with ?token=...).")
        response = (JSONResponse({"error": message}, status_code=401)
                    if scope["path"].startswith("/api/") else _refused(401, message))
        await response(scope, receive, send)

    def _matches(self, offered: str) -> bool:
        return bool(offered) and secrets.compare_digest(offered.encode(), self.token.encode())

    async def _shed_from_address(self, scope: Scope, receive: Receive, send: Send,
                                 request: Request) -> None:
        if request.method not in ("GET", "HEAD"):  # an API call: answered in place
            await self.app(scope, receive, send)
            return
        rest = {k: v for k, v in parse_qs(scope["query_string"].decode()).items()
                if k != "token"}
        target = scope["path"] + (f"?{urlencode(rest, doseq=True)}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
        await response(scope, receive, send)


class SameOrigin:
    """A change (upload, delete, re-run) is taken only from repcam's own pages: a page of
    another site open in the same browser cannot post to it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
            headers = dict(scope["headers"])
            origin = headers.get(b"origin", b"").decode()
            host = headers.get(b"host", b"").decode()
            if origin and origin.split("://", 1)[-1] != host:
                await JSONResponse({"error": "Refused: the request came from another site."},
                                   status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else ""
