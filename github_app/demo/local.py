"""Running the App locally: serve on loopback, a throwaway App key, signed real webhook payloads.

Used by the tests, the benchmarks and ``omninode-github demo``. The payloads come from
``@octokit/webhooks-examples`` (``npm install`` at the repository root).
"""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from githubkit.webhooks import sign
from starlette.types import ASGIApp

EXAMPLES = (
    Path(__file__).resolve().parents[2]
    / "node_modules/@octokit/webhooks-examples/api.github.com/index.json"
)
SECRET = "test-webhook-secret"
REPO = "octo-org/hello"
INSTALLATION = 42


def is_up(url: str) -> bool:
    """True when ``url``/health answers 200."""
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def serve_process(env: dict[str, str], *args: str, timeout: float = 300.0) -> Iterator[str]:
    """``omninode-github serve`` in its own process on a free port; yields its URL once healthy.

    It imports everything twice (it re-executes itself without its secrets) and migrates its
    databases before it listens: on a loaded machine that takes tens of seconds, hence the
    long ``timeout``; a server that exits first fails at once, with its exit status."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "codegen_assets.cli.github",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args,
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: server.poll() is not None or is_up(url), timeout, "the webhook server")
        if server.poll() is not None:
            raise AssertionError(f"the webhook server exited with status {server.returncode}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@cache
def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@cache
def _examples() -> dict[str, list[dict[str, Any]]]:
    if not EXAMPLES.exists():
        raise FileNotFoundError(f"{EXAMPLES} is missing: run `npm install` at the repository root")
    return {entry["name"]: entry["examples"] for entry in json.loads(EXAMPLES.read_text("utf-8"))}


def example(event: str, action: str) -> dict[str, Any]:
    """A real payload from @octokit/webhooks-examples."""
    return copy.deepcopy(next(e for e in _examples()[event] if e.get("action") == action))


def comment_payload(
    body: str,
    *,
    login: str = "alice",
    association: str = "OWNER",
    issue: int = 7,
    user_type: str = "User",
    action: str = "created",
    installation: int = INSTALLATION,
    pull_request: bool = False,
) -> dict[str, Any]:
    """An ``issue_comment`` payload aimed at the fake repository (on a PR when asked)."""
    payload = example("issue_comment", action)
    owner, name = REPO.split("/")
    payload["repository"].update(full_name=REPO, name=name)
    payload["repository"]["owner"]["login"] = owner
    payload["issue"]["number"] = issue
    payload["issue"].pop("pull_request", None)
    if pull_request:
        url = f"https://api.github.com/repos/{REPO}/pulls/{issue}"
        payload["issue"]["pull_request"] = {
            "url": url,
            "html_url": f"https://github.com/{REPO}/pull/{issue}",
            "diff_url": f"https://github.com/{REPO}/pull/{issue}.diff",
            "patch_url": f"https://github.com/{REPO}/pull/{issue}.patch",
        }
    payload["comment"].update(body=body, author_association=association, id=issue * 1000 + 1)
    payload["comment"]["user"].update(login=login, type=user_type)
    payload["sender"].update(login=login, type=user_type)
    payload["installation"] = {"id": installation, "node_id": "x"}
    return payload


def push_payload(
    paths: list[str], *, branch: str = "main", installation: int = INSTALLATION
) -> dict[str, Any]:
    """A ``push`` payload to the fake repository's ``branch`` changing ``paths``."""
    payload = copy.deepcopy(_examples()["push"][0])
    owner, name = REPO.split("/")
    payload["ref"] = f"refs/heads/{branch}"
    payload["repository"].update(full_name=REPO, name=name, default_branch="main")
    payload["repository"]["owner"]["login"] = owner
    commit = copy.deepcopy(payload["head_commit"] or {})
    commit.update(added=[], removed=[], modified=paths)
    payload["commits"] = [commit]
    payload["installation"] = {"id": installation, "node_id": "x"}
    return payload


def signed(
    payload: dict[str, Any] | bytes, event: str, delivery: str | None = None, secret: str = SECRET
) -> tuple[bytes, dict[str, str]]:
    """Body and headers as GitHub sends them."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return body, {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": delivery or str(uuid.uuid4()),
        "x-hub-signature-256": sign(secret, body, "sha256"),
    }


def wait_for(
    condition: Callable[[], bool], timeout: float = 120.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
