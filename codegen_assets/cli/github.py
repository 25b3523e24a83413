"""``omninode-github``: serve the webhook app, or run a self-contained demo on a fake GitHub."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn
from dagster import DagsterInstance
from starlette.applications import Starlette

from codegen_assets.cli.validators import warm_validators
from codegen_assets.core.logs import configure_logging
from codegen_assets.core.secret_env import receive_handoff, reexec_without_secrets
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.embedded import EmbeddedRunner, open_instance
from codegen_assets.orchestration.jobs import GENERATE_PR_JOB
from codegen_assets.orchestration.pruning_runner import PruningRunner
from codegen_assets.orchestration.run_history import DagsterRunHistory
from codegen_assets.storage.queue import RequestQueue
from github_app.dashboard import RunHistory
from github_app.demo.fake_github import FakeGitHub, spec_path
from github_app.demo.local import (
    REPO,
    SECRET,
    comment_payload,
    private_key_pem,
    push_payload,
    signed,
)
from github_app.demo.local import serve as run
from github_app.demo.show import (
    config_problems,
    dashboard_summary,
    follow,
    pull_request_summary,
)
from github_app.registration import ConsulRegistration, ConsulSettings
from github_app.repo_config import CONFIG_PATH
from github_app.server import Runner, WebhookService
from github_app.settings import AppSettings

DEMO_PROMPT = (
    "Create an Effect node named ledger_effect for ledger entries. Its post operation takes "
    "account (string) and amount (float); its void operation takes entry_id and reason. "
    "It needs ledger_db (LedgerDb)."
)


def in_process_runner(nodegen: NodegenSettings) -> Callable[[], Runner]:
    """The warm launcher's runner: the pull-request job, in this process, its home pruned
    after each run (NODEGEN_KEEP_RUNS, NODEGEN_KEEP_DAYS)."""
    return lambda: PruningRunner(EmbeddedRunner(nodegen, job_name=GENERATE_PR_JOB))


def run_history(nodegen: NodegenSettings, embedded: bool = True) -> RunHistory:
    """Where the dashboards find failed runs: the embedded instance, or (when the daemon
    launches) the instance ``DAGSTER_HOME`` names."""
    if not embedded and os.environ.get("DAGSTER_HOME"):
        return DagsterRunHistory(DagsterInstance.get())
    return DagsterRunHistory(open_instance(nodegen))


def serve(args: argparse.Namespace) -> int:
    """Run the webhook server (uvicorn) with its workers, its secrets out of its environment."""
    receive_handoff()
    reexec_without_secrets([sys.executable, *sys.orig_argv[1:]])
    nodegen = NodegenSettings()
    configure_logging(
        nodegen.log_format, "INFO" if nodegen.log_level == "WARNING" else nodegen.log_level
    )
    consul_settings = ConsulSettings()
    registration = (
        ConsulRegistration(consul_settings, args.advertise or args.host, args.port)
        if consul_settings.host
        else None
    )
    if args.launcher == "embedded":  # this process validates: its first request starts warm
        warm_validators(nodegen)
    service = WebhookService(
        nodegen,
        AppSettings(),
        runner=in_process_runner(nodegen) if args.launcher == "embedded" else None,
        triage=not args.no_triage,
        registration=registration,
        runs=run_history(nodegen, embedded=args.launcher == "embedded"),
    )
    uvicorn.run(service.app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def demo(args: argparse.Namespace) -> int:
    """Fake GitHub + webhook server + one signed comment → the pull request it opened."""
    validate = spec_path().exists()
    if not validate:
        print(
            f"note: {spec_path()} is missing (run `npm install`); requests are not checked "
            "against GitHub's OpenAPI description",
            file=sys.stderr,
        )
    fake = FakeGitHub(validate=validate)
    fake.add_repo(REPO)
    repo = fake.repos[REPO]
    with tempfile.TemporaryDirectory(prefix="nodegen-demo-") as home, run(fake.app) as api:
        os.environ.update(
            NODEGEN_GITHUB_API_URL=api,
            NODEGEN_GITHUB_APP_ID="1",
            NODEGEN_GITHUB_PRIVATE_KEY=private_key_pem(),
            NODEGEN_GITHUB_WEBHOOK_SECRET=SECRET,
        )
        nodegen = NodegenSettings(home=Path(home))
        service = WebhookService(
            nodegen,
            AppSettings(),
            runner=in_process_runner(nodegen),
            run_timeout=args.timeout,
            runs=run_history(nodegen),
        )
        with run(service.app) as url:
            body, headers = signed(
                comment_payload(f"/generate-node {args.prompt}"), "issue_comment"
            )
            status = httpx.post(f"{url}/webhook", content=body, headers=headers).status_code
            print(f"comment /generate-node on {REPO}#7 → POST {url}/webhook → {status}", flush=True)
            # The run stops itself at the timeout; a little longer lets it say so and finish.
            deadline = time.monotonic() + args.timeout + 15

            def finished() -> bool:
                return (
                    service.queue.counts().get("runs.done", 0) >= 1 or time.monotonic() > deadline
                )

            for stage in follow(repo, finished, lambda: time.sleep(0.2)):
                print(f"  ✓ {stage}", flush=True)
            if not repo.pulls:
                print(
                    f"error: no pull request within the {args.timeout:g} s timeout (--timeout); "
                    "the run was stopped and the demo's temporary home is removed",
                    file=sys.stderr,
                )
                logging.disable(logging.CRITICAL)  # a stopped run's last writes, not news
                return 1
            for comment in repo.comments.values():
                print(f"\ncomment on #{comment['issue']}:\n{comment['body']}")
            print()
            print("\n".join(pull_request_summary(repo, api)))
            print()
            print("\n".join(dashboard_summary(fake, REPO, api)))
            fake.webhook = (f"{url}/webhook", SECRET)  # boxes ticked on its page reach the App
            _update_dashboard(fake, service, url)
            print(
                "\nLinks to github.com and to the Dagster UI (localhost:3000) in the comment and "
                "the pull request body are placeholders here: the fake GitHub is local, and no "
                "Dagster UI runs for the demo's temporary home."
            )
            print(f"OpenAPI violations: {fake.violations or 'none'}")
            return 0


def _update_dashboard(fake: FakeGitHub, service: WebhookService, url: str) -> None:
    """Push a broken, then a fixed ``.github/nodegen.yml``: the dashboard names the problem,
    then drops it."""
    for what, text in (("a broken", "regeneration: sometimes\n"), ("the fixed", "{}\n")):
        fake.push(REPO, "main", {CONFIG_PATH: text}, "alice")
        done = service.queue.counts().get("deliveries.done", 0)
        body, headers = signed(push_payload([CONFIG_PATH]), "push")
        httpx.post(f"{url}/webhook", content=body, headers=headers)
        deadline = time.monotonic() + 30
        while service.queue.counts().get("deliveries.done", 0) <= done:
            if time.monotonic() > deadline:
                print("error: the push was not triaged within 30 s", file=sys.stderr)
                return
            time.sleep(0.1)
        problems = config_problems(fake, REPO)
        print(f"\npush of {what} {CONFIG_PATH} → the dashboard is updated:")
        print("\n".join(f"  {line}" for line in problems) or "  no configuration problems")


def dead_letters(args: argparse.Namespace) -> int:
    """List dead-lettered deliveries and runs, or put them back in the queue."""
    queue = RequestQueue(NodegenSettings().queue_db)
    if args.action == "list":
        found = queue.dead_letters()
        for letter in found:
            print(f"{letter.kind}\t{letter.key}\t{letter.attempts}\t{letter.reason}")
        if not found:
            print("no dead letters", file=sys.stderr)
        return 0
    if not args.keys and not args.all:
        print("name the deliveries or runs to re-drive, or pass --all", file=sys.stderr)
        return 2
    moved = queue.redrive(None if args.all else args.keys)
    missing = sorted(set(args.keys) - set(moved))
    for key in moved:
        print(f"re-driven {key}")
    for key in missing:
        print(f"not dead-lettered: {key}", file=sys.stderr)
    return 1 if missing else 0


def create_app(home: Path | None = None) -> Starlette:
    """The ASGI app for ``uvicorn codegen_assets.cli.github:create_app --factory`` (which, like
    ``omninode-github serve``, re-executes itself once to drop secrets from its environment)."""
    receive_handoff()
    reexec_without_secrets([sys.executable, *sys.orig_argv[1:]])
    nodegen = NodegenSettings() if home is None else NodegenSettings(home=home)
    return WebhookService(
        nodegen, AppSettings(), runner=in_process_runner(nodegen), runs=run_history(nodegen)
    ).app


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``omninode-github``."""
    parser = argparse.ArgumentParser(prog="omninode-github", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve_parser = sub.add_parser("serve", help="run the webhook server")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8080)
    serve_parser.add_argument(
        "--launcher",
        choices=["embedded", "dagster", "off"],
        default="embedded",
        help="who launches runs (off: only record)",
    )
    serve_parser.add_argument("--no-triage", action="store_true", help="only record deliveries")
    serve_parser.add_argument("--log-level", default="info")
    serve_parser.add_argument("--advertise", help="address Consul's health check calls")
    demo_parser = sub.add_parser("demo", help="run against a local fake GitHub; no account needed")
    demo_parser.add_argument("--prompt", default=DEMO_PROMPT)
    demo_parser.add_argument("--timeout", type=float, default=120.0)
    letters = sub.add_parser(
        "dead-letters", help="list dead-lettered deliveries and runs, or re-drive them"
    )
    letters.add_argument("action", choices=["list", "redrive"])
    letters.add_argument("keys", nargs="*", help="delivery or request ids to re-drive")
    letters.add_argument("--all", action="store_true", help="re-drive every dead letter")
    args = parser.parse_args(argv)
    commands = {"serve": serve, "demo": demo, "dead-letters": dead_letters}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
