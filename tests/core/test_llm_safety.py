"""Safety checks on a model's code, before it runs anywhere; and taking its method apart."""

from __future__ import annotations

import pytest

from codegen_assets.core.logic.answer_code import (
    SkeletonError,
    body_from_code,
    extract_code,
    find_target,
    splice,
)
from codegen_assets.core.logic.safety import check_code
from tests.support.llm_tasks import HANDLER

PURE = '''\
from decimal import ROUND_HALF_UP, Decimal

from ..models import GrossResult


def handle(self, request: GrossRequest) -> GrossResult:
    """Gross."""
    rate = Decimal(1) + request.rate
    value = getattr(request, "net_amount")
    return GrossResult(gross_amount=(value * rate).quantize(Decimal("0.01"), ROUND_HALF_UP))
'''


def rules(code: str, node_type: str = "compute") -> list[str]:
    return [str(v) for v in check_code(code, node_type, node_package="node")]


def test_llm_safety_accepts_pure_logic_and_the_nodes_own_modules() -> None:
    assert rules(PURE) == []
    assert rules("import node.models\nreturn node.models.GrossResult(gross_amount=1)") == []
    assert rules("from ..protocols.store import Store\nx: Store", "effect") == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import os", "line 1: `os` is never allowed in generated business logic"),
        ("import subprocess as s", "line 1: `subprocess` is never allowed"),
        ("from socket import create_connection", "line 1: `socket` is never allowed"),
        ("import requests", "line 1: `requests` is not an allowed module"),
        ("x = 1\nimport importlib.util", "line 2: `importlib.util` is never allowed"),
        ("from ...secrets import KEY", "line 1: a relative import outside the node's package"),
        ("from ..protocols.store import Store", "line 1: a compute node is pure"),
        ("eval('1')", "line 1: `eval` is not allowed"),
        ("f = exec", "line 1: `exec` is not allowed"),
        ("open('/etc/passwd').read()", "line 1: `open` is not allowed"),
        ("__import__('os')", "line 1: `__import__` is not allowed"),
        ("vars(request)", "line 1: `vars` is not allowed"),
        ("getattr(request, name)", "line 1: `getattr` only with a literal attribute name"),
        ("getattr(request, '__class__')", "line 1: a string naming a dunder attribute"),
        ("().__class__.__base__.__subclasses__()", "line 1: the attribute `__subclasses__`"),
        ("request.__dict__", "line 1: the attribute `__dict__` is not allowed"),
        ("__builtins__['open']", "line 1: the name `__builtins__` is not allowed"),
        ("'{0.__globals__}'.format(f)", "line 1: a string naming a dunder attribute"),
        ("json.codecs.open('x')", "line 1: `.codecs` leads outside the program"),
        ("logging.os.environ['KEY']", "line 1: `.os` leads outside the program"),
        ("asyncio.create_subprocess_exec('sh')", "line 1: `.create_subprocess_exec` leads"),
        ("global STATE\nSTATE = 1", "line 1: `global` changes module state"),
        ("def f(:\n  pass", "line 1: does not parse"),
    ],
)
def test_llm_safety_rejects_hostile_code_by_line(code: str, expected: str) -> None:
    found = rules(code)
    assert any(v.startswith(expected) for v in found), found


def test_llm_safety_limits_complexity() -> None:
    branches = "\n".join(f"    if request.x == {i}:\n        return {i}" for i in range(10))
    code = f"def handle(self, request: R) -> int:\n{branches}\n    return -1\n"
    assert rules(code) == [
        "line 1: handle has complexity 11 (at most 10): split it into helpers or use a table"
    ]
    bare = "\n".join(f"if x == {i} and y:\n    return {i}" for i in range(5))
    assert rules(bare)[0].startswith("line 1: the body has complexity 11")
    assert rules("\n".join(f"if x == {i}:\n    return {i}" for i in range(9))) == []


def test_llm_answer_code_from_prose_fences_and_bare_bodies() -> None:
    target = find_target(HANDLER)
    assert (target.name, target.parameters, target.is_async) == (
        "handle",
        ("self", "request"),
        False,
    )
    assert target.signature == "def handle(self, request: GrossRequest) -> GrossResult:"
    fenced = f"Sure!\n```python\n{PURE}```\nThis rounds half up."
    assert extract_code(fenced) == PURE.strip("\n")
    extracted = body_from_code(extract_code(fenced), target)
    assert extracted.body is not None
    assert extracted.body.splitlines()[0] == "from decimal import ROUND_HALF_UP, Decimal"
    assert '"""Gross."""' not in extracted.body
    handler = splice(HANDLER, target, extracted.body)
    assert "NotImplementedError" not in handler and "# nodegen: body to write" not in handler
    assert '        """gross_amount = net_amount * (1 + rate), rounded to 2 places."""' in handler
    assert "        rate = Decimal(1) + request.rate\n" in handler
    compile(handler, "handler.py", "exec")
    bare = body_from_code(extract_code("Here it is:\nreturn GrossResult(gross_amount=1)"), target)
    assert bare.body == "return GrossResult(gross_amount=1)"


def test_llm_answer_that_is_the_whole_handler_file_gives_its_method() -> None:
    target = find_target(HANDLER)
    whole = HANDLER.replace(
        '        # nodegen: body to write\n        raise NotImplementedError("to write")\n',
        "        return GrossResult(gross_amount=request.net_amount)\n",
    )
    assert rules(whole) == []
    extracted = body_from_code(whole, target)
    assert extracted.body == (
        "from ..models import GrossRequest, GrossResult\n"
        "return GrossResult(gross_amount=request.net_amount)"
    )
    assert extracted.notes == ()
    compile(splice(HANDLER, target, extracted.body), "handler.py", "exec")


def test_llm_answer_with_another_signature_goes_back_to_the_model() -> None:
    target = find_target(HANDLER)
    other = body_from_code("def handle(self, net, rate):\n    return net\n", target)
    assert other.body is None and "the signature changed" in other.problems[0]
    with pytest.raises(SkeletonError, match="found 0"):
        find_target("def f() -> None:\n    pass\n")
