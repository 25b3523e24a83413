"""The dashboard as a maintainer sees it: headless Chromium (Debian's, driven by Playwright) on the
fake GitHub's issue page, where the body is GitHub-flavoured Markdown with clickable boxes. A
person reads what was delivered and what failed, ticks "retry", and sees the box reset and what
the App did. The page is kept as a screenshot (``NODEGEN_SCREENSHOTS=DIR`` keeps it there too:
``docs/images`` for the README's picture)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from codegen_assets.cli.github import in_process_runner, run_history
from codegen_assets.core.models import FileSet
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages.node_code import render_node_code
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, SECRET, comment_payload, serve, signed, wait_for
from github_app.server import WebhookService
from github_app.settings import AppSettings
from tests.conftest import share_caches
from tests.github_app.test_dashboard import record_node
from tests.github_app.test_dashboard_e2e import the_dashboard
from tests.github_app.test_github_e2e import PROMPT, runs_done
from tests.orchestration.test_dagster_ui import CHROMIUM, FLAGS, SECONDS

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(
    github_env: FakeGitHub, tmp_path: Path, shared_mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, WebhookService]]:
    """The App on a loopback port, the fake GitHub sending it the edits made on its pages."""
    share_caches(monkeypatch, shared_mypy_cache)
    nodegen = NodegenSettings(home=tmp_path / "home")
    service = WebhookService(
        nodegen, AppSettings(), runner=in_process_runner(nodegen), runs=run_history(nodegen)
    )
    with serve(service.app) as url:
        github_env.webhook = (f"{url}/webhook", SECRET)
        yield url, service


def comment(url: str, body: str, issue: int) -> None:
    content, headers = signed(comment_payload(body, issue=issue), "issue_comment")
    assert httpx.post(f"{url}/webhook", content=content, headers=headers).status_code == 202


def keep(page: Page, tmp_path: Path, name: str) -> None:
    """Screenshot the page into the test's directory, and into ``NODEGEN_SCREENSHOTS``."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    if target := os.environ.get("NODEGEN_SCREENSHOTS"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(target) / name)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/dev)")
def test_a_maintainer_reads_the_dashboard_and_ticks_retry(
    served: tuple[str, WebhookService],
    github_env: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    url, service = served
    comment(url, PROMPT, 7)  # delivered
    runs_done(service, 1)
    broken = [True]

    def render_unless_broken(*args: Any) -> FileSet:
        if broken:
            raise RuntimeError("the templates exploded")
        return render_node_code(*args)

    monkeypatch.setattr(
        "codegen_assets.orchestration.assets.render_node_code", render_unless_broken
    )
    comment(url, "/generate-node --type compute Score risk for loans with assess operations", 8)
    runs_done(service, 2)  # failed
    broken.clear()
    record_node(str(service.queue.location))  # delivered with template set 3: stale
    assert service.dashboards is not None
    service.dashboards.refresh(REPO, 42)
    number = int(the_dashboard(github_env)["number"])
    page_url = github_env.issue_url(AppSettings().api_url, REPO, number)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60 * SECONDS)
        page.goto(f"{page_url}?as=alice")
        expect(page.get_by_role("heading", name="onex-nodegen dashboard")).to_be_visible()
        for heading in ("Failed runs", "Stale nodes", "Open pull requests", "Delivered nodes"):
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_role("cell", name="nodes/node_invoices_compute")).to_be_visible()
        expect(page.get_by_text("RuntimeError (the run's log has the details)")).to_be_visible()
        boxes = page.get_by_role("checkbox")
        expect(boxes).to_have_count(2)  # retry the failed run; regenerate the stale node
        keep(page, tmp_path, "dashboard.png")

        retry = page.locator("li", has_text="retry").get_by_role("checkbox")
        retry.check()
        expect(page.locator("body[data-edits='1']")).to_have_count(1)  # GitHub took the edit
        runs_done(service, 3)  # exactly the one run the box asked for
        wait_for(
            lambda: "run again as" in str(the_dashboard(github_env)["body"]), 60, "the reset box"
        )
        page.reload()
        expect(page.get_by_role("heading", name="Recent actions")).to_be_visible()
        done = page.get_by_text(re.compile(r"@alice ticked retry for .*: run again as"))
        expect(done).to_be_visible()
        expect(page.get_by_role("heading", name="Failed runs")).to_have_count(0)
        expect(page.get_by_role("checkbox")).to_have_count(1)
        expect(page.get_by_role("checkbox")).not_to_be_checked()
        keep(page, tmp_path, "dashboard-after-retry.png")
        browser.close()
    assert service.queue.counts().get("runs.done") == 3
    assert len(github_env.repos[REPO].pulls) == 2
    assert github_env.violations == []
