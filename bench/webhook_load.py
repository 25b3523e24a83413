"""Load test of the webhook endpoint (loopback only, bounded): latency and nothing lost.

Run: ``python -m bench.webhook_load [--deliveries 200] [--concurrency 50]``. Sends signed
``issue_comment`` deliveries to the served app (uvicorn), plus a redelivery of every tenth, then
checks the durable queue holds each delivery exactly once. Triage and launching are off, so this
measures what GitHub waits for: verify, bound, store, answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.storage.queue import RequestQueue
from github_app.demo.local import SECRET, comment_payload, serve_process, signed


async def fire(
    url: str, deliveries: int, concurrency: int
) -> tuple[list[float], list[int], list[float]]:
    """Send the deliveries; returns client latencies, statuses and server-side handler times."""
    payloads = [
        signed(
            comment_payload(f"/generate-node node {i} with ping operations", issue=i % 90 + 1),
            "issue_comment",
            f"load-{i}",
        )
        for i in range(deliveries)
    ]
    payloads += [payloads[i] for i in range(WARMUP, deliveries, 10)]  # redeliveries
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: list[int] = []
    server_ms: list[float] = []
    # aiohttp, not httpx: httpx's client overhead on these 2 cores swamped what it measured.
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as client:
        for body, headers in payloads[:WARMUP]:  # a served app is warm
            async with client.post(f"{url}/webhook", data=body, headers=headers) as response:
                await response.read()

        async def one(body: bytes, headers: dict[str, str]) -> None:
            async with gate:
                started = time.perf_counter()
                async with client.post(f"{url}/webhook", data=body, headers=headers) as response:
                    await response.read()
                latencies.append(time.perf_counter() - started)
                statuses.append(response.status)
                server_ms.append(float(response.headers["server-timing"].split("dur=")[1]))

        await asyncio.gather(*(one(b, h) for b, h in payloads[WARMUP:]))
    return latencies, statuses, server_ms


WARMUP = 5


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with logs_to_file("webhook_load"), tempfile.TemporaryDirectory(prefix="nodegen-load-") as home:
        env = {**os.environ, "NODEGEN_HOME": home, "NODEGEN_GITHUB_WEBHOOK_SECRET": SECRET}
        with serve_process(env, "--launcher", "off", "--no-triage") as url:
            latencies, statuses, server_ms = asyncio.run(
                fire(url, args.deliveries, args.concurrency)
            )
        counts = RequestQueue(NodegenSettings(home=Path(home)).queue_db).counts()
    stored = counts.get("deliveries.new", 0) + counts.get("deliveries.done", 0)
    table = Table(
        title=f"{len(latencies)} POST /webhook at concurrency {args.concurrency} "
        f"(after {WARMUP} warm-up deliveries, counted in 'stored')"
    )
    for column in (
        "p50 ms",
        "p99 ms",
        "max ms",
        "handler p99 ms",
        "202 queued",
        "200 duplicate",
        "stored",
        "lost",
        "duplicated",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{statistics.median(latencies) * 1000:.1f}",
        f"{percentile(latencies, 99) * 1000:.1f}",
        f"{max(latencies) * 1000:.1f}",
        f"{percentile(server_ms, 99):.1f}",
        str(statuses.count(202) + WARMUP),
        str(statuses.count(200)),
        str(stored),
        str(args.deliveries - min(stored, args.deliveries)),
        str(max(0, stored - args.deliveries)),
    )
    console = Console()
    heading(console, "webhook_load")
    console.print(table)


if __name__ == "__main__":
    main()
