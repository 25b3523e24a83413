"""The webhook server: ``POST /webhook`` records deliveries; workers triage and launch runs.

The handler only verifies, bounds and stores the delivery (SQLite), so it answers in milliseconds.
A triage thread turns stored deliveries into replies and queued requests; a launcher thread (the
"warm worker": Dagster and the definitions already loaded) claims queued requests and runs the
``generate_node_pr`` job in-process, reporting each stage on the request's check run. With
``launcher="dagster"`` the daemon's sensor launches instead. Both read the same durable queue, so a
request survives a crash between receipt and launch.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal, cast

from githubkit.exception import GitHubException
from githubkit.webhooks import verify
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from codegen_assets.artifact_store import ArtifactStore
from codegen_assets.models import GitHubTarget
from codegen_assets.settings import NodegenSettings
from codegen_assets.stages import STAGES
from github_app.client import installation_client
from github_app.publishing import split_repo
from github_app.queue import RequestQueue
from github_app.registration import ConsulRegistration
from github_app.settings import AppSettings
from github_app.triage import Triage

log = logging.getLogger(__name__)
_SIGNATURE = re.compile(r"^sha256=[0-9a-f]{64}$")
IDLE_SECONDS = 0.2
RUN_TIMEOUT_SECONDS = 900.0


class _PayloadTooLarge(Exception):
    pass


async def _read_bounded(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _PayloadTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise _PayloadTooLarge
    return bytes(body)


class WebhookService:
    """The ASGI app plus its triage and launch workers."""

    def __init__(
        self,
        nodegen: NodegenSettings,
        github: AppSettings,
        launcher: Literal["embedded", "dagster", "off"] = "embedded",
        triage: bool = True,
        registration: ConsulRegistration | None = None,
    ) -> None:
        self.nodegen = nodegen
        self.github = github
        self.launcher = launcher
        self.run_triage = triage
        self.registration = registration
        self.queue = RequestQueue(nodegen.queue_db)
        self.store = ArtifactStore(nodegen.artifact_db)
        self.triage = Triage(github, self.queue, self.store, nodegen.workspace)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.app = Starlette(
            routes=[
                Route("/webhook", self.webhook, methods=["POST"]),
                Route("/health", self.health, methods=["GET"]),
            ],
            lifespan=self._lifespan,
        )

    async def webhook(self, request: Request) -> JSONResponse:
        """Verify, bound and record one delivery."""
        started = time.perf_counter()
        response = await self._webhook(request)
        response.headers["server-timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    async def _webhook(self, request: Request) -> JSONResponse:
        try:
            body = await _read_bounded(request, self.github.max_body_bytes)
        except _PayloadTooLarge:
            return JSONResponse(
                {"error": f"payload over {self.github.max_body_bytes} bytes"}, status_code=413
            )
        signature = request.headers.get("x-hub-signature-256", "")
        if not _SIGNATURE.match(signature):
            return JSONResponse(
                {"error": "missing or malformed X-Hub-Signature-256"}, status_code=401
            )
        if not verify(self.github.webhook_secret.get_secret_value(), body, signature):
            return JSONResponse({"error": "signature does not match"}, status_code=401)
        delivery = request.headers.get("x-github-delivery", "")
        event = request.headers.get("x-github-event", "")
        if not delivery or not event:
            return JSONResponse(
                {"error": "missing X-GitHub-Delivery or X-GitHub-Event"}, status_code=400
            )
        # One small WAL insert: cheaper inline than a hop to the thread pool.
        fresh = self.queue.record(delivery, event, body)
        self._wake.set()
        return JSONResponse(
            {"delivery": delivery, "status": "queued" if fresh else "duplicate"},
            status_code=202 if fresh else 200,
        )

    async def health(self, _request: Request) -> JSONResponse:
        """Liveness plus queue depth."""
        counts = await run_in_threadpool(self.queue.counts)
        return JSONResponse({"status": "ok", "queue": counts})

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        self.start_workers()
        try:
            yield
        finally:
            self.stop_workers()

    def start_workers(self) -> None:
        """Start triage and (unless the daemon launches) the warm launcher."""
        self.queue.release_claims()
        if self.registration is not None:
            self.registration.start()
        targets = [self._triage_loop] if self.run_triage else []
        if self.launcher == "embedded":
            targets.append(self._launch_loop)
        for target in targets:
            thread = threading.Thread(target=target, name=target.__name__, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop_workers(self) -> None:
        """Ask the workers to stop after their current item."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.registration is not None:
            self.registration.stop()

    def _triage_loop(self) -> None:
        while not self._stop.is_set():
            deliveries = self.queue.new_deliveries()
            for delivery in deliveries:
                try:
                    note = self.triage.handle(delivery)
                except (GitHubException, OSError) as exc:
                    log.warning("triage of %s failed, will retry: %s", delivery.delivery_id, exc)
                    self._stop.wait(2.0)
                    break
                self.queue.finish_delivery(delivery.delivery_id, note)
                log.info("delivery %s: %s", delivery.delivery_id, note)
            if not deliveries:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()

    def _launch_loop(self) -> None:
        from codegen_assets.deployments import GENERATE_PR_JOB
        from codegen_assets.embedded import EmbeddedRunner

        runner = EmbeddedRunner(self.nodegen, job_name=GENERATE_PR_JOB)
        while not self._stop.is_set():
            claimed = self.queue.claim_runs(1)
            if not claimed:
                self._stop.wait(IDLE_SECONDS)
                continue
            request = self.store.get_request(claimed[0])
            runner.add_partition(request.request_id)
            progress = CheckRunProgress(self.github, request.github) if request.github else None
            result = runner.run(
                request,
                timeout=RUN_TIMEOUT_SECONDS,
                on_stage=progress.on_stage if progress else None,
            )
            if progress is not None:
                progress.finish(result.success, result.error_message)
            self.queue.finish_run(request.request_id)


