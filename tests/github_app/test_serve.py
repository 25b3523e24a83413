"""``omninode-github serve`` with the embedded launcher validates in its own process: it starts
the validators' warm interpreter at start-up, so the first request does not wait for it."""

from __future__ import annotations

import os
from pathlib import Path

from github_app.demo.local import SECRET, serve_process, wait_for
from tests.github_app.test_hardening import _listener


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(proc.name))
    found, stack = set(), [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _runs_warm_python(pid: int) -> bool:
    for child in _descendants(pid):
        try:
            if b"python_server.py" in Path(f"/proc/{child}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def test_the_embedded_worker_starts_its_warm_interpreter_before_any_request(
    tmp_path: Path,
) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "NODEGEN_HOME": str(tmp_path / "home"),
        "NODEGEN_MYPY_CACHE_DIR": str(tmp_path / "mypy"),
        "NODEGEN_GITHUB_WEBHOOK_SECRET": SECRET,
        "NODEGEN_DATABASE_URL": "",
        "NODEGEN_WARM_VALIDATORS_KEEP_SECONDS": "5",  # not kept long after the test
    }
    with serve_process(env, "--no-triage") as url:
        served = _listener(int(url.rsplit(":", 1)[1]))
        wait_for(lambda: _runs_warm_python(served), 30, "the warm interpreter")
