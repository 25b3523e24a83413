"""Tests of codegen_assets/cli."""
