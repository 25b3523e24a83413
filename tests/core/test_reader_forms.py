"""The reader on forms people write that the first corpus did not have: Spanish and Italian
words, headings without colons, markdown emphasis, arrows, intervals, lists of things "made of"
fields, elided verbs, a handler's ``return {...}``, a one-line signature. Each prompt here is
written for the test, not taken from a corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.reader import Facts, OpFacts, read
from codegen_assets.core.understanding.types import Typed, parse_type


def _op(facts: Facts, name: str | None = None) -> OpFacts:
    ops = [op for op in facts.operations if name is None or op.name == name]
    assert ops, [op.name for op in facts.operations]
    return ops[0]


def _fields(items: list[FieldPhrase]) -> dict[str, Typed]:
    return {f.name: f.typed for f in items}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cadena de hasta 80 caracteres", {"base": "string", "max_length": 80}),
        ("entero, mayor que 0", {"base": "int", "gt": Decimal(0)}),
        ("stringa, opzionale", {"base": "string", "optional": True}),
        ("fecha y hora", {"base": "datetime"}),
        ("lista de enteros", {"base": "int", "is_list": True}),
        ("Text mit genau 5 Zeichen", {"min_length": 5, "max_length": 5}),
        ("Text, 3 bis 9 Zeichen", {"min_length": 3, "max_length": 9}),
        ("int, 1..64, default 8", {"ge": Decimal(1), "le": Decimal(64), "default": 8}),
        ("float in [0, 1)", {"ge": Decimal(0), "lt": Decimal(1)}),
        ("booléen, vrai par défaut", {"base": "bool", "default": True}),
        ("ganze Zahl, nie negativ", {"base": "int", "ge": Decimal(0)}),
        ("Ganzzahl, Standardwert 3", {"base": "int", "default": 3}),
        ("draft/live/archived", {"enum": ("draft", "live", "archived")}),
        ("(low, mid or high)", {"enum": ("low", "mid", "high")}),
        ("genau einen der Werte rot, gelb oder gruen", {"enum": ("rot", "gelb", "gruen")}),
        ("list of Seat, at least 1, at most 9", {"min_length": 1, "max_length": 9, "ge": None}),
        ("list of ints, each at least 0", {"ge": Decimal(0), "min_length": None}),
    ],
)
def test_type_phrases(text: str, expected: dict[str, object]) -> None:
    typed = parse_type(text)
    assert {key: getattr(typed, key) for key in expected} == expected


def test_spanish_request_with_middle_dot_bullets() -> None:
    facts = read(
        "Un nodo effect que envía facturas por el `mailer_client`. La operación se llama "
        "enviar_factura y recibe:\n"
        "  · factura_id: cadena de texto\n"
        "  · destinatario: cadena con formato de correo electrónico\n"
        "  · copias: lista de cadenas, opcional\n\n"
        "Devuelve enviada (booleano) y mensaje_id (cadena, opcional)."
    )
    op = _op(facts, "enviar_factura")
    inputs, outputs = _fields(op.inputs), _fields(op.outputs)
    assert list(inputs) == ["factura_id", "destinatario", "copias"]
    assert inputs["destinatario"].format == "email"
    assert inputs["copias"].is_list and inputs["copias"].optional
    assert list(outputs) == ["enviada", "mensaje_id"]
    assert outputs["mensaje_id"].optional


def test_markdown_headings_without_colons_and_bold_names() -> None:
    facts = read(
        "# Compute: Rabatt\n\nOperation `rabatt_berechnen`.\n\n## Eingabe\n"
        "- **warenwert**: Dezimalzahl, größer als 0\n- **stammkunde**: Wahrheitswert\n\n"
        "## Ausgabe\n- **rabatt**: Dezimalzahl\n"
    )
    op = _op(facts, "rabatt_berechnen")
    assert list(_fields(op.inputs)) == ["warenwert", "stammkunde"]
    assert list(_fields(op.outputs)) == ["rabatt"]


def test_arrow_lists_with_slash_and_parenthesised_enums() -> None:
    facts = read(
        "nœud compute, opération noter_avis\n\nEntrée\n"
        "  note      ⟶ entier, ≥ 1\n  canal     ⟶ web / app / kiosque\n"
        "  humeur    ⟶ (content, neutre, fache)\n\nSortie\n  score     ⟶ décimal\n"
    )
    inputs = _fields(_op(facts).inputs)
    assert inputs["canal"].enum == ("web", "app", "kiosque")
    assert inputs["humeur"].enum == ("content", "neutre", "fache")
    assert list(_fields(_op(facts).outputs)) == ["score"]


def test_a_thing_made_of_fields_is_the_input_unless_a_list_holds_it() -> None:
    facts = read(
        "A reducer, operation `stock.apply`, reading from onex.evt.shop.stock-moved.v1. "
        "Each event is a movement consisting of sku (a string), moves, which is a list of "
        "MoveLine, and moved_at (a datetime). A MoveLine is made of bin (a string) and qty "
        "(an int). The state it returns contains on_hand (int)."
    )
    op = _op(facts, "stock.apply")
    assert list(_fields(op.inputs)) == ["sku", "moves", "moved_at"]
    assert _fields(op.inputs)["moves"].model == "MoveLine"
    assert list(_fields(facts.models["MoveLine"])) == ["bin", "qty"]
    assert facts.subscribe == ["onex.evt.shop.stock-moved.v1"]


def test_a_camel_case_heading_over_a_numbered_list_is_a_model() -> None:
    facts = read(
        "Compute node, operation: rank_offers.\n\nInput\n1) offers — list of Offer\n"
        "2) budget — decimal\n\nOffer\n1) offer_id — uuid\n2) price — decimal, > 0\n\n"
        "Output\n1) best_offer_id — uuid, optional\n"
    )
    op = _op(facts, "rank_offers")
    assert _fields(op.inputs)["offers"].model == "Offer"
    assert list(_fields(facts.models["Offer"])) == ["offer_id", "price"]
    assert list(_fields(op.outputs)) == ["best_offer_id"]


def test_changelog_lines_name_inputs_outputs_and_models() -> None:
    facts = read(
        "### Added\n- Add compute node `fare_quote`.\n- Add operation `fare.quote`.\n"
        "- Add model `Leg` with `origin` (string) and `km` (float, 0 to 5000).\n"
        "- Add input `legs`: list of Leg, must not be empty.\n"
        "- Add outputs `net`, `tax` and `gross`, all decimals.\n"
    )
    op = _op(facts, "fare.quote")
    assert _fields(op.inputs)["legs"].min_length == 1
    assert list(_fields(facts.models["Leg"])) == ["origin", "km"]
    assert [f.typed.base for f in op.outputs] == ["decimal"] * 3
    assert parse_prompt("- Add compute node `fare_quote`.\n- Add operation `fare.quote`.").name


def test_elided_verbs_and_a_handlers_return_dict() -> None:
    facts = read(
        "Compute node, operation `quota.check`. Inputs: `tenant` (string) and `used` (int).\n\n"
        '```python\nreturn {\n    "allowed": True,\n    "left": -3,\n'
        '    "resets_at": datetime(2025, 1, 1, tzinfo=timezone.utc),\n'
        '    "tier": "free",\n}\n```\n\n'
        "allowed is a bool, left an int and tier one of free, pro or team."
    )
    outputs = _fields(_op(facts).outputs)
    assert outputs["allowed"].base == "bool"
    assert outputs["left"].base == "int"
    assert outputs["resets_at"].base == "datetime"
    assert outputs["tier"].enum == ("free", "pro", "team")


def test_a_one_line_signature_with_an_arrow() -> None:
    facts = read("Compute: due date (opened_on: date, sla_days: int) → due_on: date")
    op = _op(facts)
    assert not op.stated and op.name == "due_date"
    assert list(_fields(op.inputs)) == ["opened_on", "sla_days"]
    assert list(_fields(op.outputs)) == ["due_on"]


def test_modal_words_after_a_cue_and_both_in_german() -> None:
    facts = read(
        "Die Operation heißt ort_finden. Sie bekommt plz (Text). Zurückgeben soll sie lat und "
        "lon (beides Gleitkommazahlen)."
    )
    outputs = _fields(_op(facts).outputs)
    assert list(outputs) == ["lat", "lon"]
    assert {t.base for t in outputs.values()} == {"float"}


def test_short_words_are_names_when_typed_in_parentheses() -> None:
    facts = read("Operation `slot.book` takes room (string) and at (datetime).")
    assert _fields(_op(facts).inputs)["at"].base == "datetime"


def test_topics_heard_in_other_words() -> None:
    facts = read(
        "Reducer. Escucha el tópico onex.evt.cards.charge-made.v1. Il consomme les votes "
        "publiés sur onex.evt.polls.vote-cast.v1."
    )
    assert facts.subscribe == ["onex.evt.cards.charge-made.v1", "onex.evt.polls.vote-cast.v1"]


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("Knotenname: `lohn_rechner`. Compute node, operation `lohn`.", "lohn_rechner"),
        ("Ein Orchestrator-Knoten (Name: shard_rollout) startet.", "shard_rollout"),
        ("Add compute node `fare_quote` for fares.", "fare_quote"),
    ],
)
def test_node_names_in_other_forms(prompt: str, name: str) -> None:
    assert parse_prompt(prompt).name == name


def test_operations_listed_after_with_or_under_a_header() -> None:
    facts = read("Aggregate order events into daily totals with record, refund operations")
    assert [op.name for op in facts.operations] == ["record", "refund"]
    assert all(not op.outputs for op in facts.operations)  # "refund operations" is no field
    facts = read(
        "Calculate a risk score. Operations:\n- score_loan: score one loan\n"
        "  Input: income (decimal), debts (decimal)\n  Returns risk = debts / income.\n"
    )
    (op,) = facts.operations
    assert op.name == "score_loan" and op.rules.formulas["risk"][0] == "debts / income"


def test_a_formula_is_one_item_of_a_list() -> None:
    facts = read(
        "Operation `verify` takes amount (int) and count (int) and returns "
        "checksum = amount * 31 + count"
    )
    assert [f.name for f in _op(facts).outputs] == ["checksum"]
    facts = read("Operation `t` takes a (int) and returns n (int, >= 0) and m (int)")
    assert [f.name for f in _op(facts).outputs] == ["n", "m"]


def test_an_orchestrator_with_named_steps_places_them() -> None:
    spec = parse_prompt(
        "Orchestrate user onboarding with create_account and send_welcome.\n"
        "Dependencies:\n- account_client (AccountClient) - required\n"
    )
    assert spec.unplaced == () and not spec.review


def test_comments_on_pasted_python_fields_add_values_bounds_and_optional() -> None:
    facts = read(
        "Compute node, operation `grade`.\n\n```python\nclass GradeRequest(BaseModel):\n"
        '    level: str          # "low" | "medium" | "high"\n'
        "    score: float        # 0..1\n    note: NotRequired[str]\n"
        "    n: Annotated[int, Field(ge=1, le=9)]\n```\n"
    )
    inputs = _fields(_op(facts).inputs)
    assert inputs["level"].enum == ("low", "medium", "high")
    assert (inputs["score"].ge, inputs["score"].le) == (Decimal(0), Decimal(1))
    assert inputs["note"].optional
    assert (inputs["n"].ge, inputs["n"].le) == (Decimal(1), Decimal(9))


@pytest.mark.parametrize(
    ("prompt", "said"),
    [
        # a number the reading does not hold
        ("Operation `f` takes size (int, sixty-four or 64 at the very most-ish).", "64"),
        # values listed that the field did not get
        ("Operation `f` takes mode (string, one of the modes the wiki lists).", "a list of values"),
    ],
)
def test_words_about_a_field_that_were_not_read_are_asked_about(prompt: str, said: str) -> None:
    spec = parse_prompt(prompt)
    assert spec.review and said in spec.review[-1]


def test_examples_numbering_and_precision_are_not_unread_rules() -> None:
    for prompt in (
        'Operation `f` takes payload. Request: {"size": 64, "ratio": 0.5}',
        "Operation `f`.\nInput\n1) size — int\n2) mode — string\n",
        "CREATE TABLE t (total NUMERIC(14,2) NOT NULL, code VARCHAR(3));\nOperation `f`.",
        "Operation `f` takes checksum (string, e.g. sha256 of the body, like 9f86d081).",
    ):
        assert parse_prompt(prompt).review == (), prompt


def test_two_formulas_in_one_sentence_are_both_read() -> None:
    facts = read(
        "Operation `split` takes amount (decimal) and rate (decimal) and returns "
        "total = amount * rate and share = amount / rate."
    )
    assert {out: expr for out, (expr, _) in _op(facts).rules.formulas.items()} == {
        "total": "amount * rate",
        "share": "amount / rate",
    }
