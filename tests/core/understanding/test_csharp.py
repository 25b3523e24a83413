"""C# records, classes with properties and enums pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.csharp import csharp_types
from tests.core.understanding.spec_view import operations, warnings

JOURNAL = """\
Effect node, operation `post_journal_entry`, through the `sap_client`. The .NET types:

```csharp
public enum Ledger { General, [EnumMember(Value = "sub")] Subsidiary = 2 }

public sealed record JournalLine(
    string GlAccount,          // up to 10 characters
    decimal Debit,             // >= 0
    string? CostCenter);

public class PostJournalEntryRequest
{
    public const int MaxLines = 200;

    [Required]
    public Guid EntryId { get; init; }
    public DateOnly PostingDate { get; init; }
    [StringLength(4, MinimumLength = 4)]
    public string CompanyCode { get; init; } = "";
    public required IReadOnlyList<JournalLine> Lines { get; init; }   // between 2 and 200 lines
    [JsonPropertyName("ref")] public string? Reference { get; set; }
    [Range(0, 10)] public int Priority { get; set; } = 5;
    public Ledger Ledger { get; set; } = Ledger.General;
    [EmailAddress] public string Notify { get; set; } = "";
    public bool IsLarge => Lines.Count > 100;
    public void Validate() { if (Lines.Count == 0) throw new InvalidOperationException(); }
}

public record PostJournalEntryResult(string DocumentNumber, bool Posted, DateTimeOffset PostedAt);
```
"""


def test_positional_records_properties_data_annotations_and_an_enum() -> None:
    line = "{CostCenter:string?,Debit:decimal{ge=0},GlAccount:string{max_length=10}}"
    assert operations(JOURNAL) == {
        "post_journal_entry": {
            "in": {
                "EntryId": "uuid",
                "PostingDate": "date",
                "CompanyCode": "string{max_length=4,min_length=4}",
                "Lines": f"list[{line}]{{max_length=200,min_length=2}}",
                "ref": "string?",
                "Priority": "int{default=5,ge=0,le=10}",
                "Ledger": "enum[general,sub]{default=General}",
                "Notify": "string{format=email}",
            },
            "out": {"DocumentNumber": "string", "Posted": "bool", "PostedAt": "datetime"},
        }
    }
    assert warnings(JOURNAL) == ()


def test_a_half_pasted_record_keeps_its_readable_parameters() -> None:
    text = """\
public record Half(
    string A,
    string ,
    int? C,
    List<
"""
    (group,) = csharp_types(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("A", "string", False),
        ("C", "int", True),
    ]


def test_what_is_not_csharp_gives_nothing() -> None:
    for text in (
        "Our record class is a struct of habits; the enum of reasons is long.",
        "public class Service { public void Run() { } }",
        "public record Empty();",
        "public enum Nothing { }",
        "class Foo(BaseModel):\n    a: int\n",
    ):
        assert csharp_types(text) == [], text
