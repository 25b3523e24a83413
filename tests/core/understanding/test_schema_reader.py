"""How the reader puts pasted schemas together: which language keeps a block, comments read as
types, what prose says after a paste, the cue before a fenced block, and that no paste, however
broken, makes the reader fail."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen_assets.core.understanding import read
from codegen_assets.core.understanding.schemas import schema_groups
from codegen_assets.core.understanding.types import Typed, parse_type, with_note
from tests.core.understanding.spec_view import operations, warnings


def test_a_comment_narrows_a_loose_code_type_and_counts_the_items_of_a_list() -> None:
    assert with_note(Typed(base="float"), "integer; optional") == Typed(base="int", optional=True)
    assert with_note(Typed(base="string"), "a UUID").base == "uuid"
    assert with_note(Typed(base="bool"), "a string").base == "bool"  # not loose: kept
    chunks = with_note(Typed(model="Chunk", is_list=True), "at least one chunk")
    assert (chunks.model, chunks.min_length, chunks.ge) == ("Chunk", 1, None)
    scores = with_note(Typed(base="int", is_list=True), "each 0..5")
    assert (scores.ge, scores.le, scores.min_length) == (Decimal(0), Decimal(5), None)
    route = with_note(Typed(base="string"), "exactly one of: transactional, marketing")
    assert route.enum == ("transactional", "marketing")


def test_ranges_written_with_dots_and_lengths_written_as_ranges() -> None:
    assert (parse_type("1..500").ge, parse_type("1..500").le) == (Decimal(1), Decimal(500))
    assert (parse_type("0..=10000").ge, parse_type("0..=10000").le) == (Decimal(0), Decimal(10000))
    assert (parse_type("-3..5").ge, parse_type("-3..5").le) == (Decimal(-3), Decimal(5))
    text = parse_type("1..1600 characters")
    assert (text.min_length, text.max_length, text.ge, text.le) == (1, 1600, None, None)
    assert parse_type("at most 10 entries").max_length == 10
    assert (parse_type("1 to 64 entries").min_length, parse_type("1 to 64 entries").max_length) == (
        1,
        64,
    )
    assert parse_type("version 1.2").ge is None
    closed, half_open = parse_type("a float in [0, 1]"), parse_type("an int in [1, 10)")
    assert (closed.ge, closed.le, closed.lt) == (Decimal(0), Decimal(1), None)
    assert (half_open.ge, half_open.le, half_open.lt) == (Decimal(1), None, Decimal(10))


def test_the_language_that_understands_a_block_better_keeps_it() -> None:
    graphql_interface = "interface Node {\n  id: ID!\n  count: Int!\n}\n"
    ((group,),) = [schema_groups(graphql_interface)]
    assert (group.source, [f.typed.base for f in group.fields]) == ("graphql", ["string", "int"])
    ts_interface = "interface Node {\n  id: string;\n  count?: number;\n}\n"
    (group,) = schema_groups(ts_interface)
    assert (group.source, [f.typed.optional for f in group.fields]) == ("typescript", [False, True])
    rust_enum = '#[serde(rename_all = "lowercase")]\nenum Tier { Basic, ProPlus }\n'
    (group,) = schema_groups(rust_enum)
    assert (group.source, group.values) == ("rust", ("basic", "proplus"))


def test_the_cue_before_a_fenced_block_is_the_line_before_its_fence() -> None:
    prompt = """\
Reducer, operation `lag.observe`.

State:
```ts
interface Lag { total: number; }  // integer
```

Event:
```ts
interface Sample { offset: number; }
```
"""
    assert operations(prompt)["lag_observe"] == {
        "in": {"offset": "float"},
        "out": {"total": "float"},
    }


def test_what_a_sentence_says_of_a_field_ends_where_the_next_one_is_named() -> None:
    prompt = """\
Effect node, operation `mail.archive`, through `gmail_client`.

Response:
```json
{"archived_count": 187, "skipped_ids": ["a"], "finished_at": "2025-06-01T04:00:12Z"}
```

archived_count is an int, skipped_ids a list of strings and finished_at a datetime. For us
`long` is just an integer, and archived_count is never negative.
"""
    assert operations(prompt)["mail_archive"]["out"] == {
        "archived_count": "int{ge=0}",
        "skipped_ids": "list[string]",
        "finished_at": "datetime",
    }


def test_an_enum_declared_in_one_block_types_a_field_of_another() -> None:
    prompt = """\
