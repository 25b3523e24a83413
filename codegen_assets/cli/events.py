"""``omninode-events``: follow generation events on Kafka, or flush the local outbox.

``tail`` checks first that the broker answers (failing in under 5 s with a clear message when it
does not — never a silent 120 s wait), then prints each workflow's stages as they arrive; with
``--workflow`` it exits when that workflow completes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from codegen_assets.core.envelope import OnexEnvelopeV1
from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.kafka_mirror import KINDS, drain, topic
from codegen_assets.storage.outbox import Outbox

PREFLIGHT_SECONDS = 4.0
STAGE_COUNT = len(STAGES)
EXIT_OK, EXIT_FAILED, EXIT_UNREACHABLE, EXIT_TIMEOUT = 0, 1, 2, 4


class BrokerUnreachableError(RuntimeError):
    """The pre-flight check failed."""


async def preflight(bootstrap: str) -> None:
    """Ask the broker for its topics, within ``PREFLIGHT_SECONDS``."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=int(PREFLIGHT_SECONDS * 1000)
    )
    try:
        await asyncio.wait_for(admin.start(), PREFLIGHT_SECONDS)
        await asyncio.wait_for(admin.list_topics(), PREFLIGHT_SECONDS)
    except (KafkaError, OSError, TimeoutError) as exc:
        raise BrokerUnreachableError(
            f"Kafka at {bootstrap} is unreachable ({type(exc).__name__}); check "
            "NODEGEN_KAFKA_BOOTSTRAP_SERVERS and that the broker is running"
        ) from exc
    finally:
        with contextlib.suppress(KafkaError, OSError, TimeoutError):
            await asyncio.wait_for(admin.close(), 2)


def describe(envelope: OnexEnvelopeV1) -> str:
    """One line per event."""
    payload = envelope.payload
    if envelope.event_type == "NODE_GENERATION_STAGE_COMPLETED":
        seconds = payload.get("metadata", {}).get("duration_seconds")
        timing = f" ({seconds:.2f} s)" if isinstance(seconds, float) else ""
        what = f"stage {payload['stage_index']}/{payload['stage_count']} {payload['stage']}{timing}"
    elif envelope.event_type == "NODE_GENERATION_FAILED":
        what = f"failed: {payload.get('message', '')}"
    else:
        what = envelope.event_type.removeprefix("NODE_GENERATION_").lower()
    return f"{envelope.workflow_id} {what}"


async def tail(
    bootstrap: str, env: str, workflow: str | None, from_beginning: bool, timeout: float | None
) -> int:
    """Print events; with ``workflow``, return when it completes (0) or fails (1)."""
    await preflight(bootstrap)
    consumer = AIOKafkaConsumer(
        *(topic(env, k) for k in KINDS),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen: set[str] = set()
    stages: set[int] = set()
    started = False
    ended: str | None = None
    try:
        async with asyncio.timeout(timeout):
            async for message in consumer:
                envelope = OnexEnvelopeV1.model_validate_json(message.value or b"{}")
                if envelope.envelope_id in seen or (workflow and envelope.workflow_id != workflow):
                    continue
                seen.add(envelope.envelope_id)
                print(describe(envelope), flush=True)
                if "stage_index" in envelope.payload:
                    stages.add(int(envelope.payload["stage_index"]))
                if envelope.event_type == "NODE_GENERATION_STARTED":
                    started = True
                if envelope.event_type in ("NODE_GENERATION_COMPLETED", "NODE_GENERATION_FAILED"):
                    ended = envelope.event_type
                # Each kind travels on its own topic: stop once the whole lifecycle is in.
                if workflow and ended == "NODE_GENERATION_FAILED":
                    return EXIT_FAILED
                if workflow and ended and started and len(stages) == STAGE_COUNT:
                    return EXIT_OK
    except TimeoutError:
        print(f"no completion within {timeout:g} s", file=sys.stderr)
        return EXIT_TIMEOUT
    finally:
        await consumer.stop()
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``omninode-events``."""
    settings = NodegenSettings()
    parser = argparse.ArgumentParser(prog="omninode-events", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bootstrap",
        default=settings.kafka_bootstrap_servers,
        help="Kafka bootstrap servers (default: NODEGEN_KAFKA_BOOTSTRAP_SERVERS)",
    )
    parser.add_argument("--env", default=settings.kafka_env, help="topic prefix (default: dev)")
    sub = parser.add_subparsers(dest="command", required=True)
    tail_parser = sub.add_parser("tail", help="follow generation events")
    tail_parser.add_argument("--workflow", help="only this workflow; exit when it ends")
    tail_parser.add_argument("--from-beginning", action="store_true")
    tail_parser.add_argument("--timeout", type=float, help="give up after this many seconds")
    sub.add_parser("flush", help="publish what the local outbox holds")
    args = parser.parse_args(argv)
    if not args.bootstrap:
        print(
            "error: no Kafka configured: set NODEGEN_KAFKA_BOOTSTRAP_SERVERS or --bootstrap",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    if args.command == "flush":
        publisher = drain(Outbox(settings.outbox_db), args.bootstrap, args.env)
        print(
            f"published {publisher.published}; "
            f"{Outbox(settings.outbox_db).depth()} still pending"
            + (f" ({publisher.error})" if publisher.error else "")
        )
        return EXIT_OK if publisher.error is None else EXIT_UNREACHABLE
    try:
        return asyncio.run(
            tail(args.bootstrap, args.env, args.workflow, args.from_beginning, args.timeout)
        )
    except BrokerUnreachableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE


if __name__ == "__main__":
    sys.exit(main())
