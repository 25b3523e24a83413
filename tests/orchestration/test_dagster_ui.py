"""The Dagster UI, seen in a real browser: headless Chromium (Debian's), driven by Playwright, on
an instance with two nodes the CLI's runner generated. A person finds each node by its name,
reads what a check asserts, and re-executes a run the CLI started."""

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

from codegen_assets.core.models import GenerationOptions, GenerationResult, NodeType
from codegen_assets.core.settings import DEFINITIONS, NodegenSettings
from codegen_assets.orchestration.embedded import EmbeddedRunner
from github_app.demo.local import free_port
from tests.support.local_stack import FINISHED

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
    "digest_compute": "Compute node named digest_compute. Its digest operation takes document "
    "(string).",
    "invoices_compute": "Calculate a checksum for invoices with verify operations",
}
SECONDS = 1000  # Playwright's timeouts are in milliseconds


@pytest.fixture
def two_nodes(nodegen_home: Path, tmp_path: Path) -> Iterator[tuple[EmbeddedRunner, list[str]]]:
    """Two generated nodes; the runner and the run ids, in the order of ``PROMPTS``."""
    runner = EmbeddedRunner(NodegenSettings())
    results: list[GenerationResult] = []
    for name, prompt in PROMPTS.items():
        options = GenerationOptions(node_type=NodeType.COMPUTE)
        request = runner.submit(prompt, options, tmp_path / name)
        results.append(runner.run(request, timeout=600))
    assert all(r.success for r in results), results
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
        for name in PROMPTS:
            expect(page.get_by_text(f"nodegen/node: {name}")).to_be_visible()
            partition = page.get_by_text(re.compile(rf"partition: {name}-[0-9a-f]{{12}}"))
            expect(partition.first).to_be_visible()

        for check, says in (
            ("mypy", "The node type-checks under mypy --strict."),
            ("infra_contract_lint", "gate infra_contract_lint (omnibase-infra) passes"),
        ):
            open_page(page, f"{webserver}/assets/validation_report?view=checks&checkDetail={check}")
            expect(page.get_by_text(says)).to_be_visible()
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
