"""Tests of codegen_assets/storage."""
