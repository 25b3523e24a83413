"""The generator itself: models, settings, naming, the stages and the pipeline that orders them.

Imports nothing above it (no storage, GitHub, Dagster orchestration or entry points).
"""
