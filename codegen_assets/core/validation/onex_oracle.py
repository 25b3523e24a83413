"""Whether the ONEX ecosystem's packages are here: omnibase-core for the onex target and its
gates, omnibase-infra for infra's gates and runtime."""

from __future__ import annotations

import importlib.util

ONEX_MISSING = (
    "the 'onex' target needs omnibase-core, which is not installed: "
    'pip install "onex-nodegen[onex]" (Python >= 3.12), or pass --target standalone'
)


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
