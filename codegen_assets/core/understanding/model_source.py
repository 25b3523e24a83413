"""Pydantic models read from their source files, never imported: a class a contract names by
``{name, module}``, found under the directories above the contract (an installed package, a
repository's source tree) or in the ``models/`` beside it, with its fields (its base classes'
first), and the nested models and enums those fields refer to."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.schemas.python import python_classes
from codegen_assets.core.understanding.spec import class_name

MAX_FILE_BYTES = 512 * 1024
MAX_MODELS = 40  # nested models kept per node; deeper structure is an object
MAX_DEPTH = 4
_ENUM_BASES = {"Enum", "StrEnum", "IntEnum"}
_PYDANTIC_TYPES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("AwareDatetime", "NaiveDatetime", "PastDatetime", "FutureDatetime"), ("datetime", "")
    ),
    **dict.fromkeys(("PastDate", "FutureDate"), ("date", "")),
    **dict.fromkeys(("UUID1", "UUID3", "UUID4", "UUID5"), ("uuid", "")),
    **dict.fromkeys(("StrictStr", "SecretStr", "Path", "IPvAnyAddress"), ("string", "")),
    "StrictInt": ("int", ""), "StrictFloat": ("float", ""), "StrictBool": ("bool", ""),
    "PositiveInt": ("int", "gt"), "NonNegativeInt": ("int", "ge"),
    "NegativeInt": ("int", "lt"), "NonPositiveInt": ("int", "le"),
    "PositiveFloat": ("float", "gt"), "NonNegativeFloat": ("float", "ge"),
}  # fmt: skip
_MODEL_BASES = {"BaseModel", "RootModel"}


@dataclass(frozen=True)
class SourceClass:
    """A class as written in a module's source."""

    name: str
    module: str
    node: ast.ClassDef
    text: str  # the module's source


@dataclass
class ReadModel:
    """A model's fields (as written, with their types) and the nested models and enums they use."""

    fields: list[FieldPhrase]
    found: bool = True


@dataclass
class ModelSource:
    """Finds classes by module and name below ``roots``, or in ``beside`` (a ``models/`` dir)."""

    roots: tuple[Path, ...]
    beside: Path | None = None
    nested: dict[str, list[FieldPhrase]] = field(default_factory=dict)  # by spec model name
    _modules: dict[str, ast.Module | None] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def near(cls, contract: Path) -> ModelSource:
        """The source around ``contract``: every directory above it, and its ``models/``."""
        here = contract.resolve().parent
        models = here / "models"
        return cls(roots=(here, *here.parents), beside=models if models.is_dir() else None)

    def read(self, module: str, name: str) -> ReadModel:
        """The fields of ``module.name`` (none, ``found=False``, when its source is not here)."""
        found = self.find(module, name)
        if found is None:
            return ReadModel([], found=False)
        return ReadModel(self._fields(found, depth=0))

    # -- finding classes ------------------------------------------------------------------
    def find(self, module: str, name: str, hops: int = 0) -> SourceClass | None:
        """``name`` defined in ``module`` (or re-exported by it), else in ``models/`` beside."""
        found = self._in_module(module, name, hops) if module else None
        if found is None and self.beside is not None and hops == 0:
            for path in sorted(self.beside.glob("*.py")):
                found = self._in_module(f"{_BESIDE}.{path.stem}", name, hops=3)
                if found is not None:
                    break
        return found

    def _in_module(self, module: str, name: str, hops: int) -> SourceClass | None:
        tree = self._tree(module)
        if tree is None:
            return None
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return SourceClass(name, module, node, self._texts[module])
        origin = _imported(tree, module, name)
        if origin is not None and hops < 3:
            return self._in_module(origin[0], origin[1], hops + 1)
        return None

    def _tree(self, module: str) -> ast.Module | None:
        if module not in self._modules:
            path = self._path(module)
            tree = None
            if path is not None and path.stat().st_size <= MAX_FILE_BYTES:
                text = path.read_text(encoding="utf-8", errors="replace")
                try:
                    tree = ast.parse(text)
                except SyntaxError:
                    tree = None
                self._texts[module] = text
            self._modules[module] = tree
        return self._modules[module]

    def _path(self, module: str) -> Path | None:
        if module.startswith(f"{_BESIDE}."):
            path = self.beside / f"{module.split('.', 1)[1]}.py" if self.beside else None
            return path if path is not None and path.is_file() else None
        parts = module.split(".")
        if not all(p.isidentifier() for p in parts):
            return None
        for root in self.roots:
            for candidate in (root.joinpath(*parts).with_suffix(".py"),
                              root.joinpath(*parts, "__init__.py")):  # fmt: skip
                if candidate.is_file():
                    return candidate
        return None

    # -- reading fields ---------------------------------------------------------------------
    def _fields(self, found: SourceClass, depth: int) -> list[FieldPhrase]:
        """The fields of ``found``: its bases' first (a field it redefines wins)."""
        merged: dict[str, FieldPhrase] = {}
        for base in found.node.bases:
            base_name = _name(base)
            if base_name in _MODEL_BASES or not base_name:
                continue
            parent = self._resolve(found, base_name)
            if parent is not None and depth < MAX_DEPTH:
                merged.update((f.name, f) for f in self._fields(parent, depth + 1))
        own = _own_fields(found)
        for phrase in own:  # the bases' fields were resolved in their own modules
            self._refer(found, phrase, depth)
        merged.update((f.name, f) for f in own)
        return list(merged.values())

    def _refer(self, owner: SourceClass, phrase: FieldPhrase, depth: int) -> None:
        """Turn the class a field names into an enum, a nested model, or an object."""
        typed = phrase.typed
        if not typed.model:
            return
        if typed.model in _PYDANTIC_TYPES:  # pydantic's constrained and strict types
            base, bound = _PYDANTIC_TYPES[typed.model]
            typed.model, typed.base = "", base
            if bound:
                setattr(typed, bound, Decimal(0))
            return
        target = self._resolve(owner, typed.model)
        if target is not None and _is_enum(target):
            members = _enum_members(target)
            is_int = any(_name(b) == "IntEnum" for b in target.node.bases) or (
                bool(members) and all(isinstance(v, int) for _, v in members)
            )
            typed.model = ""
            typed.base = "int" if is_int else "string"
            typed.enum = () if is_int else tuple(str(v) for _, v in members)
            member = _default_member(phrase.text)
            if member in dict(members) and not is_int:
                typed.default, typed.has_default = str(dict(members)[member]), True
            return
        key = class_name(typed.model.removeprefix("Model") or typed.model)
        if target is None or not _is_model(target):
            typed.model, typed.base = "", "object"
            return
        if key not in self.nested:
            if depth >= MAX_DEPTH or len(self.nested) >= MAX_MODELS:
                typed.model, typed.base = "", "object"
                return
            self.nested[key] = []  # taken before reading: a model may refer to itself
            self.nested[key] = self._fields(target, depth + 1)
        typed.model = key

    def _resolve(self, owner: SourceClass, name: str) -> SourceClass | None:
        """The class ``name`` means in ``owner``'s module: defined there or imported."""
        tree = self._modules.get(owner.module)
        if tree is None:
            return None
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return SourceClass(name, owner.module, node, owner.text)
        origin = _imported(tree, owner.module, name)
        if origin is None:
            return None
        return self.find(origin[0], origin[1], hops=1)


