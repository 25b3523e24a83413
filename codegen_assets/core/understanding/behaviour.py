"""What each handler does, honestly: behaviour derived from the prompt (a formula, a fold, the
steps it runs), delegated to a dependency the prompt names, written by a model (a compute
handler the prompt did not say enough to derive, when one is configured), or still to write.
And the formulas
themselves: an expression over the inputs, parsed as a tree, checked and re-emitted as code —
never evaluated."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal

from codegen_assets.core.models import FieldType, Formula, InputField, NodeSpec, NodeType, Operation

FROM_PROMPT = "from the prompt"
DELEGATES = "delegates"
TO_WRITE = "to write"
FROM_MODEL = "from a model"
_FUNCTIONS = {"min", "max", "abs", "round", "sum", "len"}
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)


class FormulaError(ValueError):
    """An expression that is not plain arithmetic over the operation's inputs."""


@dataclass(frozen=True)
class Behaviour:
    """How one handler does its work: ``kind`` is FROM_PROMPT, DELEGATES, FROM_MODEL or
    TO_WRITE; ``how`` says what it does (or must do), in a sentence."""

    kind: str
    how: str
    body: str = ""  # "formula", "fold", "steps", "delegate", "placeholder", "model"
    model: str = ""  # FROM_MODEL: the model that wrote the body


def model_writable(spec: NodeSpec, op: Operation) -> bool:
    """Whether a model may write ``op``'s handler: a compute handler left to write (pure, so
    the node's tests and the prompt's examples check the whole of it)."""
    return spec.node_type is NodeType.COMPUTE and _base(spec, op).kind == TO_WRITE


_ALLOWED = (
    ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Load, ast.USub, ast.UAdd, ast.And,
    ast.Or, ast.Not, ast.IfExp, *_OPERATORS, *_COMPARISONS,
)  # fmt: skip


def check_expression(expression: str, names: set[str]) -> ast.expr:
    """The parsed ``expression``; a FormulaError unless it is arithmetic, comparisons and
    min/max/abs/round/sum/len over ``names`` and numbers."""
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"{expression!r} is not an expression") from exc
    for node in ast.walk(tree):
        problem = _problem(node, names)
        if problem:
            raise FormulaError(f"{expression!r} {problem}")
    return tree


def _problem(node: ast.AST, names: set[str]) -> str:
    """What makes ``node`` more than arithmetic over ``names`` ("" when nothing)."""
    if isinstance(node, ast.Name):
        ok = node.id in names or node.id in _FUNCTIONS
        return "" if ok else f"names {node.id!r}, which is no input"
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            return f"calls something other than {sorted(_FUNCTIONS)}"
        return "passes keyword arguments" if node.keywords else ""
    if isinstance(node, ast.Constant):
        number = isinstance(node.value, int | float) and not isinstance(node.value, bool)
        return "" if number else f"holds {node.value!r}, which is no number"
    if not isinstance(node, _ALLOWED):
        return f"uses {type(node).__name__}, which is not arithmetic"
    return ""


class _Emitter(ast.NodeTransformer):
    """Inputs become ``request.<name>``; numbers become ``Decimal("…")`` in decimal arithmetic."""

    def __init__(self, decimal: bool) -> None:
        self.decimal = decimal

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in _FUNCTIONS:
            return node
        return ast.Attribute(
            value=ast.Name(id="request", ctx=ast.Load()), attr=node.id, ctx=ast.Load()
        )

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        if self.decimal and isinstance(node.value, float):
            text = str(Decimal(repr(node.value)))
            return ast.Call(
                func=ast.Name(id="Decimal", ctx=ast.Load()), args=[ast.Constant(text)], keywords=[]
            )
        return node


