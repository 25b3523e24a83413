"""Shared fixtures: an isolated embedded home per test, and the seed's store_effect prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEED_REPORT = Path(__file__).parents[2] / "shared" / "seeds" / "003_efbed761791f3a61.txt"


@pytest.fixture
def store_prompt() -> str:
    """The prompt from the failing validation report (a verbatim copy kept in tests/data)."""
    return (DATA / "store_effect_prompt.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shared_mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the session: validations after the first are warm."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture
def nodegen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_mypy_cache: Path) -> Path:
    """A private NODEGEN_HOME per test, sharing the session's mypy cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("NODEGEN_HOME", str(home))
    monkeypatch.setenv("NODEGEN_MYPY_CACHE_DIR", str(shared_mypy_cache))
    return home
