"""The GitHub client's write pacing: a token bucket, not a pause per write."""

from __future__ import annotations

import pytest

from github_app.client import WritePacer


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
