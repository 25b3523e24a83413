"""Kotlin data classes and enum classes pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.kotlin import kotlin_classes
from tests.core.understanding.spec_view import operations, warnings

SYNC = """\
Effect node, operation `upsert_contact`, through the `crm_client`. Input is our Kotlin command:

```kotlin
@Serializable
data class Address(
    val line1: String,
    val line2: String? = null,
    val countryCode: String,          // exactly 2 letters
)

enum class Stage { SUBSCRIBER, LEAD, @SerialName("customer") CUSTOMER }

data class UpsertContact(
    val externalId: UUID,
    @field:Email val email: String,
    @SerialName("first_name") val firstName: String? = null,
    val stage: Stage = Stage.LEAD,
    val tags: List<String>,           // at most 20 tags
    val address: Address? = null,
    val score: Long,                  // 0..100
    val balance: BigDecimal,
    @field:Size(min = 2, max = 40) val nickname: String,
    val optIn: Boolean = false,
    val since: LocalDate,
) {
    val displayName: String get() = "$firstName"   // computed: not a field
    var lastSeen: Instant? = null
}

data class UpsertResult(val contactId: Long, val created: Boolean)
```
"""


def test_data_classes_with_nullables_defaults_annotations_and_a_nested_model() -> None:
    address = "{countryCode:string{max_length=2,min_length=2},line1:string,line2:string?}"
    assert operations(SYNC) == {
        "upsert_contact": {
            "in": {
                "externalId": "uuid",
                "email": "string{format=email}",
                "first_name": "string?",
                "stage": "enum[customer,lead,subscriber]{default=LEAD}",
                "tags": "list[string]{max_length=20}",
                "address": f"{address}?",
                "score": "int{ge=0,le=100}",
                "balance": "decimal",
                "nickname": "string{max_length=40,min_length=2}",
                "optIn": "bool{default=false}",
                "since": "date",
                "lastSeen": "datetime?",
            },
            "out": {"contactId": "int", "created": "bool"},
        }
    }
    assert warnings(SYNC) == ()


def test_a_half_pasted_class_keeps_its_readable_properties() -> None:
    text = """\
data class Half(
    val a: String,
    val b: ,
    val c: Int? = null,
    val d: List<
"""
    (group,) = kotlin_classes(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_kotlin_gives_nothing() -> None:
    for text in (
        "The data class of our users (a plain class, really) holds val: nothing.",
        "class Foo(BaseModel):\n    a: int\n",
        "class Foo { constructor(public a: string) {} }",
        "enum class {",
        "data class X()",
    ):
        assert kotlin_classes(text) == [], text
