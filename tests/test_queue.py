"""The durable request queue on SQLite and on PostgreSQL: idempotent, claimed exactly once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from github_app.queue import RequestQueue


@pytest.fixture(params=["sqlite", "postgresql"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> RequestQueue:
    if request.param == "sqlite":
        return RequestQueue(tmp_path / "queue.sqlite3")
    return RequestQueue(request.getfixturevalue("postgres_db"))


def test_deliveries_are_idempotent_and_triaged_in_order(queue: RequestQueue) -> None:
    assert queue.record("d1", "issue_comment", b"one")
    assert not queue.record("d1", "issue_comment", b"again")
    assert queue.record("d2", "issue_comment", b"two")
    assert [(d.delivery_id, d.body) for d in queue.new_deliveries()] == [
        ("d1", b"one"),
        ("d2", b"two"),
    ]
    queue.finish_delivery("d1", "queued r1")
    assert [d.delivery_id for d in queue.new_deliveries()] == ["d2"]
    assert queue.counts() == {"deliveries.new": 1, "deliveries.done": 1}


def test_each_run_is_claimed_exactly_once_by_concurrent_launchers(queue: RequestQueue) -> None:
    for i in range(40):
        queue.enqueue_run(f"r{i}", f"d{i}")
    queue.enqueue_run("r0", "d0")  # a duplicate enqueue is ignored
    claimed: list[str] = []
    lock = threading.Lock()

    def launcher() -> None:
        while ids := queue.claim_runs(3):
            with lock:
                claimed.extend(ids)

    threads = [threading.Thread(target=launcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(f"r{i}" for i in range(40))
    assert queue.counts()["runs.claimed"] == 40
    assert queue.release_claims() == 40
    assert [rid for _, rid in queue.runs_after(0, 5)] == ["r0", "r1", "r2", "r3", "r4"]
    position = queue.runs_after(0, 5)[-1][0]
    assert queue.runs_after(position, 1)[0][1] == "r5"


def test_retry_finds_the_latest_request_of_a_thread(queue: RequestQueue) -> None:
    assert queue.last_request("o/r", 7) is None
    queue.remember("o/r", 7, "first")
    queue.remember("o/r", 7, "second")
    queue.remember("o/r", 8, "other")
    assert queue.last_request("o/r", 7) == "second"
