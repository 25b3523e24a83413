"""Dagster: the stages as assets, resources for each external system, sensors, jobs, runners.

The only layer that imports both the generator and the GitHub App.
"""
