"""The nine generation stages, in lineage order (the asset names)."""

STAGES = (
    "parsed_prompt",
    "intelligence",
    "contract",
    "node_code",
    "event_bus",
    "validation_report",
    "refined_code",
    "written_files",
    "generated_tests",
)
