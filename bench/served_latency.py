"""Served-mode latency: signed comment received → pull request opened on the fake GitHub.

Run: ``python -m bench.served_latency [--requests 5] [--gap 15]``. The webhook server runs in its
own process with the embedded launcher (the warm worker); the fake GitHub runs here, loopback only,
with GitHub's write pacing on (a token bucket: a burst of 20 writes, then one a second). Requests
come one at a time, ``--gap`` seconds apart (a request makes 11 to 13 writes, so the budget is
full again), then back to back, where the pacing holds the sustained rate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from functools import partial

import httpx
from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import (
    REPO,
    SECRET,
    comment_payload,
    private_key_pem,
    serve,
    serve_process,
    signed,
    wait_for,
)


def _has_pr(fake: FakeGitHub, issue: int) -> bool:
    return any(f"#{issue} " in p["body"] for p in fake.repos[REPO].pulls.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--gap", type=float, default=15.0)
    args = parser.parse_args()
    fake = FakeGitHub()
    fake.add_repo(REPO)
    fake.repos[REPO].permissions["alice"] = "admin"
    timings: dict[str, list[float]] = {"spaced": [], "back to back": []}
    with (
        logs_to_file("served_latency"),
        tempfile.TemporaryDirectory(prefix="nodegen-served-") as home,
        serve(fake.app) as api,
    ):
        env = {
            **os.environ,
            "NODEGEN_HOME": home,
            "NODEGEN_GITHUB_API_URL": api,
            "NODEGEN_GITHUB_APP_ID": "1",
            "NODEGEN_GITHUB_PRIVATE_KEY": private_key_pem(),
            "NODEGEN_GITHUB_WEBHOOK_SECRET": SECRET,
        }
        with serve_process(env) as url:
            issue = 10
            for mode, gap in (("spaced", args.gap), ("back to back", 0.0)):
                # the first spaced request warms the worker's caches; not counted
                count = args.requests + (mode == "spaced")
                for i in range(count):
                    time.sleep(gap)
                    issue += 1
                    seconds = _one_request(fake, url, issue)
                    if mode != "spaced" or i:
                        timings[mode].append(seconds)
    table = Table(title=f"comment → PR opened, {args.requests} requests each way (seconds)")
    for column in ("requests", "p50", "min", "max"):
        table.add_column(column, justify="right" if column != "requests" else "left")
    for mode, values in timings.items():
        label = f"{mode} ({args.gap:g} s apart)" if mode == "spaced" else mode
        table.add_row(
            label,
            f"{statistics.median(values):.2f}",
            f"{min(values):.2f}",
            f"{max(values):.2f}",
        )
    console = Console()
    heading(console, "served_latency")
    console.print(table)
    console.print(f"OpenAPI violations: {len(fake.violations)}")


def _one_request(fake: FakeGitHub, url: str, issue: int) -> float:
    """Seconds from a signed ``/generate-node`` comment on ``issue`` to its pull request."""
    prompt = (
        f"/generate-node --type compute Calculate a checksum for batch {issue} "
        "with verify operations"
    )
    body, headers = signed(comment_payload(prompt, issue=issue), "issue_comment")
    started = time.perf_counter()
    httpx.post(f"{url}/webhook", content=body, headers=headers).raise_for_status()
    wait_for(partial(_has_pr, fake, issue), 300, f"the pull request for #{issue}")
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
