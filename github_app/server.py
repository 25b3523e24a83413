"""The webhook server: ``POST /webhook`` records deliveries; workers triage and launch runs.

The handler only verifies, bounds and stores the delivery (SQLite), so it answers in milliseconds.
A triage thread turns stored deliveries into replies and queued requests; a launcher thread (the
"warm worker": Dagster and the definitions already loaded) claims queued requests and runs the
``generate_node_pr`` job in-process, reporting each stage on the request's check run. Without a
runner the daemon's sensor launches instead. Both read the same durable queue, so a
request survives a crash between receipt and launch. Given where failed runs are found
(``runs``), it also keeps each repository's dashboard issue and acts on its boxes; the launcher
then also runs the regenerations approved there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from githubkit.webhooks import verify
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from codegen_assets.core.models import (
    GenerationRequest,
    GenerationResult,
)
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.queue import Delivery, Kind, RequestQueue
from github_app.dashboard import DashboardKeeper, RunHistory
from github_app.failures import describe, is_transient
from github_app.registration import ConsulRegistration
from github_app.settings import AppSettings
from github_app.triage import Triage

log = logging.getLogger(__name__)
_SIGNATURE = re.compile(r"^sha256=[0-9a-f]{64}$")
IDLE_SECONDS = 0.2
RUN_TIMEOUT_SECONDS = 900.0


class _PayloadTooLarge(Exception):
    pass


async def _read_bounded(request: Request, limit: int, timeout: float) -> bytes:
    """The body, at most ``limit`` bytes, all within ``timeout`` seconds (TimeoutError)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _PayloadTooLarge

    async def read() -> bytes:
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise _PayloadTooLarge
        return bytes(body)

    return await asyncio.wait_for(read(), timeout)


class Runner(Protocol):
    """Runs one generation request to the end (the in-process Dagster runner)."""

    def add_partition(self, request_id: str) -> None:
        """Register the request's partition."""

    def run(self, request: GenerationRequest, *, timeout: float) -> GenerationResult:
        """Materialize every stage for ``request`` (the run reports its progress itself)."""

    def regenerate(self, node_key: str, *, timeout: float) -> None:
        """Regenerate one delivered node with today's templates (a run of its own)."""


