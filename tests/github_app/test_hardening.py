"""One bad delivery never stops the others: poison pills, permanent and transient GitHub errors,
dead letters and their re-drive, health that tells the truth, slow bodies, and a fuzz test."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from codegen_assets.cli.github import main as github_cli
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.line_reader.text import PromptError
from codegen_assets.storage.queue import Backoff, RequestQueue
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, comment_payload, serve, signed, wait_for
from github_app.server import WebhookService
from github_app.settings import AppSettings
from github_app.triage import decode_payload


@pytest.fixture
def service(
    github_env: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, WebhookService]]:
    monkeypatch.setenv("NODEGEN_GITHUB_RETRY_ATTEMPTS", "3")
    monkeypatch.setenv("NODEGEN_GITHUB_RETRY_BACKOFF_SECONDS", "0.05")
    monkeypatch.setenv("NODEGEN_GITHUB_MAX_RETRIES", "0")  # githubkit's own retries
    svc = WebhookService(NodegenSettings(home=tmp_path / "home"), AppSettings())
    with TestClient(svc.app) as client:
        yield client, svc


def post(
    client: TestClient, payload: dict[str, object] | bytes, event: str = "issue_comment"
) -> str:
    body, headers = signed(payload, event)
    response = client.post("/webhook", content=body, headers=headers)
    assert response.status_code == 202, response.text
    return headers["x-github-delivery"]


def settled(svc: WebhookService, n: int) -> None:
    def done() -> bool:
        counts = svc.queue.counts()
        return counts.get("deliveries.done", 0) + counts.get("deliveries.dead", 0) >= n

    wait_for(done, 30, f"{n} deliveries triaged")


def notes(svc: WebhookService) -> dict[str, str]:
    from sqlalchemy import select

    from codegen_assets.storage.schema import deliveries

    with svc.queue.engine.connect() as db:
        rows = db.execute(select(deliveries.c.delivery_id, deliveries.c.status, deliveries.c.note))
        return {r[0]: f"{r[1]}: {r[2]}" for r in rows}


def test_non_json_and_form_encoded_bodies_do_not_stop_triage(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    garbage = post(client, b"\xff\xfe not json at all")
    form = post(client, b"payload=%7B%22action%22%3A%22created%22%7D")
    text = post(client, b"this is not JSON")
    valid = post(client, comment_payload("/generate-node help"))
    settled(svc, 4)
    seen = notes(svc)
    assert seen[garbage] == "done: ignored: body is not UTF-8 text (byte 0)"
    assert seen[form] == "done: ignored: malformed issue_comment payload (5 errors)"  # decoded
    assert seen[text].startswith("done: ignored: body is not JSON")
    assert seen[valid] == "done: help"
    assert svc._threads["triage"].is_alive()
    assert client.get("/health").json()["status"] == "ok"


def test_an_unexpected_error_dead_letters_that_delivery_only(
    service: tuple[TestClient, WebhookService], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, svc = service
    real = svc.triage.handle
    poison: set[str] = set()

    def handle(delivery: object) -> str:
        if getattr(delivery, "delivery_id", "") in poison:
            raise KeyError("a bug in triage")
        return real(delivery)  # type: ignore[arg-type]

    monkeypatch.setattr(svc.triage, "handle", handle)
    body, headers = signed(comment_payload("/generate-node help", issue=11), "issue_comment")
    poison.add(headers["x-github-delivery"])
    assert client.post("/webhook", content=body, headers=headers).status_code == 202
    valid = post(client, comment_payload("/generate-node help", issue=12))
    settled(svc, 2)
    seen = notes(svc)
    assert seen[headers["x-github-delivery"]] == "dead: permanent: KeyError: 'a bug in triage'"
    assert seen[valid] == "done: help"
    (letter,) = svc.queue.dead_letters()
    assert letter.kind == "deliveries" and letter.attempts == 1


def test_permanent_github_errors_are_dead_lettered_at_once(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    github_env.inject("POST", "/reactions", 404, times=1)  # e.g. the repository is gone
    gone = post(client, comment_payload("/generate-node a node", issue=21))
    valid = post(client, comment_payload("/generate-node help", issue=22))
    settled(svc, 2)
    seen = notes(svc)
    assert seen[gone].startswith("dead: permanent: GitHub answered 404 to POST /repos/")
    assert seen[valid] == "done: help"
    reactions = [r for r in github_env.requests if r[1].endswith("/reactions")]
    assert len(reactions) == 2  # the 404 was not retried; the help request reacted once


def test_transient_errors_back_off_then_dead_letter_without_blocking_others(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    github_env.inject("POST", "/issues/31/comments", 502, times=100)
    flaky = post(client, comment_payload("/generate-node help", issue=31))
    others = [post(client, comment_payload("/generate-node help", issue=32 + i)) for i in range(3)]
    settled(svc, 4)
    seen = notes(svc)
    assert all(seen[d] == "done: help" for d in others)
    assert seen[flaky] == "dead: gave up after 3 attempts: GitHub answered 502 to POST " + (
        f"/repos/{REPO}/issues/31/comments"
    )
    attempts = [r for r in github_env.requests if r[1].endswith("/issues/31/comments")]
    assert len(attempts) == 3


def test_a_transient_error_that_clears_is_retried_to_success(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    github_env.inject("POST", "/issues/41/comments", 503, times=1)
    delivery = post(client, comment_payload("/generate-node help", issue=41))
    settled(svc, 1)
    assert notes(svc)[delivery] == "done: help"


def test_dead_letters_are_listed_and_redriven_from_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("NODEGEN_HOME", str(home))
    queue = RequestQueue(NodegenSettings().queue_db, Backoff(max_attempts=2))
    queue.record("d1", "issue_comment", b"{}")
    queue.enqueue_run("r1", "d1")
    queue.dead_letter("deliveries", "d1", "permanent: GitHub answered 410")
    assert queue.claim_runs(1) == ["r1"]
    assert queue.retry_later("runs", "r1", "ConnectionError: down")
    assert not queue.retry_later("runs", "r1", "ConnectionError: still down")
    assert github_cli(["dead-letters", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == [
        "deliveries\td1\t1\tpermanent: GitHub answered 410",
        "runs\tr1\t2\tgave up after 2 attempts: ConnectionError: still down",
    ]
    assert github_cli(["dead-letters", "redrive", "r1", "nope"]) == 1
    assert "re-driven r1" in capsys.readouterr().out
    assert queue.claim_runs(1) == ["r1"]
    assert github_cli(["dead-letters", "redrive", "--all"]) == 0
    assert [d.delivery_id for d in queue.new_deliveries()] == ["d1"]
    assert queue.dead_letters() == []


def test_health_is_degraded_when_a_worker_dies(
    service: tuple[TestClient, WebhookService], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, svc = service

    def die(_delivery: object) -> str:
        raise SystemExit("worker killed")

    monkeypatch.setattr(svc.triage, "handle", die)
    post(client, comment_payload("/generate-node help"))
    wait_for(lambda: not svc._threads["triage"].is_alive(), 30, "the triage worker to die")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["problems"] == ["the triage worker has stopped"]


def test_health_is_degraded_when_a_delivery_waits_too_long(
    github_env: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_GITHUB_HEALTH_MAX_WAIT_SECONDS", "0.5")
    svc = WebhookService(NodegenSettings(home=tmp_path / "home"), AppSettings(), triage=False)
    with TestClient(svc.app) as client:
        post(client, comment_payload("/generate-node help"))
        assert client.get("/health").status_code == 200
        time.sleep(0.7)
        response = client.get("/health")
    assert response.status_code == 503
    (problem,) = response.json()["problems"]
    assert problem.startswith("the oldest delivery has waited ") and "(limit 0.5 s)" in problem


def test_a_body_that_does_not_arrive_in_time_gets_408(
    github_env: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_GITHUB_BODY_TIMEOUT_SECONDS", "0.5")
    svc = WebhookService(NodegenSettings(home=tmp_path / "home"), AppSettings(), triage=False)
    with serve(svc.app) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n{"
            )
            started = time.monotonic()
            answer = sock.recv(4096).decode()
            waited = time.monotonic() - started
    assert answer.startswith("HTTP/1.1 408"), answer
    assert "body not received within 0.5 s" in answer
    assert waited < 5


def test_secrets_are_not_in_the_served_process_environment(
    github_env: FakeGitHub, tmp_path: Path
) -> None:
    from github_app.demo.local import SECRET, serve_process

    env = {
        "PATH": "/usr/bin:/bin",
        "NODEGEN_HOME": str(tmp_path / "home"),
        "NODEGEN_GITHUB_WEBHOOK_SECRET": SECRET,
        "NODEGEN_GITHUB_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nnot-a-real-key-line\n",
        "NODEGEN_DATABASE_URL": "",
    }
    with serve_process(env, "--launcher", "off", "--no-triage") as url:
        pid = _listener(int(url.rsplit(":", 1)[1]))
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        body, headers = signed(comment_payload("/generate-node help"), "issue_comment")
        import httpx

        # httpx's default 5 s is short for a first request on a loaded machine
        answer = httpx.post(f"{url}/webhook", content=body, headers=headers, timeout=60)
        accepted = answer.status_code
    assert SECRET.encode() not in environ and b"not-a-real-key-line" not in environ
    assert b"NODEGEN_HOME=" in environ  # the rest of the environment is kept
    assert accepted == 202  # the server still holds the secret it verifies signatures with


def _listener(port: int) -> int:
    """The pid listening on ``port`` (the served process, after it re-executed itself)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True)
    if out.returncode == 0 and "pid=" in out.stdout:
        return int(out.stdout.split("pid=", 1)[1].split(",", 1)[0])
    for proc in Path("/proc").iterdir():  # no ss: find the server by its command line
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"codegen_assets.cli.github" in cmdline and str(port).encode() in cmdline:
                return int(proc.name)
    raise AssertionError(f"no process listens on {port}")


