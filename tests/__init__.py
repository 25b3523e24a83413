"""Tests of onex-nodegen."""