class CheckRunProgress:
    """Shows each stage on the request's check run, coalescing updates to respect write limits."""

    def __init__(self, settings: AppSettings, target: GitHubTarget) -> None:
        self.target = target
        self.gh = installation_client(settings, target.installation_id)
        self.interval = max(settings.write_interval_seconds, 0.5)
        self.done: list[str] = []
        self._last = 0.0

    def _summary(self) -> str:
        return "\n".join(f"- [{'x' if s in self.done else ' '}] {s}" for s in STAGES)

    def _update(self, data: dict[str, object]) -> None:
        if self.target.check_run_id is None:
            return
        owner, repo = split_repo(self.target)
        try:
            self.gh.rest.checks.update(owner, repo, self.target.check_run_id, data=cast(Any, data))
        except GitHubException as exc:
            log.warning("check run update failed: %s", exc)
        self._last = time.monotonic()

    def on_stage(self, stage: str, status: str, _timestamp: float) -> None:
        """Dagster step event → check run (at most one update per interval)."""
        if status == "completed":
            self.done.append(stage)
        if time.monotonic() - self._last >= self.interval:
            self._update(
                {
                    "status": "in_progress",
                    "output": {
                        "title": f"{len(self.done)}/{len(STAGES)} stages",
                        "summary": self._summary(),
                    },
                }
            )

    def finish(self, success: bool, error: str | None) -> None:
        """Final state of the check run."""
        title = "Node generated" if success else "Generation needs attention"
        summary = self._summary() + (f"\n\n{error}" if error else "")
        # A failure conclusion blocks merging where the check is required.
        self._update(
            {
                "status": "completed",
                "conclusion": "success" if success else "failure",
                "output": {"title": title, "summary": summary},
            }
        )


def create_app(home: Path | None = None) -> Starlette:
    """The ASGI app for ``uvicorn github_app.server:create_app --factory``."""
    nodegen = NodegenSettings() if home is None else NodegenSettings(home=home)
    return WebhookService(nodegen, AppSettings()).app
