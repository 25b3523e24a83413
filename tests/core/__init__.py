"""Tests of codegen_assets/core."""
