"""onex-nodegen: stage logic, Dagster assets, templates and resources for ONEX node generation."""
