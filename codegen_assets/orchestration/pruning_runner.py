"""The served app's warm worker: an embedded runner whose home is pruned after each run.

Beside the retention module rather than in it: the embedded runner's definitions include the
retention job, so retention imports nothing of the runner.
"""

from __future__ import annotations

import logging

from codegen_assets.core.models import GenerationRequest, GenerationResult
from codegen_assets.orchestration.embedded import EmbeddedRunner
from codegen_assets.orchestration.retention import prune_after_run

log = logging.getLogger("codegen_assets.orchestration.retention")


class PruningRunner:
    """An embedded runner whose home is pruned after each run, as the CLI's is: the served
    app's warm worker, which runs request after request in one process."""

    def __init__(self, runner: EmbeddedRunner) -> None:
        self.runner = runner

    def add_partition(self, request_id: str) -> None:
        """Register the request's partition."""
        self.runner.add_partition(request_id)

    def run(self, request: GenerationRequest, *, timeout: float) -> GenerationResult:
        """Run ``request``; then prune the home if it holds more than the window allows."""
        result = self.runner.run(request, timeout=timeout)
        try:
            prune_after_run(self.runner.instance, self.runner.settings)
        except Exception:  # the run is done; pruning waits for the next one
            log.warning("pruning the home failed", exc_info=True)
        return result

    def regenerate(self, node_key: str, *, timeout: float) -> None:
        """Regenerate one delivered node (a run of its own); then prune as after any run."""
        self.runner.regenerate(node_key, timeout=timeout)
        try:
            prune_after_run(self.runner.instance, self.runner.settings)
        except Exception:  # the run is done; pruning waits for the next one
            log.warning("pruning the home failed", exc_info=True)