_BESIDE = "<models>"


def _own_fields(found: SourceClass) -> list[FieldPhrase]:
    """The annotated fields ``found`` declares (no class variables, no private attributes)."""
    body = found.node.body
    lines = found.text.splitlines()[body[0].lineno - 1 : found.node.end_lineno]
    stub = f"class {found.name}:\n" + textwrap.indent(textwrap.dedent("\n".join(lines)), "    ")
    kept = {
        node.target.id
        for node in body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and not node.target.id.startswith("_")
        and _name(_head(node.annotation)) not in ("ClassVar", "InitVar")
    }
    groups = [g for g in python_classes(stub) if g.label == found.name]
    return [f for f in groups[0].fields if f.name in kept] if groups else []


def _head(annotation: ast.expr) -> ast.expr:
    return annotation.value if isinstance(annotation, ast.Subscript) else annotation


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _name(node.value)
    return ""


def _imported(tree: ast.Module, module: str, name: str) -> tuple[str, str] | None:
    """Where ``module`` imports ``name`` from (``from x import name [as name]``)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        for alias in node.names:
            if (alias.asname or alias.name) != name:
                continue
            if node.level:
                package = module.split(".")[: -node.level]
                origin = ".".join([*package, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            return origin, alias.name
    return None


def _is_enum(found: SourceClass) -> bool:
    return any(_name(b) in _ENUM_BASES for b in found.node.bases)


def _is_model(found: SourceClass) -> bool:
    """A class with annotated fields (a pydantic model, a dataclass, a typed dict)."""
    return any(isinstance(n, ast.AnnAssign) for n in found.node.body) or bool(found.node.bases)


def _enum_members(found: SourceClass) -> list[tuple[str, object]]:
    """``(NAME, value)`` of each member an enum class assigns."""
    members: list[tuple[str, object]] = []
    for node in found.node.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and not node.targets[0].id.startswith("_")
        ):
            members.append((node.targets[0].id, node.value.value))
    return members


def _default_member(source: str) -> str:
    """The member an enum field defaults to (``= EnumX.RED`` or ``Field(default=EnumX.RED)``)."""
    try:
        statement = ast.parse(source).body[0]
    except (SyntaxError, IndexError):
        return ""
    value = statement.value if isinstance(statement, ast.AnnAssign) else None
    if isinstance(value, ast.Call):
        given = [k.value for k in value.keywords if k.arg == "default"] + value.args[:1]
        value = given[0] if given else None
    return value.attr if isinstance(value, ast.Attribute) else ""
