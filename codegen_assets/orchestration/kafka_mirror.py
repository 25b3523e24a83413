"""Kafka mirroring of generation runs: Dagster's event log → durable outbox → aiokafka, in order.

Events come from Dagster's own event log (run start, each stage's asset materialization, asset
check evaluations, run success or failure), so a rerun launched from the UI is mirrored too. Each
becomes an ``OnexEnvelopeV1`` whose id is derived from the run and the event's storage id: writing
the same event twice is a no-op, and consumers can dedupe by envelope id. The outbox (in the
configured database) is written first; a publisher drains it in sequence order and stops at the
first failure, so when Kafka is down generation still succeeds, the outbox grows, and everything is
published in order once Kafka is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from dagster import AssetCheckEvaluation, DagsterEventType, DagsterInstance

from codegen_assets.core.envelope import OnexEnvelopeV1
from codegen_assets.core.pipeline import STAGES
from codegen_assets.storage.outbox import Outbox

# How often a running generation's new events are captured and published. Each poll reads the
# event log while the validators compete for the same two cores; once a second keeps mirroring
# cheap, and the final flush happens at once when the run ends.
POLL_SECONDS = 1.0
ENVELOPE_NAMESPACE = uuid.UUID("5b0f6c1e-8a4e-4f0b-9d7e-2f6a1c3b9e10")
KINDS = ("started", "stage-completed", "completed", "failed")
EVENT_TYPES = {
    "started": "NODE_GENERATION_STARTED",
    "stage-completed": "NODE_GENERATION_STAGE_COMPLETED",
    "completed": "NODE_GENERATION_COMPLETED",
    "failed": "NODE_GENERATION_FAILED",
}
_WATCHED = {
    DagsterEventType.RUN_START,
    DagsterEventType.ASSET_MATERIALIZATION,
    DagsterEventType.RUN_SUCCESS,
    DagsterEventType.RUN_FAILURE,
}


def topic(env: str, kind: str) -> str:
    """``{env}.omninode-bridge.codegen.{kind}.v1``."""
    return f"{env}.omninode-bridge.codegen.{kind}.v1"


# A stage's metadata the events carry: its time, the node, and what a model did (usage).
MIRRORED_METADATA = ("duration_seconds", "quality_score", "node_name", "files", "model_usage")


def _scalar(value: Any) -> Any:
    raw = getattr(value, "value", value)
    plain = isinstance(raw, str | int | float | bool | list | dict | type(None))
    return raw if plain else str(raw)


def capture_run(instance: DagsterInstance, run_id: str, outbox: Outbox, env: str) -> int:
    """Write envelopes for ``run_id``'s new events to the outbox; returns how many were added."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        return 0
    workflow_id = run.tags.get("dagster/partition", run_id)
    correlation_id = run.tags.get("nodegen/correlation_id", workflow_id)
    after = outbox.cursor(run_id)
    records = [
        r
        for r in instance.get_records_for_run(run_id, cursor=None, of_type=_WATCHED).records
        if r.storage_id > after
    ]
    added = 0
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is None:
            continue
        mapped = _map(event, run_id)
        if mapped is None:
            continue
        kind, payload = mapped
        if kind in ("completed", "failed"):
            payload["checks"] = _checks(instance, run_id)
        envelope = OnexEnvelopeV1(
            envelope_id=str(uuid.uuid5(ENVELOPE_NAMESPACE, f"{run_id}/{record.storage_id}")),
            event_type=EVENT_TYPES[kind],
            timestamp=datetime.fromtimestamp(record.event_log_entry.timestamp, UTC).isoformat(),
            correlation_id=correlation_id,
            workflow_id=workflow_id,
            # Events go to four topics, so consumers order a workflow's events by this sequence
            # (Dagster's storage id: increasing within an instance).
            payload={
                "run_id": run_id,
                "job": run.job_name,
                "sequence": record.storage_id,
                **payload,
            },
        )
        outbox.add(topic(env, kind), envelope)
        added += 1
    if records:
        outbox.set_cursor(run_id, records[-1].storage_id)
    return added


