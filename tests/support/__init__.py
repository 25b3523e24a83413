"""Test-only doubles and local servers, not installed with the product."""