def emit(formula: Formula, inputs: tuple[InputField, ...], output: InputField) -> str:
    """The formula as Python over ``request``, its result typed as ``output``."""
    by_name = {f.name: f for f in inputs}
    tree = check_expression(formula.expression, set(by_name))
    decimal = output.type is FieldType.DECIMAL or any(
        by_name[n.id].type is FieldType.DECIMAL
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and n.id in by_name
    )
    code = ast.unparse(_Emitter(decimal).visit(tree))
    if output.type is FieldType.DECIMAL:
        code = f"Decimal({code})" if not decimal else code
        if output.decimal_places is not None:
            quantum = (
                "1"
                if output.decimal_places == 0
                else "0." + "0" * (output.decimal_places - 1) + "1"
            )
            code = f'({code}).quantize(Decimal("{quantum}"), rounding=ROUND_HALF_UP)'
    elif output.type is FieldType.INT:
        code = f"int({code})"
    elif output.type is FieldType.FLOAT:
        code = f"float({code})"
    return code


def divisors(spec_op: Operation) -> list[str]:
    """The inputs the operation's formulas divide by ("risk = debts / income": income), each
    once: a request where one is 0 is refused, not answered with a crash."""
    names = {f.name for f in spec_op.inputs}
    found: dict[str, None] = {}
    for formula in spec_op.formulas:
        for node in ast.walk(check_expression(formula.expression, names)):
            if not isinstance(node, ast.BinOp) or not isinstance(
                node.op, (ast.Div, ast.FloorDiv, ast.Mod)
            ):
                continue
            if isinstance(node.right, ast.Name) and node.right.id in names:
                found[node.right.id] = None
    return list(found)


def uses_decimal(spec_op: Operation) -> bool:
    """Whether the handler's formulas need ``Decimal`` (and ``ROUND_HALF_UP``)."""
    outputs = {f.name: f for f in spec_op.outputs}
    return any(
        outputs[f.output].type is FieldType.DECIMAL for f in spec_op.formulas if f.output in outputs
    ) or (any(f.type is FieldType.DECIMAL for f in spec_op.inputs) and bool(spec_op.formulas))


def behaviour(spec: NodeSpec, op: Operation) -> Behaviour:
    """How ``op``'s handler does its work, and whether the prompt said enough to write it."""
    found = _base(spec, op)
    model = spec.written_by_model.get(op.name)
    if model is None or not model_writable(spec, op):
        return found
    what = found.how.replace("must compute", "computes", 1)
    return Behaviour(FROM_MODEL, what, "model", model)


def _base(spec: NodeSpec, op: Operation) -> Behaviour:
    outputs = [f.name for f in op.outputs]
    formulas = {f.output for f in op.formulas}
    if spec.node_type is NodeType.COMPUTE:
        if outputs and set(outputs) <= formulas:
            return Behaviour(
                FROM_PROMPT,
                "computes " + ", ".join(outputs) + " by the prompt's formulas",
                "formula",
            )
        missing = [o for o in outputs if o not in formulas]
        what = ", ".join(missing) if missing else "its result (the prompt names no output)"
        return Behaviour(TO_WRITE, f"must compute {what} from {_inputs(op)}", "placeholder")
    if spec.node_type is NodeType.EFFECT:
        named = [
            d
            for d in spec.dependencies
            if not d.is_event_client and not d.description.startswith("Added")
        ]
        if named:
            return Behaviour(DELEGATES, f"delegates {op.name} to {named[0].name}", "delegate")
        return Behaviour(
            TO_WRITE, f"must call a client the prompt does not name for {op.name}", "delegate"
        )
    if spec.node_type is NodeType.REDUCER:
        state = [f.name for o in spec.operations for f in o.outputs]
        if not state:
            return Behaviour(
                FROM_PROMPT,
                "folds each event: counts per operation and the newest event per key",
                "fold",
            )
        return Behaviour(
            TO_WRITE, "must fold each event into " + ", ".join(dict.fromkeys(state)), "placeholder"
        )
    if outputs and not set(outputs) <= formulas:
        return Behaviour(
            TO_WRITE,
            "must report " + ", ".join(o for o in outputs if o not in formulas),
            "placeholder",
        )
    steps = [d.name for d in spec.dependencies if not d.is_event_client]
    return Behaviour(
        DELEGATES, "runs " + ", ".join(steps) + " in order, compensating on failure", "steps"
    )


def _inputs(op: Operation) -> str:
    names = [f.name for f in op.inputs]
    return ", ".join(names) if names else "its request"
