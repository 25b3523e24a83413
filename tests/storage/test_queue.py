"""The durable request queue on SQLite and on PostgreSQL: idempotent, claimed exactly once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from codegen_assets.storage.queue import Backoff, RequestQueue


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


def test_failures_back_off_dead_letter_and_redrive(queue: RequestQueue) -> None:
    queue.backoff = Backoff(max_attempts=3, base_seconds=60.0)
    queue.record("d1", "issue_comment", b"{}")
    queue.record("d2", "issue_comment", b"{}")
    assert queue.retry_later("deliveries", "d1", "GitHub answered 502")
    assert [d.delivery_id for d in queue.new_deliveries()] == ["d2"]  # d1 waits its backoff
    assert queue.retry_later("deliveries", "d1", "GitHub answered 502")
    assert not queue.retry_later("deliveries", "d1", "GitHub answered 503")
    queue.enqueue_run("r1", "d2")
    queue.claim_runs(1)
    queue.dead_letter("runs", "r1", "permanent: GitHub answered 404")
    assert [(d.kind, d.key, d.attempts, d.reason) for d in queue.dead_letters()] == [
        ("deliveries", "d1", 3, "gave up after 3 attempts: GitHub answered 503"),
        ("runs", "r1", 1, "permanent: GitHub answered 404"),
    ]
    assert queue.redrive(["r1"]) == ["r1"]
    assert queue.claim_runs(1) == ["r1"]
    assert queue.redrive() == ["d1"]
    assert [d.delivery_id for d in queue.new_deliveries()] == ["d1", "d2"]


def test_a_queue_from_an_earlier_version_gains_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE nodegen_deliveries (delivery_id VARCHAR PRIMARY KEY, event VARCHAR "
            "NOT NULL, body BLOB NOT NULL, received_at FLOAT NOT NULL, status VARCHAR NOT NULL "
            "DEFAULT 'new', note VARCHAR NOT NULL DEFAULT '')"
        )
        db.execute("INSERT INTO nodegen_deliveries VALUES ('old', 'ping', x'7b7d', 1.0, 'new', '')")
    queue = RequestQueue(path)
    assert [d.delivery_id for d in queue.new_deliveries()] == ["old"]
    assert queue.retry_later("deliveries", "old", "ConnectionError")
