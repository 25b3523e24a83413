"""Build mypy's cache of omnibase-core and omnibase-infra once, at install time.

``python -m codegen_assets.cli.warm_cache`` type-checks one generated node of each type with the
exact command validation runs, into the default mypy cache (``NodegenSettings().mypy_cache``,
outside any one home), so a user's first generation does not spend its first minute there.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codegen_assets.core.models import FileSet, GenerationOptions, NodeType
from codegen_assets.core.onex_oracle import omnibase_core_available
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages.validation_report import mypy_command, write_tree

PROMPTS = {
    NodeType.EFFECT: "Effect node warm_effect: save(key: string, version: int)",
    NodeType.COMPUTE: "Compute node warm_compute: score(value: float)",
    NodeType.REDUCER: "Reducer node warm_reducer: add(amount: float)",
    NodeType.ORCHESTRATOR: "Orchestrator node warm_orchestrator: first check, then save",
}


def main() -> int:
    """Type-check the warm-up nodes; 0 when the cache was built (or there is nothing to do)."""
    if not omnibase_core_available():
        return 0
    cache = NodegenSettings().mypy_cache
    files: dict[str, str] = {}
    for kind, prompt in PROMPTS.items():
        files.update(render_files(prompt, GenerationOptions(node_type=kind))[1].files)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nodegen-warm-") as tmp:
        write_tree(Path(tmp), FileSet(files=files))
        cache.mkdir(parents=True, exist_ok=True)
        run = subprocess.run(mypy_command(cache), cwd=tmp, capture_output=True, text=True)
    took = time.perf_counter() - started
    print(f"mypy cache of the ONEX packages built in {took:.0f} s: {cache}", file=sys.stderr)
    if run.returncode != 0:
        print(run.stdout[-2000:], file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main())
