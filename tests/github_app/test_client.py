"""The GitHub client's write pacing: a token bucket, not a pause per write; progress ticks give
way to the pull request's writes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from codegen_assets.core.models import GitHubTarget
from github_app.client import WritePacer
from github_app.progress import CheckRunProgress


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("github_app.client.time.monotonic", fake)
    return fake


def test_a_burst_of_writes_goes_at_once_then_the_sustained_rate(clock: Clock) -> None:
    pacer = WritePacer(write_interval=1.0, burst=3)
    assert [pacer.wait_for("POST") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.wait_for("PATCH") == pytest.approx(1.0)
    assert pacer.wait_for("PUT") == pytest.approx(2.0)  # queued behind the previous write


def test_reads_never_wait_and_tokens_come_back_with_time(clock: Clock) -> None:
    pacer = WritePacer(write_interval=1.0, burst=2)
    pacer.wait_for("POST")
    pacer.wait_for("POST")
    assert pacer.wait_for("GET") == 0.0
    clock.now += 1.5  # one and a half tokens back
    assert pacer.wait_for("POST") == 0.0
    assert pacer.wait_for("POST") == pytest.approx(0.5)


def test_at_most_burst_plus_one_per_interval_in_any_minute(clock: Clock) -> None:
    pacer = WritePacer(write_interval=1.0, burst=20)
    sent = []
    for _ in range(200):
        clock.now += pacer.wait_for("POST")
        sent.append(clock.now)
    start = sent[0]
    assert sum(1 for t in sent if t < start + 60) <= 80


def test_no_interval_means_no_pacing(clock: Clock) -> None:
    pacer = WritePacer(write_interval=0.0, burst=1)
    assert [pacer.wait_for("POST") for _ in range(5)] == [0.0] * 5


class _Checks:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    def update(self, owner: str, repo: str, check_run_id: int, data: dict[str, Any]) -> None:
        self.updates.append(data)


def test_a_progress_tick_is_skipped_when_the_write_budget_is_spent_and_the_end_is_not(
    clock: Clock,
) -> None:
    pacer = WritePacer(write_interval=1.0, burst=2)
    checks = _Checks()
    gh = SimpleNamespace(
        config=SimpleNamespace(throttler=pacer), rest=SimpleNamespace(checks=checks)
    )
    target = GitHubTarget(
        repository="octo-org/hello",
        installation_id=1,
        issue_number=7,
        comment_id=3,
        requester="alice",
        head_sha="0" * 40,
        check_run_id=9,
    )
    progress = CheckRunProgress(cast(Any, gh), target)
    assert pacer.ready()
    progress.stages_done(["parsed_prompt"])
    assert len(checks.updates) == 1
    pacer.wait_for("POST")  # the pull request's writes take the rest of the budget
    pacer.wait_for("POST")
    assert not pacer.ready()
    progress.stages_done(["parsed_prompt", "intelligence"])  # would wait: skipped
    assert len(checks.updates) == 1
    progress.finish(["parsed_prompt", "intelligence"], True, None)  # the conclusion always goes
    assert [u["status"] for u in checks.updates] == ["in_progress", "completed"]
    clock.now += 1.0
    assert pacer.ready()
