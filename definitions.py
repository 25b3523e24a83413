"""The Dagster code location: ``dagster dev -f definitions.py`` loads ``defs``."""

from codegen_assets.deployments import build_definitions
from codegen_assets.settings import NodegenSettings

defs = build_definitions(NodegenSettings())
