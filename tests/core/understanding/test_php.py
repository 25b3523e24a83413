"""PHP classes and enums pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.php import php_classes
from tests.core.understanding.spec_view import operations

PICKUP = """\
Effect node, operation `start_pickup`, called through `fleet_client`. The command:

```php
enum Coverage: string
{
    case Basic = 'basic';
    case Full = 'full';
}

final readonly class StartPickupCommand
{
    public int $attempt = 1;  // how many times the desk tried

    public function __construct(
        #[Assert\\Uuid] public string $reservationId,
        #[Assert\\Length(max: 20), Assert\\NotBlank] public string $licenceNumber,
        #[Assert\\Email] public string $driverEmail,
        public Coverage $coverage,
        #[Assert\\Range(min: 0, max: 2)] public int $extraDrivers = 0,
        public ?string $flightNumber = null,
        public \\DateTimeImmutable|null $pickedUpAt = null,
        bool $notAProperty = false,
    ) {
        $local = 3;
    }
}
```
"""


def test_promoted_and_typed_properties_with_symfony_attributes() -> None:
    assert operations(PICKUP)["start_pickup"]["in"] == {
        "attempt": "int{default=1}",
        "reservationId": "uuid",
        "licenceNumber": "string{max_length=20,min_length=1}",
        "driverEmail": "string{format=email}",
        "coverage": "enum[basic,full]",
        "extraDrivers": "int{default=0,ge=0,le=2}",
        "flightNumber": "string?",
        "pickedUpAt": "datetime?",
    }


def test_what_is_not_php_gives_nothing_and_never_fails() -> None:
    for text in (
        "class",
        "class X {",
        "enum E {}",
        "class X { function f($a) { return $a; } }",
        "final class X { public function __construct( }",
        "the class of $5 items",
    ):
        assert php_classes(text) == [], text
