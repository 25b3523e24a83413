"""A CSV header line pasted into a request, with its column types."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.csv_header import csv_headers
from tests.core.understanding.spec_view import operations


def test_a_header_with_a_line_of_types_is_the_row_model() -> None:
    prompt = """\
Effect node, operation `import_rows`, writing through `warehouse_pool`. Each file has:

```csv
sku,qty,price,added_on
string,int,decimal,date
```

The operation takes `rows` (a list of rows) and returns `imported` (int).
"""
    assert operations(prompt)["import_rows"] == {
        "in": {"rows": "list[{added_on:date,price:decimal,qty:int,sku:string}]"},
        "out": {"imported": "int"},
    }


def test_a_header_with_a_description_of_its_columns_names_the_row_model_by_its_list() -> None:
    prompt = """\
Effect node, operation `readings.ingest`, through `timescale_pool`. The upload has this header:

device_id,sensor_kind,reading_value,unit,battery_pct

Column types: device_id uuid; sensor_kind temperature/humidity/co2; reading_value float; unit
string, up to 8 chars; battery_pct int in 0..100, may be empty (optional).
The operation takes `rows` (list of SensorRow) and returns `inserted` (int).
"""
    assert operations(prompt)["readings_ingest"]["in"] == {
        "rows": (
            "list[{battery_pct:int{ge=0,le=100}?,device_id:uuid,reading_value:float,"
            "sensor_kind:enum[co2,humidity,temperature],unit:string{max_length=8}}]"
        )
    }


def test_lines_that_only_look_like_a_header_are_not_one() -> None:
    assert csv_headers("red,green,blue\n\nand then some prose.") == []
    assert csv_headers("a,b,c\nx,y,z\n") == []  # values, not types
    assert csv_headers("a,a,b\nint,int,int\n") == []  # a column twice
    (row,) = csv_headers("id;name;born\nuuid;string;date\n")
    assert [(f.name, f.typed.base) for f in row.fields] == [
        ("id", "uuid"),
        ("name", "string"),
        ("born", "date"),
    ]
