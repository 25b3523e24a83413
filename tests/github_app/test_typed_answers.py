"""The App reads GitHub's answers as githubkit's typed models: an answer off its schema fails
at the read, naming the request and the fields (never a KeyError further in), and quoting no
value from the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from githubkit.exception import GitHubException
from starlette.testclient import TestClient

from codegen_assets.core.settings import NodegenSettings
from github_app.client import UnexpectedAnswerError, installation_client, parsed
from github_app.demo import answers
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, comment_payload, signed, wait_for
from github_app.failures import is_transient, public_reason
from github_app.server import WebhookService
from github_app.settings import AppSettings

CANARY = "canary-value-7f3e"  # in the odd answer; must not reach any message


def test_an_answer_off_its_schema_names_the_request_and_the_field(github_env: FakeGitHub) -> None:
    owner, name = REPO.split("/")
    odd = answers.repository(owner, name, "main") | {"description": CANARY}
    del odd["default_branch"]
    github_env.inject("GET", f"/repos/{REPO}", 200, body=odd)
    gh = installation_client(AppSettings(), 42)

    with pytest.raises(UnexpectedAnswerError) as caught:
        parsed(gh.rest.repos.get(owner, name))

    assert str(caught.value) == (
        f"GitHub's answer to GET /repos/{REPO} (200) is not a FullRepository: "
        "default_branch: Field required"
    )
    assert isinstance(caught.value, GitHubException)  # the App's GitHub failure paths take it
    assert not is_transient(caught.value)  # asking again gets the same answer
    shown = public_reason(caught.value)  # may be posted: it names fields and quotes nothing
    assert shown == f"UnexpectedAnswerError: {caught.value}"
    assert parsed(gh.rest.repos.get(owner, name)).default_branch == "main"  # the next is fine


def test_an_answer_that_is_not_json_or_far_off_is_summed_up(github_env: FakeGitHub) -> None:
    github_env.inject("GET", "/pulls/7", 200, body={"message": CANARY})
    gh = installation_client(AppSettings(), 42)
    owner, name = REPO.split("/")

    with pytest.raises(UnexpectedAnswerError) as caught:
        parsed(gh.rest.pulls.get(owner, name, 7))

    message = str(caught.value)
    assert message.startswith(
        f"GitHub's answer to GET /repos/{REPO}/pulls/7 (200) is not a PullRequest: "
        "url: Field required; id: Field required; node_id: Field required; and "
    )
    assert message.endswith(" more") and CANARY not in message


@pytest.fixture
def service(
    github_env: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, WebhookService]]:
    monkeypatch.setenv("NODEGEN_GITHUB_MAX_RETRIES", "0")
    svc = WebhookService(NodegenSettings(home=tmp_path / "home"), AppSettings())
    with TestClient(svc.app) as client:
        yield client, svc


def test_a_comment_whose_pull_request_reads_off_schema_is_dead_lettered_by_name(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    """Before typed reads this was ``KeyError: 'head'`` from deep in triage."""
    client, svc = service
    owner, name = REPO.split("/")
    pull = answers.pull_request(
        owner,
        name,
        {"number": 7, "title": CANARY, "html_url": "https://github.com/o/r/pull/7"}
        | {"head": {"ref": "x", "sha": "0" * 40}, "base": {"ref": "main"}},
        labels=[],
        reviewers=[],
    )
    del pull["head"]
    github_env.inject("GET", "/pulls/7", 200, body=pull)
    body, headers = signed(
        comment_payload("/generate-node compute node that doubles", pull_request=True),
        "issue_comment",
    )
    assert client.post("/webhook", content=body, headers=headers).status_code == 202
    wait_for(lambda: svc.queue.counts().get("deliveries.dead", 0) == 1, 30, "the dead letter")

    (letter,) = svc.queue.dead_letters()
    assert letter.reason == (
        f"permanent: UnexpectedAnswerError: GitHub's answer to GET /repos/{REPO}/pulls/7 (200) "
        "is not a PullRequest: head: Field required"
    )
    assert svc.queue.counts().get("runs.pending", 0) == 0  # nothing was queued on a guess


def test_the_fake_records_an_answer_github_would_not_give(github_env: FakeGitHub) -> None:
    """The fake checks its own answers against GitHub's description, as it checks requests."""
    repo = github_env.repos[REPO]
    head = {"ref": "feature", "sha": repo.refs["main"]}
    repo.pulls[100] = {"number": 100, "state": "open", "title": None, "head": head}
    repo.pulls[100] |= {"base": {"ref": "main"}, "html_url": f"https://github.com/{REPO}/pull/100"}
    gh = installation_client(AppSettings(), 42)

    with pytest.raises(UnexpectedAnswerError, match=r"0\.title: Input should be a valid string"):
        parsed(gh.rest.pulls.list(*REPO.split("/"), state="open"))

    (found,) = github_env.violations
    assert found == (
        f"answer to GET /repos/{REPO}/pulls: "
        "0.title: None for not nullable; 0.title: None is not of type 'string'"
    )
    github_env.violations.clear()  # seen; the fixture fails any test that leaves one
