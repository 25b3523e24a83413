"""Tests of the GitHub App (github_app)."""