Compute node, operation `rate`.

```python
class Level(str, Enum):
    LOW = "low"
    HIGH = "high"
```

```python
class RateInput(BaseModel):
    level: Level
    amount: Decimal = Field(gt=0)
```
"""
    assert operations(prompt)["rate"]["in"] == {
        "level": "enum[high,low]",
        "amount": "decimal{gt=0}",
    }


def test_the_words_of_pasted_code_are_neither_operations_nor_unplaced_names() -> None:
    prompt = """\
Compute node, operation `price`.

```rust
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<rust_decimal::Decimal>,
}
```
"""
    assert operations(prompt) == {"price": {"in": {"unitPrice": "decimal?"}, "out": {}}}
    assert warnings(prompt) == ()


_FRAGMENTS = st.sampled_from(
    [
        "interface X {", "type X = {", "message M {", "enum E {", "type S struct {",
        "pub struct R {", "input I {", "#[serde(rename_all = \"camelCase\")]", "a: string;",
        "b?: number // integer", "string s = 1;", "repeated int32 n = 2 [(validate.rules)",
        'Name string `json:"name,omitempty" validate:"min=1', "pub x: Option<Vec<", "c: [Int!]!",
        '{"type": "record", "name": "R", "fields": [', '{"name": "f", "type": ["null", "long"]}',
        '"properties": {"a": {"type": "integer", "minimum": "x"}}', "components:\n  schemas:",
        "    X:\n      type: object\n      properties:\n        a: {type: string}",
        "class T(TypedDict, total=False):", "    a: Annotated[int, Ge(", "def f(a: int, *, b",
        ") -> R:", "return {", "'k': datetime(", "a,b,c\n", "int,str,date\n", "}", "]", ")",
        "```ts\n", "```\n", "\n", "  ", "// 1..", "# at least", "/* open", '"', "'", "`",
        # Kotlin, Scala, Swift, Java, C#
        "data class K(", "val a: String? = null,", "@field:Size(max = 4)", "enum class E {",
        "case class S(", "b: Option[Int] = None", "enum L:\n  case X, Y", "struct W: Codable {",
        "let x: [String]?", "case a = \"\"", "enum CodingKeys: String, CodingKey {",
        "public record R(", "@NotNull @DecimalMin(\"-1", "UUID id,", "public class C {",
        "private List<@NotBlank String> t = new ArrayList<>();", "[Required, StringLength(4",
        "public string? N { get; init; } = \"\";", "=> 1;",
        # Prisma, Zod, XSD, Terraform, trees, CLIs, workflows, HTTP, JSONC, sheets, Python
        "model P {", "  a String? @db.VarChar(4) @default(\"x\")", "enum S {\n  A\n",
        "const Z = z.object({", "k: z.string().min(1).optional(),", "z.enum([\"a\",", ".extend(",
        "<xs:complexType name=\"T\">", "<xs:element name=\"e\" type=\"xs:int\" minOccurs=\"0\"/>",
        "<xs:simpleType name=\"G\"><xs:restriction base=\"xs:string\">", "<!-- 1..", "-->",
        "variable \"v\" {", "type = list(string)", "condition = var.v >= 1 && length(var.v",
        "├── a: string", "│   └── b?: int (1\u20135)", "`-- c: X", "@click.command()",
        "@click.option(\"--x\", type=click.IntRange(1,", "parser.add_argument(\"--y\"",
        "POST /x HTTP/1.1\n", "HTTP/1.1 200 OK\n", '{"": 1}', "curl -d '", "{ // c\n",
        '"k": 1, // n', "field\tdirection\ttype\n", "x\tin\tint\n", "class M(Schema):\n",
        "    n = fields.Str(validate=validate.Length(max=", "    m = models.CharField(null=True",
        "    c: Mapped[str] = mapped_column(String(", "    q: int = attrs.field(validator=[v.ge(",
        "on:\n  workflow_dispatch:\n    inputs:\n      v:\n        type: choice\n",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAGMENTS | st.text(max_size=12), max_size=25))
def test_no_paste_however_broken_makes_the_readers_fail(parts: list[str]) -> None:
    text = "".join(parts)
    for group in schema_groups(text):
        assert 0 <= group.start <= group.end <= len(text)
        assert all(f.name for f in group.fields)
    read(text)