def _checks(instance: DagsterInstance, run_id: str) -> list[dict[str, Any]]:
    """The run's asset check results (Dagster's check evaluations)."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    results = []
    for record in records:
        event = record.event_log_entry.dagster_event
        data = event.event_specific_data if event is not None else None
        if isinstance(data, AssetCheckEvaluation):
            results.append(
                {"asset": data.asset_key.path[-1], "check": data.check_name, "passed": data.passed}
            )
    return results


def _map(event: Any, run_id: str) -> tuple[str, dict[str, Any]] | None:
    kind = event.event_type
    if kind is DagsterEventType.RUN_START:
        return "started", {}
    if kind is DagsterEventType.RUN_SUCCESS:
        return "completed", {}
    if kind is DagsterEventType.RUN_FAILURE:
        return "failed", {"message": event.message or ""}
    if kind is DagsterEventType.ASSET_MATERIALIZATION:
        materialization = event.event_specific_data.materialization
        stage = materialization.asset_key.path[-1]
        if stage not in STAGES:
            return None
        metadata = {
            k: _scalar(v) for k, v in materialization.metadata.items() if k in MIRRORED_METADATA
        }
        return "stage-completed", {
            "stage": stage,
            "stage_index": STAGES.index(stage) + 1,
            "stage_count": len(STAGES),
            "metadata": metadata,
        }
    return None


async def _ensure_topics(bootstrap: str, env: str, timeout: float) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    await asyncio.wait_for(admin.start(), timeout)
    try:
        existing = set(await admin.list_topics())
        missing = [topic(env, k) for k in KINDS if topic(env, k) not in existing]
        with contextlib.suppress(TopicAlreadyExistsError):
            if missing:
                await admin.create_topics(
                    [NewTopic(t, num_partitions=1, replication_factor=1) for t in missing]
                )
    finally:
        await admin.close()


class OutboxPublisher:
    """Drains an outbox to Kafka in sequence order with one idempotent producer."""

    def __init__(self, outbox: Outbox, bootstrap: str, env: str, timeout: float = 5.0) -> None:
        self.outbox = outbox
        self.bootstrap = bootstrap
        self.env = env
        self.timeout = timeout
        self.published = 0
        self.error: str | None = None
        self._producer: AIOKafkaProducer | None = None

    async def _connect(self) -> AIOKafkaProducer:
        if self._producer is None:
            await _ensure_topics(self.bootstrap, self.env, self.timeout)
            # acks=all and one message in flight (send_and_wait) keep order without the
            # idempotent producer, which not every Kafka-protocol broker implements.
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap,
                acks="all",
                request_timeout_ms=int(self.timeout * 1000),
            )
            try:
                await asyncio.wait_for(producer.start(), self.timeout)
            except BaseException:
                with contextlib.suppress(KafkaError, OSError, TimeoutError):
                    await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def drain(self) -> bool:
        """Publish what is pending; False (and ``error`` set) when Kafka failed."""
        try:
            while rows := self.outbox.pending():
                producer = await self._connect()
                # Queue the batch, then confirm in order: aiokafka sends one batch per partition
                # at a time, so order within a topic holds, and a row counts as published only
                # once Kafka acknowledged it and every row before it.
                sent = [
                    (seq, await producer.send(topic_name, value.encode(), key=key.encode()))
                    for seq, topic_name, key, value in rows
                ]
                for seq, ack in sent:
                    await asyncio.wait_for(ack, self.timeout)
                    self.outbox.mark_published([seq])
                    self.published += 1
        except (KafkaError, OSError, TimeoutError) as exc:
            self.error = f"{type(exc).__name__}: {exc}".strip()
            await self.close()
            return False
        self.error = None
        return True

    async def close(self) -> None:
        """Stop the producer (a later drain reconnects)."""
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(KafkaError, OSError, TimeoutError):
                await asyncio.wait_for(producer.stop(), self.timeout)


def drain(outbox: Outbox, bootstrap: str, env: str, timeout: float = 5.0) -> OutboxPublisher:
    """Publish everything pending once; the returned publisher says how many and any error."""
    publisher = OutboxPublisher(outbox, bootstrap, env, timeout)

    async def run() -> None:
        await publisher.drain()
        await publisher.close()

    asyncio.run(run())
    return publisher


class RunMirror:
    """Mirrors one run while it executes: capture new events, publish, repeat; flush at the end."""

    def __init__(
        self,
        instance: DagsterInstance,
        outbox: Outbox,
        bootstrap: str,
        env: str,
        flush_seconds: float = 3.0,
    ) -> None:
        self.instance = instance
        self.outbox = outbox
        self.publisher = OutboxPublisher(outbox, bootstrap, env, timeout=min(flush_seconds, 5.0))
        self.env = env
        self.flush_seconds = flush_seconds
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, run_id: str) -> None:
        """Begin mirroring ``run_id`` in a background thread."""
        self._thread = threading.Thread(target=asyncio.run, args=(self._loop(run_id),), daemon=True)
        self._thread.start()

    def finish(self) -> None:
        """Capture the last events and try to publish them, for at most ``flush_seconds``."""
        self._done.set()
        if self._thread is not None:
            self._thread.join(self.flush_seconds + 10)

    async def _loop(self, run_id: str) -> None:
        deadline: float | None = None
        while True:
            if self._done.is_set() and deadline is None:
                deadline = time.monotonic() + self.flush_seconds
            capture_run(self.instance, run_id, self.outbox, self.env)
            ok = await self.publisher.drain()
            if deadline is not None and (ok or time.monotonic() > deadline):
                break
            # Wakes at once when the run ends, so the final flush does not wait out a poll.
            await asyncio.to_thread(self._done.wait, POLL_SECONDS if ok else 2 * POLL_SECONDS)
        await self.publisher.close()
