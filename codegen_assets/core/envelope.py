"""The ONEX event envelope the generation events are mirrored to Kafka in."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class OnexEnvelopeV1(BaseModel):
    """The standard ONEX event envelope."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    envelope_id: str
    event_type: str
    version: str = "v1"
    timestamp: str
    source: str = "onex-nodegen"
    correlation_id: str
    workflow_id: str
    payload: dict[str, Any] = Field(default_factory=dict)
