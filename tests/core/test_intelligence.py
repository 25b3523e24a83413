"""Intelligence: BM25 over the pattern library, and the remote RAG client's retries and breaker."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import httpx
import pytest

from codegen_assets.core.intelligence.library import pattern_library, query_text, rank_patterns
from codegen_assets.core.intelligence.rag_client import RagClient
from codegen_assets.core.resilience import RAG_BREAKER, CircuitBreaker, CircuitOpenError
from codegen_assets.core.stages.intelligence import gather_intelligence
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.orchestration.resources import IntelligenceResource


class RagServer:
    """A local RAG service whose behaviour the test switches: fail, hang or answer."""

    def __init__(self) -> None:
        self.mode = "fail"
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                server.hits += 1
                self.rfile.read(int(self.headers["Content-Length"]))
                if server.mode == "hang":
                    time.sleep(1.0)
                if server.mode in ("fail", "hang"):
                    self.send_response(503)
                    self.end_headers()
                    return
                body = {
                    "patterns": [
                        {"name": "remote_saga", "title": "Remote", "score": 9.0, "guidance": "g"}
                    ]
                }
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rag_server() -> Iterator[RagServer]:
    server = RagServer()
    yield server
    server.httpd.shutdown()


def _client(
    server: RagServer, clock: Clock, sleeps: list[float], timeout: float = 2.0
) -> RagClient:
    breaker = CircuitBreaker(RAG_BREAKER, clock=clock)
    return RagClient(server.url, timeout_seconds=timeout, breaker=breaker, sleep=sleeps.append)


def test_pattern_files_are_valid_and_named_after_their_file() -> None:
    folder = resources.files("codegen_assets.core.intelligence") / "patterns"
    names = sorted(Path(f.name).stem for f in folder.iterdir() if f.name.endswith(".yaml"))
    assert [p.name for p in pattern_library()] == names
    assert len(names) >= 12


@pytest.mark.parametrize(
    ("prompt", "best"),
    [
        (
            "effect node that updates rows with an expected_version and reports conflicts",
            "optimistic_concurrency",
        ),
        ("compute node that scores a password by length", "pure_function"),
        ("reducer that tallies orders per customer", "event_fold"),
        ("orchestrator node: book a flight, then a hotel; roll back on failure", "saga"),
        ("effect node that reads user profiles through a redis cache with a ttl", "cache_aside"),
        ("effect node listing invoices page by page with a cursor", "pagination"),
    ],
)
def test_bm25_ranks_the_fitting_pattern_first(prompt: str, best: str) -> None:
    spec = parse_prompt(prompt)
    ranked = rank_patterns(query_text(prompt, spec), spec.node_type.value)
    assert ranked[0].name == best
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)


def test_ranking_respects_node_types_and_ignores_noise() -> None:
    assert all(p.name != "saga" for p in rank_patterns("saga steps compensate rollback", "compute"))
    assert rank_patterns("zzz qqq", "effect") == []
    assert rank_patterns("", "effect") == []


def test_breaker_opens_after_five_failures_and_stops_calling(rag_server: RagServer) -> None:
    clock, sleeps = Clock(), list[float]()
    client = _client(rag_server, clock, sleeps)
    with pytest.raises(httpx.HTTPStatusError):
        client.patterns("q", "effect", 3)
    assert rag_server.hits == 3
    assert sleeps == [1.0, 2.0]  # exponential: 1 s, then x2, capped at 10 s
    with pytest.raises(CircuitOpenError):
        client.patterns("q", "effect", 3)
    assert rag_server.hits == 5
    assert client.breaker.state == "open"
    for _ in range(3):
        with pytest.raises(CircuitOpenError):
            client.patterns("q", "effect", 3)
    assert rag_server.hits == 5  # open: no request reaches the server


def test_hanging_server_times_out_and_counts_as_failures(rag_server: RagServer) -> None:
    rag_server.mode = "hang"
    clock, sleeps = Clock(), list[float]()
    client = _client(rag_server, clock, sleeps, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        client.patterns("q", "effect", 3)
    assert time.monotonic() - started < 5
    assert client.breaker.failures == 3


def test_breaker_closes_after_the_half_open_trials(rag_server: RagServer) -> None:
    clock, sleeps = Clock(), list[float]()
    client = _client(rag_server, clock, sleeps)
    for _ in range(2):
        with pytest.raises((httpx.HTTPStatusError, CircuitOpenError)):
            client.patterns("q", "effect", 3)
    assert client.breaker.state == "open"
    rag_server.mode = "ok"
    clock.now += RAG_BREAKER.recovery_timeout_s - 1
    with pytest.raises(CircuitOpenError):
        client.patterns("q", "effect", 3)
    clock.now += 1
    hits = rag_server.hits
    for trial in range(RAG_BREAKER.half_open_trials):
        assert client.breaker.state == ("open" if trial == 0 else "half_open")
        assert [p.name for p in client.patterns("q", "effect", 3)] == ["remote_saga"]
    assert client.breaker.state == "closed"
    assert rag_server.hits == hits + RAG_BREAKER.half_open_trials


def test_failed_half_open_trial_reopens(rag_server: RagServer) -> None:
    clock, sleeps = Clock(), list[float]()
    client = _client(rag_server, clock, sleeps)
    for _ in range(2):
        with pytest.raises((httpx.HTTPStatusError, CircuitOpenError)):
            client.patterns("q", "effect", 3)
    clock.now += RAG_BREAKER.recovery_timeout_s
    with pytest.raises(CircuitOpenError):  # the trial fails, the breaker reopens at once
        client.patterns("q", "effect", 3)
    assert client.breaker.state == "open"


def test_generation_falls_back_to_the_library_when_the_service_fails(
    rag_server: RagServer,
) -> None:
    prompt = "orchestrator node: book a flight, then a hotel; roll back on failure"
    spec = parse_prompt(prompt)
    client = _client(rag_server, Clock(), [])
    intel = gather_intelligence(prompt, spec, enabled=True, rag=client)
    assert intel.source == "embedded" and intel.needs_review
    assert intel.patterns[0].name == "saga"
    assert "remote RAG service unavailable" in intel.warnings[0]
    rag_server.mode = "ok"
    fresh = _client(rag_server, Clock(), [])
    intel = gather_intelligence(prompt, spec, enabled=True, rag=fresh)
    assert intel.source == "remote" and not intel.needs_review
    assert [p.name for p in intel.patterns][:2] == ["remote_saga", "saga"]


def test_resource_builds_a_client_only_with_a_url() -> None:
    assert IntelligenceResource().client() is None
    client = IntelligenceResource(rag_url="http://rag.invalid/").client()
    assert client is not None and client.url == "http://rag.invalid"
    again = IntelligenceResource(rag_url="http://rag.invalid").client()
    assert again is not None and again.breaker is client.breaker  # one breaker per process
