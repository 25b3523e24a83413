"""The README's two commands, read from the README itself and run as a new user runs them.

The first is run exactly as written, from the root of a clean copy of this repository (the files
git tracks, nothing else), with nothing exported: no ``NODEGEN_*`` variable, the virtualenv not
activated, a home that holds only what ``scripts/dev``'s install builds (the validators' caches).
Its output directory is inside the repository, so the repository's own configuration applies to
the generated node, as it does for the user.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from github_app.demo.local import free_port

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def readme_commands() -> list[str]:
    """The commands of the README's "Two commands" block, continuation lines joined."""
    text = README.read_text("utf-8")
    section = text.split("## Two commands on a fresh machine", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "the README's two commands are not in a ```bash block"
    joined = block.group(1).replace("\\\n", " ")
    lines = [line.split(" #", 1)[0].strip() for line in joined.splitlines()]
    return [re.sub(r"\s+", " ", line) for line in lines if line and not line.startswith("#")]


def test_the_readme_names_two_commands_and_ci_runs_the_second() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    assert commands[0].startswith("scripts/dev omninode-generate ")
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert commands[1] in [line.strip() for line in ci], "CI does not run the README's test command"


def _clean_copy(destination: Path) -> Path:
    """The tracked files of this working tree (modification times kept), plus the installed
    virtualenv: what a fresh clone has after ``scripts/dev`` installed it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            target = destination / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (destination / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return destination


def _new_users_environment(home: Path) -> dict[str, str]:
    """What a new user's shell has: a PATH without the virtualenv, a HOME, nothing exported."""
    venv_bin = str(ROOT / ".venv" / "bin")
    path = [p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if p != venv_bin]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    home.mkdir(parents=True)
    (home / ".cache").symlink_to(cache, target_is_directory=True)  # what the install built
    env = {"PATH": os.pathsep.join(path), "HOME": str(home), "LANG": "C.UTF-8"}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    if pyenv.is_dir():  # the user's own Python installations stay where their shell finds them
        env["PYENV_ROOT"] = str(pyenv)
    return env


@pytest.mark.e2e
def test_the_readmes_first_command_works_as_written(tmp_path: Path) -> None:
    if not (ROOT / ".venv" / "bin" / "omninode-generate").exists():
        pytest.fail("run the tests through scripts/dev, which installs .venv")
    checkout = _clean_copy(tmp_path / "checkout")
    first = readme_commands()[0]
    done = subprocess.run(
        ["bash", "-c", first],
        cwd=checkout,
        env=_new_users_environment(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    node = checkout / "test_regeneration" / "node_store_effect"
    assert (node / "contract.yaml").is_file() and (node / "node.py").is_file(), output[-2000:]
    assert (checkout / "test_regeneration/tests/unit/nodes/node_store_effect").is_dir()
    assert "✓ generated node_store_effect" in output, output[-2000:]
    # The UI command it prints works as printed, and the run there says the node passed.
    (ui,) = re.findall(r"this run in the Dagster UI: (.+)", done.stdout)
    (run_id,) = re.findall(r"then open http://127\.0\.0\.1:3000/runs/([0-9a-f-]{36})", done.stdout)
    tags = _run_tags_in_ui(ui, run_id, checkout, _new_users_environment(tmp_path / "home2"))
    assert tags["nodegen/outcome"] == "passed" and tags["nodegen/quality_score"] == "1.000"


_RUN_TAGS = "query($id: ID!) { runOrError(runId: $id) { ... on Run { tags { key value } } } }"


def _run_tags_in_ui(command: str, run_id: str, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """Start the printed UI command on a free port, ask its GraphQL API for the run's tags."""
    port = free_port()
    log = cwd / "dagster-dev.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["bash", "-c", f"{command} -h 127.0.0.1 -p {port}"],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/graphql",
                    data=json.dumps({"query": _RUN_TAGS, "variables": {"id": run_id}}).encode(),
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=10) as answer:
                    run = json.load(answer)["data"]["runOrError"]
                return {tag["key"]: tag["value"] for tag in run["tags"]}
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
