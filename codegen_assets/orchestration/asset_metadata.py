"""What the generation assets attach to their materializations: the report's checks as asset
checks, the run's outcome tags, what the model did, and durations.
"""

import time
from collections.abc import Iterator
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
)

from codegen_assets.core.models import ModelUsage, ValidationReport
from codegen_assets.core.validation.checks import WEIGHTS, check_description


def timed(started: float) -> MetadataValue:
    return MetadataValue.float(round(time.perf_counter() - started, 4))


_LATEST = (
    " Shown here: the latest request's result; each request's own report is in its run's "
    "metadata (the report entry) and in its pull request."
)


def check_specs(asset_name: str) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(name, asset=asset_name, description=check_description(name) + _LATEST)
        for name in WEIGHTS
    ]


def check_results(report: ValidationReport) -> Iterator[AssetCheckResult]:
    """Every check's result: a failed scored check is an ERROR, an advisory one a WARN."""
    for check in report.checks:
        yield AssetCheckResult(
            check_name=check.name,
            passed=check.passed,
            severity=AssetCheckSeverity.WARN if check.advisory else AssetCheckSeverity.ERROR,
            description=check_description(check.name),
            metadata={
                "scored": not check.advisory,
                "weight": check.weight,
                "duration_seconds": check.duration_seconds,
                "output": MetadataValue.md(f"```\n{check.output}\n```" if check.output else ""),
            },
        )


OUTCOME_TAG = "nodegen/outcome"


def outcome_tags(report: ValidationReport) -> dict[str, str]:
    """The run's tags for the node's final report, so the runs list tells a node that passed
    every scored check from one that failed (Dagster's own status says only that the run ran)."""
    failed = report.failed
    return {
        OUTCOME_TAG: "passed" if not failed else "failed",
        "nodegen/quality_score": f"{report.quality_score:.3f}",
        **({"nodegen/failed_checks": ",".join(failed)[:200]} if failed else {}),
    }


def model_metadata(usage: ModelUsage | None) -> dict[str, Any]:
    """A stage's metadata of what the model did (nothing when no model was configured)."""
    if usage is None:
        return {}
    return {
        "model": MetadataValue.text(usage.summary()),
        "model_usage": MetadataValue.json(usage.model_dump(mode="json")),
        "model_tokens": usage.tokens,
        "model_requests": usage.requests,
        "model_cost": usage.cost,
    }
