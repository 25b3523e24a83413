"""The Dagster code location: ``dagster dev -f definitions.py`` loads ``defs``."""

from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.deployments import build_definitions

defs = build_definitions(NodegenSettings())
