"""``omninode-generate prune`` and ``omninode-generate migrate`` as a person runs them."""

import sqlite3
from pathlib import Path

import pytest

from codegen_assets.cli.generate import EXIT_INPUT, EXIT_OK, main
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.storage import migrate
from tests.support.previous_schema import DUMPS, SQLITE_FILES
from tests.support.retention import Home


def test_prune_command_prints_what_it_removed_and_the_homes_size(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Home(NodegenSettings())
    runs = [home.run(home.request()) for _ in range(4)]
    home.instance.dispose()
    monkeypatch.setenv("NODEGEN_KEEP_RUNS", "1")
    capsys.readouterr()

    assert main(["prune", "--dry-run"]) == EXIT_OK
    dry = capsys.readouterr().out.splitlines()
    assert dry[0] == "would remove (NODEGEN_KEEP_RUNS=1, NODEGEN_KEEP_DAYS=30):"
    assert dry[1].split()[:6] == ["runs", "and", "their", "event", "logs", "3"]
    assert runs[0] in dry[1]
    assert dry[-2:] == ["runs kept: 1", dry[-1]] and dry[-1].startswith("home size: ")

    assert main(["prune"]) == EXIT_OK
    done = capsys.readouterr().out.splitlines()
    assert done[0] == "removed (NODEGEN_KEEP_RUNS=1, NODEGEN_KEEP_DAYS=30):"
    assert "runs kept: 1" in done
    before, after = (float(w) for w in done[-1].split() if w.replace(".", "").isdigit())
    assert done[-1] == f"home size: {before:.1f} MB before, {after:.1f} MB after"
    assert after < before

    assert main(["prune"]) == EXIT_OK
    assert capsys.readouterr().out.splitlines()[1] == "  nothing"


def test_prune_command_refuses_a_deployments_database(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_DATABASE_URL", "postgresql://db.example/nodegen")
    assert main(["prune"]) == EXIT_INPUT
    assert "prune_history job" in capsys.readouterr().err
    assert not (nodegen_home / "dagster").exists()


def test_migration_command_upgrades_a_homes_databases_of_the_previous_release(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in SQLITE_FILES:
        path = nodegen_home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as db:
            db.executescript((DUMPS / "sqlite" / f"{Path(name).name}.sql").read_text("utf-8"))
    migrate._current.clear()

    assert main(["migrate"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines) == sorted(
        f"sqlite:///{nodegen_home / name}: none → {migrate.HEAD}" for name in SQLITE_FILES
    )
    assert main(["migrate"]) == EXIT_OK
    assert all(line.endswith(f": {migrate.HEAD}") for line in capsys.readouterr().out.splitlines())


def test_migration_command_upgrades_the_deployments_postgresql(
    nodegen_home: Path,
    postgres_db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NODEGEN_DATABASE_URL", postgres_db)
    assert main(["migrate"]) == EXIT_OK
    (line,) = capsys.readouterr().out.splitlines()
    assert line.endswith(f": none → {migrate.HEAD}") and line.startswith("postgresql+psycopg2://")
    assert not nodegen_home.exists() or not any(nodegen_home.rglob("*.sqlite3"))
