"""The ecosystem's own judges: omnibase-core's contract models and its ``onex validate`` command."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ONEX_MISSING = (
    "the 'onex' target needs omnibase-core, which is not installed: "
    'pip install "onex-nodegen[onex]" (Python >= 3.12), or pass --target standalone'
)
_CONTRACT_MODELS = {
    "EFFECT_GENERIC": "ModelContractEffect",
    "COMPUTE_GENERIC": "ModelContractCompute",
    "REDUCER_GENERIC": "ModelContractReducer",
    "ORCHESTRATOR_GENERIC": "ModelContractOrchestrator",
}


class OnexUnavailable(RuntimeError):
    """omnibase-core is required for the requested target but is not installed."""

    def __init__(self) -> None:
        super().__init__(ONEX_MISSING)


def omnibase_core_available() -> bool:
    """Whether omnibase-core can be imported by this interpreter."""
    return importlib.util.find_spec("omnibase_core") is not None


def require_omnibase_core() -> None:
    """Raise ``OnexUnavailable`` naming the ``[onex]`` extra when omnibase-core is missing."""
    if not omnibase_core_available():
        raise OnexUnavailable


def _dropped(ours: Any, theirs: Any, path: str) -> list[str]:
    """Paths of values in ``ours`` that omnibase-core silently ignored or changed."""
    if isinstance(ours, Mapping):
        if not isinstance(theirs, Mapping):
            return [f"{path}: expected a mapping, omnibase-core has {theirs!r}"]
        problems: list[str] = []
        for key, value in ours.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in theirs:
                problems.append(f"{where}: not a field of omnibase-core's model (ignored)")
            else:
                problems.extend(_dropped(value, theirs[key], where))
        return problems
    if isinstance(ours, list):
        if not isinstance(theirs, list) or len(theirs) != len(ours):
            return [f"{path}: omnibase-core kept {theirs!r}"]
        return [p for i, item in enumerate(ours) for p in _dropped(item, theirs[i], f"{path}[{i}]")]
    if ours != theirs and str(ours) != str(theirs):
        return [f"{path}: omnibase-core read {ours!r} as {theirs!r}"]
    return []


def contract_problems(data: Mapping[str, Any]) -> list[str]:
    """What omnibase-core's ``ModelContract{Effect,Compute,Reducer,Orchestrator}`` rejects.

    Beyond validation errors, a key the model's nested parts silently ignore is a problem too,
    so a misspelt field cannot pass unnoticed.
    """
    require_omnibase_core()
    from omnibase_core.models import contracts

    model_name = _CONTRACT_MODELS.get(str(data.get("node_type")))
    if model_name is None:
        return [f"node_type {data.get('node_type')!r} is not one of {sorted(_CONTRACT_MODELS)}"]
    model = getattr(contracts, model_name)
    try:
        parsed = model.model_validate(dict(data))
    except Exception as exc:  # pydantic's ValidationError or omnibase-core's ModelOnexError
        return [f"{model_name}: {exc}"]
    return _dropped(dict(data), parsed.model_dump(mode="json"), "")


def onex_validate_argv(node_dir: Path) -> Sequence[str]:
    """The ``onex validate <node_dir>`` command, run by this interpreter."""
    program = "import sys; from omnibase_core.cli.cli_commands import cli; sys.exit(cli())"
    return [sys.executable, "-c", program, "validate", str(node_dir)]
