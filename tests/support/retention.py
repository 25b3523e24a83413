"""An embedded home for retention tests: its instance and stores, and requests with finished
runs of a one-asset job on the requests' partitions (seconds, where a generation takes more)."""

import time
import uuid
from collections.abc import Iterator

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    DagsterInstance,
    Output,
    asset,
    materialize,
)
from sqlalchemy import text

from codegen_assets.core.models import GenerationRequest
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.assets import DELIVERED_TAG, requests_partitions
from codegen_assets.orchestration.embedded import open_instance
from codegen_assets.orchestration.retention import REQUESTS, Report, State, prune
from codegen_assets.storage.artifacts import ArtifactStore, UnknownArtifactError
from codegen_assets.storage.outbox import Outbox
from codegen_assets.storage.queue import RequestQueue
from codegen_assets.storage.registry import NodeRegistry
from codegen_assets.storage.retention import RetentionSettings


@asset(partitions_def=requests_partitions, check_specs=[AssetCheckSpec("ok", asset="stage")])
def stage(context: AssetExecutionContext) -> Iterator[Output[str] | AssetCheckResult]:
    """A stand-in for the generation's stages: one output stored per partition, and an asset
    check's result."""
    yield Output(str(context.partition_key))
    yield AssetCheckResult(passed=True)


class Home:
    """An embedded home with its instance, stores and helpers to make requests and runs."""

    def __init__(self, settings: NodegenSettings, instance: DagsterInstance | None = None) -> None:
        self.settings = settings
        self.instance = instance or open_instance(settings)
        self.store = ArtifactStore(settings.artifact_db)
        self.queue = RequestQueue(settings.queue_db)
        self.outbox = Outbox(settings.outbox_db)
        self.registry = NodeRegistry(settings.queue_db)

    def request(self, name: str = "node") -> str:
        """A stored request and its partition (as the CLI's submit makes them)."""
        request_id = f"{name}-{uuid.uuid4().hex[:12]}"
        request = GenerationRequest(request_id=request_id, prompt="p", correlation_id="c")
        self.store.put_request(request)
        self.instance.add_dynamic_partitions(REQUESTS, [request_id])
        return request_id

    def run(self, request_id: str, delivered: str | None = None) -> str:
        """A finished run of ``request_id``; ``delivered`` names the node it delivered."""
        tags = {DELIVERED_TAG: delivered} if delivered else {}
        result = materialize([stage], instance=self.instance, partition_key=request_id, tags=tags)
        assert result.success
        return result.run_id

    def prune(self, *, keep_runs: int = 200, later: float = 0.0, dry_run: bool = False) -> Report:
        policy = RetentionSettings(keep_runs=keep_runs)
        state = State.of_home(self.settings)
        if self.settings.database_url:  # a deployment: its job opens the state so
            url = self.settings.database_url
            state = State.open(artifacts=url, queue=url, outbox=url)
        return prune(self.instance, state, policy, dry_run=dry_run, now=time.time() + later)

    def runs(self) -> list[str]:
        return list(self.instance.get_run_ids())

    def partitions(self) -> set[str]:
        return set(self.instance.get_dynamic_partitions(REQUESTS))

    def stored(self, request_id: str) -> bool:
        try:
            self.store.get_request(request_id)
        except UnknownArtifactError:
            return False
        return True

    def checked_runs(self) -> set[str]:
        """Runs with asset-check results in the event log's index."""
        storage = self.instance.event_log_storage
        with storage.index_connection() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(text("SELECT DISTINCT run_id FROM asset_check_executions"))
            return {str(row[0]) for row in rows}
