"""Java records, classes with fields and enums pasted into a request (Bean Validation kept)."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.java import java_types
from tests.core.understanding.spec_view import operations, warnings

READINGS = """\
Reducer, operation `track_excursions`. Our Java types:

```java
public enum Compliance { OK, AT_RISK, @JsonProperty("breached") BREACHED }

public record TemperatureReading(
        @NotNull UUID shipmentId,
        @Size(max = 40) String sensorLabel,
        @DecimalMin("-40.0") @DecimalMax(value = "85.0", inclusive = false) double celsius,
        @NotNull Instant readAt,
        @Nullable @Min(0) @Max(100) Integer batteryPct,
        @NotBlank @Email String contact,
        @PositiveOrZero long sequence,
        List<@NotBlank String> tags,
        Optional<String> note) {}

public abstract class Audited {
    protected String auditedBy;
}

@Data
public final class ExcursionSummary extends Audited {
    public static final int LIMIT = 3;

    @JsonProperty("shipment_id")
    private UUID shipmentId;
    private int excursionCount = 0;   // never negative
    private BigDecimal maxCelsius;
    private @Nullable LocalDate firstDay;
    private Compliance compliance;
    private String[] sensors;

    public int getExcursionCount() { return excursionCount; }
}
```
"""


def test_records_classes_bean_validation_and_an_enum() -> None:
    assert operations(READINGS) == {
        "track_excursions": {
            "in": {
                "shipmentId": "uuid",
                "sensorLabel": "string{max_length=40}",
                "celsius": "float{ge=-40,lt=85}",
                "readAt": "datetime",
                "batteryPct": "int{ge=0,le=100}?",
                "contact": "string{format=email,min_length=1}",
                "sequence": "int{ge=0}",
                "tags": "list[string]",
                "note": "string?",
            },
            "out": {
                "shipment_id": "uuid",
                "excursionCount": "int{default=0,ge=0}",
                "maxCelsius": "decimal",
                "firstDay": "date?",
                "compliance": "enum[at_risk,breached,ok]",
                "sensors": "list[string]",
                "auditedBy": "string",
            },
        }
    }
    assert warnings(READINGS) == ()


def test_a_half_pasted_record_keeps_its_readable_components() -> None:
    text = """\
public record Half(
        String a,
        String ,
        Optional<Integer> c,
        List<
"""
    (group,) = java_types(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_java_gives_nothing() -> None:
    for text in (
        "For the record (the class of 2024), the enum of values is open.",
        "public class Empty { public void run() { System.out.println(1); } }",
        "public record Nothing() {}",
        "public enum Empty { }",
        "class Foo(BaseModel):\n    a: int\n",
    ):
        assert java_types(text) == [], text
