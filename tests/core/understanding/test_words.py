"""Words people use for bounds, defaults, values and directions, in English and other languages."""

from __future__ import annotations

import pytest

from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.types import parse_type
from tests.core.understanding.spec_view import operations


@pytest.mark.parametrize(
    ("written", "bounds"),
    [
        ("a string, never longer than 16 characters", (None, 16)),
        ("string, 19 or 20 characters", (19, 20)),
        ("text, högst 10 tecken", (None, 10)),
        ("texto, máximo 10 caracteres", (None, 10)),
    ],
)
def test_lengths(written: str, bounds: tuple[int | None, int | None]) -> None:
    typed = parse_type(written)
    assert (typed.min_length, typed.max_length) == bounds


@pytest.mark.parametrize(
    ("written", "base", "ge", "le"),
    [
        ("decimal, maior ou igual a zero", "decimal", 0, None),
        ("int, greater than or equal to 5", "int", 5, None),
        ("float, less than or equal to 10", "float", None, 10),
        ("decimaltal, minst 1 och högst 150000", "decimal", 1, 150000),
        ("heltal", "int", None, None),
    ],
)
def test_values(written: str, base: str, ge: int | None, le: int | None) -> None:
    typed = parse_type(written)
    assert (typed.base, typed.ge, typed.le) == (base, ge, le)


def test_defaults_and_values_in_portuguese() -> None:
    assert parse_type("booleano, padrão false").default is False
    assert parse_type("um entre: nenhum, aviso, esgotado").enum == ("nenhum", "aviso", "esgotado")


PORTUGUESE = """\
Reducer do consumo de dados.

Tópico de entrada: onex.evt.telecom.data-usage-recorded.v1
Tópico de saída: onex.snapshot.telecom.data-allowance.v1
Operação: registrar_consumo

Evento:
  pedido_id — uuid
  itens — lista de Item, pelo menos 1

Item:
  codigo — texto
  quantidade — inteiro, no mínimo 1
"""


def test_topic_headings_and_a_list_of_a_model_in_portuguese() -> None:
    spec = parse_prompt(PORTUGUESE)
    assert [t.name for t in spec.subscribe_topics] == ["onex.evt.telecom.data-usage-recorded.v1"]
    assert [t.name for t in spec.publish_topics] == ["onex.snapshot.telecom.data-allowance.v1"]
    inputs = operations(PORTUGUESE)["registrar_consumo"]["in"]
    assert inputs == {
        "pedido_id": "uuid",
        "itens": "list[{codigo:string,quantidade:int{ge=1}}]{min_length=1}",
    }


LIST_WITH_A_TYPE_UNKNOWN = """\
Compute node. Operação: encontrar_horario

Entrada:
- participantes: lista de Participante, no mínimo 2
- dia: data (só o dia, sem hora)

Cada Participante tem:
- nome: texto
- inicio_expediente: inteiro de 0 a 23
"""


def test_a_field_whose_type_is_not_known_is_asked_about_never_dropped() -> None:
    spec = parse_prompt(LIST_WITH_A_TYPE_UNKNOWN)
    inputs = operations(LIST_WITH_A_TYPE_UNKNOWN)["encontrar_horario"]["in"]
    assert (
        inputs["participantes"]
        == "list[{inicio_expediente:int{ge=0,le=23},nome:string}]{min_length=2}"
    )
    assert "dia" in inputs  # kept, its type asked about
    assert any("dia (the type 'data'" in reason for reason in spec.review)
