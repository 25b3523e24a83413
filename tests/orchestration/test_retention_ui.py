"""Retention as a daily user meets it: real generations through the CLI, a home that stays as
small as a handful of them, and the Dagster UI still re-executing the newest run of each node
(through the webserver's GraphQL API, which the UI's buttons call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from codegen_assets.cli.generate import EXIT_OK, main
from codegen_assets.core.models import GenerationOptions, GenerationResult, NodeType
from codegen_assets.core.settings import DEFINITIONS, NodegenSettings
from codegen_assets.orchestration.assets import DELIVERED_TAG
from codegen_assets.orchestration.embedded import EmbeddedRunner, open_instance
from codegen_assets.orchestration.pruning_runner import PruningRunner
from codegen_assets.storage.retention import size_of
from github_app.demo.local import free_port
from tests.support.local_stack import FINISHED
from tests.support.prompts import CHECKSUM, DIGEST

pytestmark = pytest.mark.e2e
NODES = {  # each prompt says all its node does, so each generation passes
    "digest_compute": DIGEST,
    "invoices_compute": CHECKSUM,
    "totals_compute": "Compute node named totals_compute. Its total operation takes net (int) "
    "and tax (int) and returns gross = net + tax, an int.",
}
REEXECUTE = """
mutation($parent: String!) {
  launchRunReexecution(reexecutionParams: {parentRunId: $parent, strategy: ALL_STEPS}) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}
"""
RUN = """
query($id: ID!) { runOrError(runId: $id) { __typename ... on Run { status tags { key value } } } }
"""


def generate(
    capsys: pytest.CaptureFixture[str], home: Path, count: int, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, GenerationResult]]:
    """``count`` generations through the CLI in ``home``: the first node once, then the others
    in turn (each node into its own directory, as a person regenerates it)."""
    monkeypatch.setenv("NODEGEN_HOME", str(home))
    first, *others = NODES
    results = []
    for n in range(count):
        name = first if n == 0 else others[(n - 1) % len(others)]
        capsys.readouterr()
        code = main(
            [NODES[name], "--output-dir", str(home.parent / f"{home.name}-{name}"),
             "--node-type", "compute", "--json"]
        )  # fmt: skip
        result = GenerationResult.model_validate_json(capsys.readouterr().out)
        assert code == EXIT_OK, result.error_message
        results.append((name, result))
    return results


def serve(home: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The webserver on ``home``, as the CLI's summary says to open it."""
    env = {**os.environ, "NODEGEN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    port = free_port()
    command = [sys.executable, "-m", "dagster_webserver", "-f", str(DEFINITIONS)]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        assert server.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(f"{url}/server_info", timeout=2).close()
            return server, url
        except OSError:
            assert time.monotonic() < deadline, "the Dagster webserver did not start"
            time.sleep(0.5)


def graphql(url: str, query: str, **variables: str) -> Any:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"{url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        answer = json.loads(response.read())
    assert "errors" not in answer, answer
    return answer["data"]


@pytest.mark.timeout(1800)  # eighteen generations, the webserver and three runs it launches
def test_retention_keeps_a_home_small_and_the_ui_re_executes_the_newest_run_of_each_node(
    tmp_path: Path,
    nodegen_home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NODEGEN_KEEP_RUNS", raising=False)
    generate(capsys, tmp_path / "six", 6, monkeypatch)
    six = size_of(tmp_path / "six")

    monkeypatch.setenv("NODEGEN_KEEP_RUNS", "5")
    home = tmp_path / "twelve"
    results = generate(capsys, home, 12, monkeypatch)
    twelve = size_of(home)
    print(f"home after six generations {six} bytes, after twelve keeping five {twelve} bytes")
    assert twelve <= 1.1 * six, (twelve, six)

    instance = open_instance(NodegenSettings(home=home))
    kept = set(instance.get_run_ids())
    newest = {name: result.run_id for name, result in results}  # the last of each node
    # the newest five, and the first node's only run, long out of the window
    assert kept == {r.run_id for _, r in results[-5:]} | {newest["digest_compute"]}
    assert not list((home / "dagster" / "history" / "runs").glob("*-wal"))
    instance.dispose()

    server, url = serve(home, tmp_path / "webserver.log")
    try:
        with urllib.request.urlopen(f"{url}/runs", timeout=30) as page:
            assert page.status == 200  # the UI opens
        children = {}
        for node, parent in newest.items():
            found = graphql(url, RUN, id=parent)["runOrError"]
            assert found["__typename"] == "Run" and found["status"] == "SUCCESS"
            delivered = str(tmp_path / f"twelve-{node}" / f"node_{node}")
            assert {"key": DELIVERED_TAG, "value": delivered} in found["tags"]
            launched = graphql(url, REEXECUTE, parent=parent)["launchRunReexecution"]
            assert launched["__typename"] == "LaunchRunSuccess", launched
            children[node] = launched["run"]["runId"]
        instance = open_instance(NodegenSettings(home=home))
        deadline = time.monotonic() + 600
        while not all(
            (run := instance.get_run_by_id(child)) is not None and run.status in FINISHED
            for child in children.values()
        ):
            assert time.monotonic() < deadline, "the re-executions did not finish"
            time.sleep(1)
        for node, child in children.items():
            run = instance.get_run_by_id(child)
            assert run is not None and run.status.value == "SUCCESS", tmp_path / "webserver.log"
            assert run.parent_run_id == newest[node]
        instance.dispose()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_prune_after_each_run_of_the_served_worker(
    nodegen_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm worker runs request after request in one process: its home is pruned after
    each, as the CLI's is."""
    monkeypatch.setenv("NODEGEN_KEEP_RUNS", "1")
    runner = PruningRunner(EmbeddedRunner(NodegenSettings()))
    options = GenerationOptions(node_type=NodeType.COMPUTE)
    runs = []
    for name in ("digest_compute", "digest_compute", "invoices_compute"):
        request = runner.runner.submit(NODES[name], options, tmp_path / name)
        result = runner.run(request, timeout=600)
        assert result.success, result.error_message
        runs.append(result.run_id)
    # the first digest run went (outside the window, and not its node's newest)
    assert set(runner.runner.instance.get_run_ids()) == set(runs[1:])
    runner.runner.instance.dispose()
