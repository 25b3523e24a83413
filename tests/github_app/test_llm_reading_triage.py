"""Bot mode with a model configured: the App reads a request with it before deciding to run or
to answer with a draft spec, so a request only the model can read starts a run, and a reading
it refuses leaves the rules' draft, saying why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from codegen_assets.core.settings import NodegenSettings
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, comment_payload, signed, wait_for
from github_app.server import WebhookService
from github_app.settings import AppSettings
from tests.support.fake_llm import FakeLLM, answer, serving
from tests.support.llm_reading import FIELDS, RECORD, record_spec


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    fake = FakeLLM()
    with serving(fake) as url:
        monkeypatch.setenv("NODEGEN_LLM_MODE", "on")
        monkeypatch.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("NODEGEN_LLM_MODEL", "fake-reader")
        yield fake


def triage(github_env: FakeGitHub, tmp_path: Path, comment: str) -> WebhookService:
    svc = WebhookService(NodegenSettings(home=tmp_path / "home"), AppSettings())
    with TestClient(svc.app) as client:
        body, headers = signed(comment_payload(comment), "issue_comment")
        assert client.post("/webhook", content=body, headers=headers).status_code == 202
        wait_for(lambda: svc.queue.counts().get("deliveries.done", 0) >= 1, 30, "triage")
    return svc


def test_llm_request_only_the_model_reads_starts_a_run(
    github_env: FakeGitHub, fake_model: FakeLLM, tmp_path: Path
) -> None:
    fake_model.script = [answer(json.dumps(record_spec()))]
    svc = triage(github_env, tmp_path, f"/generate-node {RECORD}")
    assert svc.queue.counts()["runs.pending"] == 1
    assert not github_env.repos[REPO].comments  # no draft: it was understood
    assert len(fake_model.requests) == 1
    assert fake_model.requests[0].body["model"] == "fake-reader"


def test_llm_refused_reading_leaves_the_rules_draft_saying_why(
    github_env: FakeGitHub, fake_model: FakeLLM, tmp_path: Path
) -> None:
    invented = [*FIELDS, {"name": "insurance_value", "type": "decimal"}]
    fake_model.script = [answer(json.dumps(record_spec(invented)))]
    svc = triage(github_env, tmp_path, f"/generate-node {RECORD}")
    assert "runs.pending" not in svc.queue.counts()
    (reply,) = [c["body"] for c in github_env.repos[REPO].comments.values()]
    said = "| read by | the rules (openai fake-reader was not used: it names what the prompt "
    assert said in reply
    assert "'insurance_value'" in reply and "# Read by the rules" in reply


def test_llm_a_repository_turns_reading_off(
    github_env: FakeGitHub, fake_model: FakeLLM, tmp_path: Path
) -> None:
    github_env.push(REPO, "main", {".github/nodegen.yml": "llm:\n  mode: off\n"}, "alice")
    fake_model.script = [answer(json.dumps(record_spec()))]
    svc = triage(github_env, tmp_path, f"/generate-node {RECORD}")
    assert fake_model.requests == []  # the model is on for the App, off for this repository
    assert "runs.pending" not in svc.queue.counts()  # the rules could not read it: a draft