class WebhookService:
    """The ASGI app plus its triage and launch workers."""

    def __init__(
        self,
        nodegen: NodegenSettings,
        github: AppSettings,
        runner: Callable[[], Runner] | None = None,
        triage: bool = True,
        registration: ConsulRegistration | None = None,
        run_timeout: float = RUN_TIMEOUT_SECONDS,
        runs: RunHistory | None = None,
    ) -> None:
        self.nodegen = nodegen
        self.github = github
        self.runner = runner
        self.run_timeout = run_timeout
        self.run_triage = triage
        self.registration = registration
        self.queue = RequestQueue(nodegen.queue_db, github.backoff())
        self.store = ArtifactStore(nodegen.artifact_db)
        self.dashboards = (
            DashboardKeeper(github, nodegen.queue_db, runs) if runs is not None else None
        )
        self.triage = Triage(github, self.queue, self.store, self.dashboards)
        self._webhook_secret = github.webhook_secret_value()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: dict[str, threading.Thread] = {}
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
            body = await _read_bounded(
                request, self.github.max_body_bytes, self.github.body_timeout_seconds
            )
        except _PayloadTooLarge:
            return JSONResponse(
                {"error": f"payload over {self.github.max_body_bytes} bytes"}, status_code=413
            )
        except TimeoutError:
            return JSONResponse(
                {"error": f"body not received within {self.github.body_timeout_seconds:g} s"},
                status_code=408,
                headers={"connection": "close"},
            )
        signature = request.headers.get("x-hub-signature-256", "")
        if not _SIGNATURE.match(signature):
            return JSONResponse(
                {"error": "missing or malformed X-Hub-Signature-256"}, status_code=401
            )
        if not verify(self._webhook_secret, body, signature):
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
        """Ok, or 503 "degraded" with the reasons: a dead worker, or a delivery waiting too long."""
        problems = [
            f"the {name} worker has stopped"
            for name, thread in self._threads.items()
            if not thread.is_alive()
        ]
        try:
            counts = await run_in_threadpool(self.queue.counts)
            waited = await run_in_threadpool(self.queue.oldest_waiting_delivery_age)
        except Exception as exc:  # the queue's database is unreachable
            return JSONResponse(
                {"status": "degraded", "problems": [*problems, f"queue: {describe(exc)}"]},
                status_code=503,
            )
        limit = self.github.health_max_wait_seconds
        if waited is not None and waited > limit:
            problems.append(f"the oldest delivery has waited {waited:.0f} s (limit {limit:g} s)")
        status = "degraded" if problems else "ok"
        body = {"status": status, "queue": counts, "problems": problems}
        return JSONResponse(body, status_code=503 if problems else 200)

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
        if self.dashboards is not None:
            self.dashboards.store.release_approval_claims()
        if self.registration is not None:
            self.registration.start()
        targets = {"triage": self._triage_loop} if self.run_triage else {}
        if (factory := self.runner) is not None:
            targets["launch"] = lambda: self._launch_loop(factory())
        for name, target in targets.items():
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads[name] = thread

    def stop_workers(self) -> None:
        """Ask the workers to stop after their current item."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads.values():
            thread.join(timeout=5)
        if self.registration is not None:
            self.registration.stop()

    def _triage_loop(self) -> None:
        while not self._stop.is_set():
            try:
                deliveries = self.queue.new_deliveries()
            except Exception:
                log.exception("cannot read the queue; trying again")
                self._stop.wait(IDLE_SECONDS * 10)
                continue
            for delivery in deliveries:
                if self._stop.is_set():
                    return
                self._triage_one(delivery)
            if not deliveries:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()

    def _triage_one(self, delivery: Delivery) -> None:
        """Triage one delivery; whatever goes wrong stays with it and never stops the others."""
        try:
            note = self.triage.handle(delivery)
            self.queue.finish_delivery(delivery.delivery_id, note)
        except Exception as exc:
            self._failed("deliveries", delivery.delivery_id, exc)
            return
        log.info("delivery %s: %s", delivery.delivery_id, note)

    def _failed(self, kind: Kind, key: str, exc: Exception) -> None:
        """Retry a transient failure later; dead-letter a permanent one."""
        reason = describe(exc)
        try:
            if is_transient(exc) and self.queue.retry_later(kind, key, reason):
                log.warning("%s %s failed, will retry: %s", kind, key, reason)
                return
            if not is_transient(exc):
                self.queue.dead_letter(kind, key, f"permanent: {reason}")
        except Exception:
            log.exception("could not record the failure of %s %s", kind, key)
            self._stop.wait(IDLE_SECONDS * 10)
            return
        log.error("%s %s dead-lettered: %s", kind, key, reason, exc_info=exc)

    def _launch_loop(self, runner: Runner) -> None:
        while not self._stop.is_set():
            try:
                claimed = self.queue.claim_runs(1)
                approved = (
                    self.dashboards.store.claim_approvals(1)
                    if not claimed and self.dashboards is not None
                    else []
                )
            except Exception:
                log.exception("cannot read the queue; trying again")
                self._stop.wait(IDLE_SECONDS * 10)
                continue
            if claimed:
                self._launch_one(runner, claimed[0])
            elif approved:
                self._regenerate_one(runner, approved[0])
            else:
                self._stop.wait(IDLE_SECONDS)

    def _launch_one(self, runner: Runner, request_id: str) -> None:
        """Run one claimed request; a failure to launch it stays with it."""
        try:
            request = self.store.get_request(request_id)
            runner.add_partition(request.request_id)
            runner.run(request, timeout=self.run_timeout)
            self.queue.finish_run(request.request_id)
        except Exception as exc:
            self._failed("runs", request_id, exc)

    def _regenerate_one(self, runner: Runner, node_key: str) -> None:
        """Run one regeneration approved on a dashboard; whatever happens, the approval is done
        (a failed run leaves the node stale, so its box shows again)."""
        try:
            runner.regenerate(node_key, timeout=self.run_timeout)
        except Exception:
            log.exception("the regeneration of %s failed", node_key)
        finally:
            if self.dashboards is not None:
                self.dashboards.store.finish_approval(node_key)
