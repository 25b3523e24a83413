"""Rendering: a spec into a node's files (the Jinja2 templates, every name and literal they
print, formatted as the target repository formats code), the contract document built from it, the
lock file that records their provenance, and the three-way merge with hand edits."""
