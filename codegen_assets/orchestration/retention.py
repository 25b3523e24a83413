"""Retention: what a home or a deployment keeps, and pruning the rest.

Pruned: finished runs beyond the newest ``NODEGEN_KEEP_RUNS`` or older than
``NODEGEN_KEEP_DAYS`` (Dagster's ``delete_run``: the run and its event log); the
``generation_requests`` partition (``delete_dynamic_partition``), stored request and stage
outputs of each request whose runs are all gone and that is delivered; kept code once its owner
was told where it is and the expiry they were told has passed; outbox envelopes Kafka
acknowledged; finished queue rows; the validation cache beyond its size, least recently used
first. Dagster's own sensor and schedule ticks are pruned by Dagster (``retention:`` in the
instance configuration).

Never pruned: anything not yet delivered (a run still going, a queued or dead-lettered request
and its partition, an envelope Kafka has not acknowledged, kept code nobody was told about), the
registry of delivered nodes and its ``delivered_nodes`` partitions, and the newest successful
run of each delivered node (tagged ``nodegen/delivered`` by the step that delivered it), so the
UI can re-execute it; its partition and request stay with it.

Embedded, the CLI prunes after printing its result whenever the home holds more than the window
allows (``prune_after_run``), and ``omninode-generate prune`` does it at any time; deployed, the
``prune_history`` job does it daily (``retention_schedule``), with a dry run that only reports.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.tags import PARTITION_NAME_TAG
from filelock import FileLock, Timeout
from sqlalchemy.engine import make_url

from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.assets import DELIVERED_TAG, requests_partitions
from codegen_assets.orchestration.event_log import PooledSqliteEventLogStorage
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.db import chunks
from codegen_assets.storage.outbox import Outbox
from codegen_assets.storage.queue import RequestQueue
from codegen_assets.storage.retention import (
    RetentionSettings,
    compact_sqlite,
    prune_cache,
    size_of,
)

log = logging.getLogger(__name__)
REQUESTS = requests_partitions.name or ""
FINISHED = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED]
AUTO_LIMIT = 50  # runs the CLI deletes after one generation; `prune` deletes them all
MB = 1024 * 1024


@dataclass
class State:
    """onex-nodegen's databases and files that pruning reads, each opened only where it
    exists (a CLI-only home has no queue, a home without Kafka no outbox)."""

    artifacts: ArtifactStore | None = None
    queue: RequestQueue | None = None
    outbox: Outbox | None = None
    cache_dir: Path | None = None
    workspace: Path | None = None
    home: Path | None = None  # embedded: measured before and after

    @classmethod
    def open(
        cls,
        *,
        artifacts: str,
        queue: str,
        outbox: str,
        cache_dir: str = "",
        workspace: str = "",
        home: str = "",
    ) -> State:
        """The state at these locations (SQLite files or database URLs)."""
        return cls(
            artifacts=ArtifactStore(artifacts) if _exists(artifacts) else None,
            queue=RequestQueue(queue) if _exists(queue) else None,
            outbox=Outbox(outbox) if _exists(outbox) else None,
            cache_dir=Path(cache_dir) if cache_dir else None,
            workspace=Path(workspace) if workspace else None,
            home=Path(home) if home else None,
        )

    @classmethod
    def of_home(cls, settings: NodegenSettings) -> State:
        """The state the CLI's settings name. With ``NODEGEN_DATABASE_URL`` set the databases
        are a deployment's, pruned by its own job against its own instance: only the home's
        runs, partitions and cache are pruned here."""
        shared = bool(settings.database_url)
        return cls.open(
            artifacts="" if shared else str(settings.artifact_db),
            queue="" if shared else str(settings.queue_db),
            outbox="" if shared else str(settings.outbox_db),
            cache_dir=str(settings.validation_reports or ""),
            workspace=str(settings.workspace),
            home="" if shared else str(settings.home),
        )

    def sqlite_files(self) -> list[Path]:
        """The SQLite files among the databases (to compact after pruning)."""
        engines = [s.engine for s in (self.artifacts, self.queue, self.outbox) if s is not None]
        return sorted(
            {Path(e.url.database) for e in engines if e.dialect.name == "sqlite" and e.url.database}
        )


def _exists(location: str) -> bool:
    return "://" in location or (bool(location) and Path(location).is_file())


@dataclass
class Report:
    """What was pruned (or, in a dry run, would be)."""

    dry_run: bool
    keep_runs: int
    keep_days: float
    removed: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    runs_left: int = 0
    size_before: int | None = None
    size_after: int | None = None

    def count(self, kind: str, names: list[str]) -> None:
        """Record ``names`` removed of ``kind``."""
        self.removed[kind] = self.removed.get(kind, 0) + len(names)
        self.examples.setdefault(kind, []).extend(names[: 5 - len(self.examples.get(kind, []))])

    def lines(self) -> Iterator[str]:
        """The report as a person reads it."""
        verb = "would remove" if self.dry_run else "removed"
        yield (
            f"{verb} (NODEGEN_KEEP_RUNS={self.keep_runs}, NODEGEN_KEEP_DAYS={self.keep_days:g}):"
        )
        removed = {kind: n for kind, n in self.removed.items() if n}
        width = max((len(kind) for kind in removed), default=0)
        for kind, number in removed.items():
            shown = ", ".join(self.examples.get(kind, []))
            more = ", …" if number > len(self.examples.get(kind, [])) else ""
            yield f"  {kind:<{width}}  {number}" + (f"  ({shown}{more})" if shown else "")
        if not removed:
            yield "  nothing"
        yield f"runs kept: {self.runs_left}"
        if self.dry_run and self.size_before is not None:
            yield f"home size: {self.size_before / MB:.1f} MB"
        elif self.size_before is not None and self.size_after is not None:
            yield (
                f"home size: {self.size_before / MB:.1f} MB before, "
                f"{self.size_after / MB:.1f} MB after"
            )

    def metadata(self) -> dict[str, Any]:
        """The report as Dagster run metadata."""
        found: dict[str, Any] = {
            f"{k} ({'would go' if self.dry_run else 'gone'})": v for k, v in self.removed.items()
        }
        found["dry_run"] = self.dry_run
        found["runs kept"] = self.runs_left
        if self.size_after is not None:
            found["home MB"] = round(self.size_after / MB, 2)
        return found


def protected_runs(instance: DagsterInstance) -> set[str]:
    """The newest successful run of each delivered node."""
    kept: set[str] = set()
    for _, nodes in instance.get_run_tags(tag_keys=[DELIVERED_TAG]):
        for node in nodes:
            newest = instance.get_run_ids(
                RunsFilter(tags={DELIVERED_TAG: node}, statuses=[DagsterRunStatus.SUCCESS]),
                limit=1,
            )
            kept.update(newest)
    return kept


def doomed_runs(
    instance: DagsterInstance, policy: RetentionSettings, now: float, limit: int | None = None
) -> list[str]:
    """Finished, unprotected runs outside the window, oldest first (at most ``limit``)."""
    newest_first = instance.get_run_ids()
    finished = set(instance.get_run_ids(RunsFilter(statuses=FINISHED)))
    old = set(
        instance.get_run_ids(
            RunsFilter(created_before=datetime.fromtimestamp(policy.cutoff(now), UTC))
        )
    )
    window = set(newest_first[: policy.keep_runs])
    protected = protected_runs(instance)
    doomed = [
        run_id
        for run_id in reversed(newest_first)
        if run_id in finished
        and run_id not in protected
        and (run_id not in window or run_id in old)
    ]
    return doomed if limit is None else doomed[:limit]


def needs_pruning(instance: DagsterInstance, state: State, policy: RetentionSettings) -> bool:
    """Whether the home holds more than the window allows (cheap: counts, one query each)."""
    now = time.time()
    if instance.get_runs_count() > policy.keep_runs:
        return True
    cutoff = datetime.fromtimestamp(policy.cutoff(now), UTC)
    if instance.get_run_ids(RunsFilter(created_before=cutoff, statuses=FINISHED), limit=1):
        return True
    cache = state.cache_dir
    return cache is not None and size_of(cache) > policy.validation_cache_mb * MB


def prune_after_run(instance: DagsterInstance, settings: NodegenSettings) -> Report | None:
    """The CLI's pruning once its result is printed: only when the home holds more than the
    window allows, at most ``AUTO_LIMIT`` runs, and not while another process prunes it."""
    policy = RetentionSettings()
    state = State.of_home(settings)
    if not needs_pruning(instance, state, policy):
        return None
    try:
        with FileLock(settings.dagster_home / ".prune.lock", timeout=0):
            return prune(instance, state, policy, limit=AUTO_LIMIT)
    except Timeout:  # another command of this home is pruning it
        return None


def prune(
    instance: DagsterInstance,
    state: State,
    policy: RetentionSettings,
    *,
    dry_run: bool = False,
    limit: int | None = None,
    now: float | None = None,
) -> Report:
    """Prune what the policy lets go (only report it when ``dry_run``) as of ``now``."""
    now = time.time() if now is None else now
    report = Report(dry_run, policy.keep_runs, policy.keep_days)
    report.size_before = size_of(state.home) if state.home else None
    runs = doomed_runs(instance, policy, now, limit)
    partitions = _partitions_of(instance, runs)
    if not dry_run:
        for run_id in runs:
            _delete_run(instance, run_id)
    report.count("runs and their event logs", runs)
    gone = _prune_requests(instance, state, policy, now, partitions, runs, report, dry_run)
    _prune_rows(instance, state, policy, now, gone, runs, report, dry_run)
    if state.cache_dir is not None:
        removed = prune_cache(
            state.cache_dir, int(policy.validation_cache_mb * MB), dry_run=dry_run
        )
        report.removed["validation cache reports"] = removed.files
    if not dry_run and any(report.removed.values()):
        _compact(instance, state)
    report.runs_left = instance.get_runs_count() - (len(runs) if dry_run else 0)
    report.size_after = size_of(state.home) if state.home else None
    return report


def _partitions_of(instance: DagsterInstance, run_ids: list[str]) -> dict[str, str]:
    """The ``generation_requests`` partition of each of these runs that has one."""
    found: dict[str, str] = {}
    for batch in chunks(run_ids):
        for record in instance.get_run_records(RunsFilter(run_ids=batch)):
            run = record.dagster_run
            partition = run.tags.get(PARTITION_NAME_TAG)
            if partition and run.job_name != "regenerate_nodes":
                found[run.run_id] = partition
    return found


def _delete_run(instance: DagsterInstance, run_id: str) -> None:
    """Dagster's ``delete_run`` (the run, its tags and its events), and the run's asset-check
    results, which it leaves in the index."""
    instance.delete_run(run_id)
    storage = instance.event_log_storage
    if isinstance(storage, SqlEventLogStorage) and storage.has_table(
        AssetCheckExecutionsTable.name
    ):
        with storage.index_connection() as conn:
            conn.execute(
                AssetCheckExecutionsTable.delete().where(
                    AssetCheckExecutionsTable.c.run_id == run_id
                )
            )


def _prune_requests(
    instance: DagsterInstance,
    state: State,
    policy: RetentionSettings,
    now: float,
    partitions: dict[str, str],
    runs: list[str],
    report: Report,
    dry_run: bool,
) -> list[str]:
    """Delete the partition of each finished, delivered request none of whose runs is left,
    and its stored request (unless it is the newest of its issue, which ``/generate-node
    retry`` repeats); returns the requests whose row went."""
    cutoff = policy.cutoff(now)
    times = state.artifacts.request_times() if state.artifacts else {}
    held = set()
    if state.queue is not None:
        held |= state.queue.undelivered_requests()
    if state.artifacts is not None:
        held |= state.artifacts.held_code(now)
    existing = set(instance.get_dynamic_partitions(REQUESTS))
    with_runs = {
        v for _, values in instance.get_run_tags(tag_keys=[PARTITION_NAME_TAG]) for v in values
    }
    doomed = set(runs)
    candidates = (set(partitions.values()) | (existing - with_runs)) & existing
    had_runs = set(partitions.values())
    dropped = []
    for key in sorted(candidates - held):
        left = set(instance.get_run_ids(RunsFilter(tags={PARTITION_NAME_TAG: key}))) - doomed
        # a request with no run at all may be starting one: only an old one goes
        if not left and (key in had_runs or times.get(key, now) < cutoff):
            dropped.append(key)
    if not dry_run:
        for key in dropped:
            instance.delete_dynamic_partition(REQUESTS, key)
            _remove_stage_outputs(instance, key)
            if state.workspace is not None:
                shutil.rmtree(state.workspace / key, ignore_errors=True)
    report.count("request partitions and stage outputs", dropped)
    keep_rows = held | (state.queue.newest_thread_requests() if state.queue else set())
    remaining = existing - set(dropped)
    gone = [
        request_id
        for request_id, created in sorted(times.items())
        if request_id not in keep_rows
        and request_id not in remaining
        and (request_id in dropped or created < cutoff)
    ]
    if state.artifacts is not None:
        state.artifacts.delete_requests(gone, dry_run=dry_run)
        report.count("stored requests", gone)
    return gone


def _remove_stage_outputs(instance: DagsterInstance, partition: str) -> None:
    """The stage outputs the default IO manager pickled for ``partition`` (one file per asset
    under the instance's ``storage/``)."""
    root = Path(instance.storage_directory())
    if not root.is_dir():
        return
    for asset in root.iterdir():
        target = asset / partition
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        elif target.exists():
            target.unlink(missing_ok=True)


def _prune_rows(
    instance: DagsterInstance,
    state: State,
    policy: RetentionSettings,
    now: float,
    gone: list[str],
    runs: list[str],
    report: Report,
    dry_run: bool,
) -> None:
    """Kept code past its told expiry, finished queue rows, acknowledged envelopes and the
    capture positions of runs that no longer exist."""
    if state.artifacts is not None:
        report.removed["kept code past its expiry"] = state.artifacts.delete_expired_code(
            now, dry_run=dry_run
        )
    if state.queue is not None:
        for kind, number in state.queue.delete_finished(
            policy.cutoff(now), gone, dry_run=dry_run
        ).items():
            report.removed[f"finished queue rows: {kind}"] = number
    if state.outbox is not None:
        report.removed["outbox envelopes Kafka acknowledged"] = state.outbox.delete_published(
            dry_run=dry_run
        )
        alive = set(instance.get_run_ids()) - (set(runs) if dry_run else set())
        stale = sorted(state.outbox.cursor_runs() - alive)
        report.removed["outbox capture positions"] = state.outbox.delete_cursors(
            stale, dry_run=dry_run
        )


def _compact(instance: DagsterInstance, state: State) -> None:
    """SQLite files given back the space of the rows deleted: Dagster's run database and
    event-log index (each run's own database is removed whole), and ours."""
    files = state.sqlite_files()
    if isinstance(instance.run_storage, SqliteRunStorage):
        files.append(Path(make_url(instance.run_storage._conn_string).database or ""))
    if isinstance(instance.event_log_storage, PooledSqliteEventLogStorage):
        files.append(Path(instance.event_log_storage.path_for_shard(INDEX_SHARD_NAME)))
    for path in files:
        try:
            compact_sqlite(path)
        except Exception as exc:  # busy (a webserver reading): the space is reused anyway
            log.warning("could not compact %s: %s", path, exc)
