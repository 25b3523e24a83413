"""The Dagster UI, seen in a real browser: headless Chromium (Debian's), driven by Playwright, on
an instance with nodes the CLI's runner generated, one of which fails a scored check. A person
finds each node by its name, tells the failed node's run from the others in the runs list,
reads what a check asserts, and re-executes a run the CLI started.

``NODEGEN_UPDATE_SCREENSHOTS=1`` also writes the runs list to ``docs/images/`` (the README's
picture)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from codegen_assets.core.models import (
    GenerationOptions,
    GenerationResult,
    NodeType,
    StyleConfig,
)
from codegen_assets.core.settings import DEFINITIONS, NodegenSettings
from codegen_assets.orchestration.embedded import EmbeddedRunner
from github_app.demo.local import free_port
from tests.support.local_stack import FINISHED
from tests.support.prompts import AUDIT, CHECKSUM, DIGEST

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium")
# As root on a machine with no network: no sandbox, no GPU, nothing fetched in the background.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROMPTS = {
    "digest_compute": DIGEST,
    "invoices_compute": CHECKSUM,
}
# Generated into a repository whose ruff configuration forbids ``assert``: its tests fail ruff.
FAILING = (
    "audit_compute",
    AUDIT,
)
NO_ASSERTS = StyleConfig(filename="ruff.toml", text='[lint]\nextend-select = ["S101"]\n')
SECONDS = 1000  # Playwright's timeouts are in milliseconds
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.fixture
def two_nodes(nodegen_home: Path, tmp_path: Path) -> Iterator[tuple[EmbeddedRunner, list[str]]]:
    """Two generated nodes that pass, then one that fails ruff; the runner and the run ids, in
    the order of ``PROMPTS``, then the failed one."""
    runner = EmbeddedRunner(NodegenSettings())
    results: list[GenerationResult] = []
    options = GenerationOptions(node_type=NodeType.COMPUTE)
    for name, prompt in PROMPTS.items():
        request = runner.submit(prompt, options, tmp_path / name)
        results.append(runner.run(request, timeout=600))
    assert all(r.success for r in results), results
    failing = runner.submit(FAILING[1], options, tmp_path / FAILING[0], style=NO_ASSERTS)
    failed = runner.run(failing, timeout=600)
    assert not failed.success and failed.error_code == "VALIDATION_FAILED", failed
    results.append(failed)
    yield runner, [r.run_id for r in results if r.run_id]


@pytest.fixture
def webserver(two_nodes: tuple[EmbeddedRunner, list[str]], tmp_path: Path) -> Iterator[str]:
    """``dagster-webserver -f definitions.py`` on the home, as the CLI's summary says to open it."""
    env = {**os.environ, "DAGSTER_HOME": str(two_nodes[0].settings.dagster_home)}
    port = free_port()
    command = [sys.executable, "-m", "dagster_webserver", "-f", str(DEFINITIONS)]
    command += ["-h", "127.0.0.1", "-p", str(port)]
    with (tmp_path / "webserver.log").open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        assert server.poll() is None, (tmp_path / "webserver.log").read_text()
        try:
            urllib.request.urlopen(f"{url}/server_info", timeout=2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the Dagster webserver did not start"
            time.sleep(0.5)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def open_page(page: Page, url: str) -> None:
    """Go to ``url``, past Dagster's one-time newsletter dialog if it shows."""
    page.goto(url)
    with contextlib.suppress(PlaywrightTimeout):  # shown once per browser profile, if at all
        page.get_by_role("button", name="Skip").click(timeout=5 * SECONDS)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/dev)")
def test_a_person_finds_the_nodes_reads_the_checks_and_re_executes_a_cli_run(
    two_nodes: tuple[EmbeddedRunner, list[str]], webserver: str
) -> None:
    runner, run_ids = two_nodes
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(60 * SECONDS)

        open_page(page, f"{webserver}/runs")
        for name in [*PROMPTS, FAILING[0]]:
            expect(page.get_by_text(f"nodegen/node: {name}")).to_be_visible()
            partition = page.get_by_text(re.compile(rf"partition: {name}-[0-9a-f]{{12}}"))
            expect(partition.first).to_be_visible()
        # The runs list tells the failed node from the passing ones at a glance: its run's tags.
        expect(page.get_by_text("nodegen/outcome: failed", exact=True)).to_have_count(1)
        expect(page.get_by_text("nodegen/outcome: passed", exact=True)).to_have_count(len(PROMPTS))
        for name, outcome in [*((n, "passed") for n in PROMPTS), (FAILING[0], "failed")]:
            others = [n for n in [*PROMPTS, FAILING[0]] if n != name]
            run_tags = page.locator("div").filter(has_text=f"nodegen/node: {name}")
            for other in others:
                run_tags = run_tags.filter(has_not_text=f"nodegen/node: {other}")
            expect(run_tags.filter(has_text=f"nodegen/outcome: {outcome}").first).to_be_visible()
        expect(page.get_by_text("nodegen/failed_checks: ruff", exact=True)).to_have_count(1)
        if os.environ.get("NODEGEN_UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "runs-list.png"))

        # On the failed run's page, the failed scored check is an error, not a warning.
        open_page(page, f"{webserver}/runs/{run_ids[-1]}")
        page.get_by_role("button", name="View tags and config").click()
        expect(page.get_by_text("nodegen/outcome: failed").first).to_be_visible()
        page.keyboard.press("Escape")
        open_page(page, f"{webserver}/assets/validation_report?view=checks&checkDetail=ruff")
        expect(page.get_by_text("scored: a failure means needs review").first).to_be_visible()

        for check, says in (
            ("mypy", "The node type-checks under mypy --strict."),
            ("infra_contract_lint", "gate infra_contract_lint (omnibase-infra) passes"),
        ):
            open_page(page, f"{webserver}/assets/validation_report?view=checks&checkDetail={check}")
            expect(page.get_by_text(says).first).to_be_visible()
            expect(page.get_by_text("No description provided")).to_have_count(0)

        parent = run_ids[0]
        open_page(page, f"{webserver}/runs/{parent}")
        page.get_by_role("button", name=re.compile("^Re-execute all")).click()
        page.wait_for_url(re.compile(r"/runs/(?!" + parent + r")[0-9a-f-]{36}"))
        child = page.url.rsplit("/", 1)[-1].split("?")[0]
        expect(page.get_by_text("Success", exact=True).first).to_be_visible(timeout=300 * SECONDS)
        browser.close()
    run = runner.instance.get_run_by_id(child)
    assert run is not None and run.status in FINISHED
    assert run.status.value == "SUCCESS"
    assert run.parent_run_id == parent
    assert run.tags["nodegen/node"] == "digest_compute"