def test_binary_or_non_utf8_stdin_is_invalid_prompt(tmp_path: Path) -> None:
    for data, expected in (
        (b"\x00\x01\x02ELF", "contains NUL bytes"),
        (b"\xff\xfe\xfd", "is not UTF-8 text (byte 0xff at offset 0)"),
    ):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "codegen_assets.cli.generate",
                "-",
                "--output-dir",
                str(tmp_path / "o"),
            ],
            input=data,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "NODEGEN_HOME": str(tmp_path / "h"), "COLUMNS": "300"},
        )
        assert run.returncode == 3, run.stderr
        assert expected in run.stderr.decode()
        assert b"Traceback" not in run.stderr


def test_huge_numbers_are_invalid_prompts_not_crashes() -> None:
    with pytest.raises(PromptError, match=r"p95 latency \(ms\) 999999999999… \(400 digits\)"):
        parse_prompt("Effect node that stores rows. p95 latency < " + "9" * 400 + " ms")
    with pytest.raises(PromptError, match="success rate"):
        parse_prompt("Effect node that stores rows. Success rate: > 250%")


def test_prompt_errors_are_answered_on_the_issue(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    post(client, comment_payload("/generate-node effect node, p99 latency < " + "9" * 50 + " ms"))
    settled(svc, 1)
    (reply,) = [c["body"] for c in github_env.repos[REPO].comments.values()]
    assert reply.startswith("@alice I cannot generate a node from this request: p99 latency")
    assert "runs.pending" not in svc.queue.counts()


def test_form_encoded_payload_is_decoded() -> None:
    assert decode_payload(b"payload=%7B%22a%22%3A1%7D") == {"a": 1}
    with pytest.raises(ValueError, match="not JSON"):
        decode_payload(b"payload=nope")


_HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=30
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


@st.composite
def _bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "comment", "mangled"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "json":
        return json.dumps(draw(_JSON)).encode()
    payload = comment_payload(draw(st.text(max_size=80)), issue=draw(st.integers(1, 10**6)))
    if kind == "mangled":
        key = draw(st.sampled_from(sorted(payload)))
        payload[key] = draw(_JSON)
    return json.dumps(payload).encode()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    deliveries=st.lists(
        st.tuples(
            _bodies(),
            st.sampled_from(["issue_comment", "check_run", "ping", "push"]) | _HEADER_TEXT,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_fuzzed_deliveries_never_stop_the_worker(
    service: tuple[TestClient, WebhookService],
    deliveries: list[tuple[bytes, str]],
) -> None:
    client, svc = service
    for body, event in deliveries:
        payload, headers = signed(body, event)
        assert client.post("/webhook", content=payload, headers=headers).status_code == 202
    valid = post(client, comment_payload("/generate-node help", issue=999_999_999))
    wait_for(lambda: notes(svc).get(valid) == "done: help", 30, "the valid delivery")
    assert svc._threads["triage"].is_alive()
    assert all(not n.startswith("new") for n in notes(svc).values())
