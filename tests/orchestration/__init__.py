"""Tests of codegen_assets/orchestration."""
