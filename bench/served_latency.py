"""Served-mode latency: signed comment received → pull request opened on the fake GitHub.

Run: ``python -m bench.served_latency [--requests 5]``. The webhook server runs in its own process
with the embedded launcher (the warm worker); the fake GitHub runs here, loopback only, with
GitHub's write pacing (one content-creating request per 0.75 s) left on.
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
    args = parser.parse_args()
    fake = FakeGitHub()
    fake.add_repo(REPO)
    fake.repos[REPO].permissions["alice"] = "admin"
    timings: list[float] = []
    with tempfile.TemporaryDirectory(prefix="nodegen-served-") as home, serve(fake.app) as api:
        env = {
            **os.environ,
            "NODEGEN_HOME": home,
            "NODEGEN_GITHUB_API_URL": api,
            "NODEGEN_GITHUB_APP_ID": "1",
            "NODEGEN_GITHUB_PRIVATE_KEY": private_key_pem(),
            "NODEGEN_GITHUB_WEBHOOK_SECRET": SECRET,
        }
        with serve_process(env) as url:
            for i in range(args.requests + 1):  # the first warms the worker's caches; not counted
                issue = 10 + i
                prompt = (
                    f"/generate-node --type compute Calculate a checksum for batch {i} "
                    "with verify operations"
                )
                body, headers = signed(comment_payload(prompt, issue=issue), "issue_comment")
                started = time.perf_counter()
                httpx.post(f"{url}/webhook", content=body, headers=headers).raise_for_status()
                wait_for(partial(_has_pr, fake, issue), 300, f"the pull request for #{issue}")
                if i:
                    timings.append(time.perf_counter() - started)
    table = Table(
        title=f"comment → PR opened, {args.requests} requests after one warm-up (seconds)"
    )
    for column in ("p50", "min", "max", "OpenAPI violations"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{statistics.median(timings):.2f}",
        f"{min(timings):.2f}",
        f"{max(timings):.2f}",
        str(len(fake.violations)),
    )
    Console().print(table)


if __name__ == "__main__":
    main()
