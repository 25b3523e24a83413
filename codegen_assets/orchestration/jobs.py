"""The generation jobs: a node to a directory (CLI), or to a pull request (bot mode)."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from codegen_assets.orchestration.assets import generation_assets, pull_request
from codegen_assets.orchestration.progress import stage_done, stage_failed

GENERATE_JOB = "generate_node"
GENERATE_PR_JOB = "generate_node_pr"

generate_node_job = define_asset_job(
    GENERATE_JOB,
    selection=AssetSelection.assets(*generation_assets),
    description="Generate, validate and deliver one ONEX node (one partition per request).",
)


generate_node_pr_job = define_asset_job(
    GENERATE_PR_JOB,
    selection=AssetSelection.assets(*generation_assets, pull_request),
    hooks={stage_done, stage_failed},
    description="Bot mode: generate, validate and deliver one node as a pull request.",
)
