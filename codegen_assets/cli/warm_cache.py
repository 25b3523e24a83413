"""Build, once at install time, what validation would otherwise build in a user's first run.

``python -m codegen_assets.cli.warm_cache`` validates one generated node of each type as a
generation does: mypy's cache of omnibase-core and omnibase-infra goes into the default mypy
cache (``NodegenSettings().mypy_cache``, outside any one home), and the list of modules the
validators import into the warm interpreter's memory beside it.
"""

from __future__ import annotations

import sys
import time

from codegen_assets.core.models import FileSet, GenerationOptions, NodeType
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation.onex_oracle import omnibase_core_available
from codegen_assets.core.validation.settings import ValidationSettings

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
    report = validate_files(
        FileSet(files=files), ValidationSettings(timeout=600, mypy_cache=cache, warm=True)
    )
    took = time.perf_counter() - started
    print(f"validation caches built in {took:.0f} s: {cache}", file=sys.stderr)
    mypy = report.check("mypy")
    if not mypy.passed:
        print(mypy.output[-2000:], file=sys.stderr)
    return 0 if mypy.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
