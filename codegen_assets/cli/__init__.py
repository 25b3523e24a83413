"""Entry points, the composition roots: omninode-generate, omninode-github, omninode-events."""
