"""Prompts the rules cannot read, and the specs a model that reads them right answers."""

from __future__ import annotations

from typing import Any

RECORD = (
    "A compute node named shipping_quote that quotes the shipping cost of a parcel. Its "
    "operation quote_shipping takes the parcel below and returns cost (decimal) and carrier "
    "(string).\n\n```haskell\n"
    "data Parcel = Parcel\n"
    "  { weightKg :: Scientific\n"
    "  , lengthCm :: Int\n"
    "  , destinationCountry :: Text\n"
    "  }\n```\n"
)
FIELDS = [
    {"name": "weight_kg", "type": "decimal", "written": "weightKg"},
    {"name": "length_cm", "type": "int", "written": "lengthCm"},
    {"name": "destination_country", "type": "string", "written": "destinationCountry"},
]
VOLUME = (
    "A compute node named parcel_volume. Its operation compute_volume takes the fields of the "
    "record below and returns volume_cm3 (int) = length_cm * width_cm * height_cm.\n\n"
    "```haskell\ndata Parcel = Parcel { lengthCm :: Int, widthCm :: Int, heightCm :: Int }\n```\n"
)


def record_spec(fields: list[dict[str, Any]] = FIELDS, **changes: Any) -> dict[str, Any]:
    """The spec of RECORD as a model that reads it right answers it (``changes`` over it)."""
    spec: dict[str, Any] = {
        "spec_version": 1,
        "name": "shipping_quote",
        "node_type": "compute",
        "description": "Quotes the shipping cost of a parcel.",
        "operations": [
            {
                "name": "quote_shipping",
                "inputs": [{"name": "parcel", "type": "object", "model": "Parcel"}],
                "outputs": [
                    {"name": "cost", "type": "decimal"},
                    {"name": "carrier", "type": "string"},
                ],
            }
        ],
        "models": [{"name": "Parcel", "fields": fields}],
    }
    return {**spec, **changes}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def volume_spec() -> dict[str, Any]:
    """The spec of VOLUME, its formula included."""
    sides = ("length_cm", "width_cm", "height_cm")
    return {
        "spec_version": 1,
        "name": "parcel_volume",
        "node_type": "compute",
        "description": "Computes the volume of a parcel.",
        "operations": [
            {
                "name": "compute_volume",
                "inputs": [
                    {"name": side, "type": "int", "written": _camel(side)} for side in sides
                ],
                "outputs": [{"name": "volume_cm3", "type": "int"}],
                "formulas": [
                    {"output": "volume_cm3", "expression": "length_cm * width_cm * height_cm"}
                ],
            }
        ],
    }
