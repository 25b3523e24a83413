"""PHP pasted into a request: a class's typed properties (``public ?int $count = null;``) and
the properties its constructor promotes (``public function __construct(public readonly string
$id, ...)``), and a backed enum's cases (``enum Coverage: string { case Basic = 'basic'; }``, its
values). ``?T``, ``T|null`` and ``= null`` are optional; ``string``, ``int``, ``float``,
``bool`` as named, ``array`` a list, ``\\DateTimeImmutable``/``DateTimeInterface``/``Carbon`` a
datetime, another class a model; Symfony Validator attributes (``#[Assert\\Length(max: 20)]``,
``#[Assert\\Range(min: 0, max: 2)]``, ``#[Assert\\Email]``, ``#[Assert\\Uuid]``,
``#[Assert\\PositiveOrZero]``, ``#[Assert\\NotBlank]``) say more; comments beside say more."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import Glossary, Syntax, block_end, members
from codegen_assets.core.understanding.schemas.typenames import literal_default, type_named
from codegen_assets.core.understanding.schemas.validation import apply
from codegen_assets.core.understanding.types import Typed, with_note

_BODY = Syntax(comment="//", quotes="\"'", separators=";", brace_ends_member=True)
_PARAMS = Syntax(comment="//", quotes="\"'", separators=",")
_BRACKETS = "()[]{}"
_CLASS = re.compile(
    r"^[ \t]*(?:(?:final|readonly|abstract)\s+)*(?P<kind>class|enum)\s+(?P<name>[A-Za-z_]\w*)"
    r"(?:\s*:\s*(?:string|int))?[^{;]*\{",
    re.MULTILINE,
)
_CONSTRUCTOR = re.compile(r"function\s+__construct\s*\(")
_ATTRIBUTE = re.compile(r"#\[(?P<body>[^\]]*(?:\[[^\]]*\][^\]]*)*)\]")
_PROPERTY = re.compile(
    r"^(?P<modifiers>(?:(?:public|protected|private|readonly|static|var)\s+)*)"
    r"(?P<type>\??[\\\w|]+\s+)?\$(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>.+))?$",
    re.DOTALL,
)
_CASE = re.compile(r"^case\s+(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<value>.+))?$", re.DOTALL)
_SCALARS = {
    "string": "string", "int": "int", "float": "float", "bool": "bool", "mixed": "object",
    "object": "object", "DateTimeImmutable": "datetime", "DateTimeInterface": "datetime",
    "DateTime": "datetime", "Carbon": "datetime", "CarbonImmutable": "datetime",
}  # fmt: skip


def php_classes(text: str) -> list[Group]:
    """Every PHP class with typed properties, and every enum with cases, in ``text``."""
    if "$" not in text and "enum" not in text:
        return []
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _CLASS.finditer(text):
        brace = head.end() - 1
        body_end, end = block_end(text, brace, _BODY, _BRACKETS)
        inside = text[brace + 1 : body_end]
        if head["kind"] == "enum":
            values = _cases(inside)
            if values:
                decls.append(Decl(head["name"], head.start(), end, values=values, kind="enum"))
            continue
        decl = Decl(head["name"], head.start(), end)
        decl.fields = _fields(inside, _BODY, glossary, promoted=False)
        if constructor := _CONSTRUCTOR.search(inside):
            start = brace + 1 + constructor.end() - 1
            params_end, _ = block_end(text, start, _PARAMS, _BRACKETS)
            params = _fields(text[start + 1 : params_end], _PARAMS, glossary, promoted=True)
            decl.fields += [p for p in params if p.name not in {f.name for f in decl.fields}]
        if decl.fields:
            decls.append(decl)
    return groups(decls, "php")


def _cases(body: str) -> tuple[str, ...]:
    """A backed enum's values (a pure enum's case names)."""
    values = []
    for member in members(body, _BODY):
        case = _CASE.match(member.code)
        if case is None:
            continue
        value = (case["value"] or "").strip().strip("'\"")
        values.append(value or case["name"])
    return tuple(dict.fromkeys(values))


def _fields(code: str, syntax: Syntax, glossary: Glossary, *, promoted: bool) -> list[FieldPhrase]:
    """Typed properties of a class body, or the promoted parameters of a constructor (those
    written with a visibility)."""
    found: list[FieldPhrase] = []
    for member in members(code, syntax):
        attributes = [_attribute(a["body"]) for a in _ATTRIBUTE.finditer(member.code)]
        rest = _ATTRIBUTE.sub(" ", member.code).strip()
        written = _PROPERTY.match(rest)
        if written is None or "static" in written["modifiers"]:
            continue
        if promoted and not re.search(r"\b(?:public|protected|private)\b", written["modifiers"]):
            continue  # a plain parameter: not a property
        if not promoted and not written["modifiers"]:
            continue  # a local variable, not a property
        typed = _type(written["type"] or "", glossary)
        pairs = [pair for group in attributes for pair in group]
        if any(name == "Uuid" for name, _ in pairs) and typed.base in ("", "string"):
            typed.base = "uuid"
        said = apply(pairs, typed)
        typed = with_note(typed, "; ".join(n for n in (member.note, said.note) if n))
        if written["default"]:
            literal_default(written["default"], typed)
        found.append(FieldPhrase(written["name"], typed, member.code))
    return found


def _attribute(body: str) -> list[tuple[str, str]]:
    """``Assert\\Length(max: 20), Assert\\NotBlank`` as (name, arguments) pairs, arguments as
    the annotation reader takes them (``max = 20``)."""
    pairs = []
    for part in re.finditer(r"(?P<name>[\\\w]+)\s*(?:\((?P<args>[^()]*)\))?", body):
        name = part["name"].rsplit("\\", 1)[-1]
        args = re.sub(r"\b([A-Za-z_]\w*)\s*:\s*", r"\1 = ", part["args"] or "")
        pairs.append((name, args))
    return pairs


def _type(written: str, glossary: Glossary) -> Typed:
    parts = [p.strip().lstrip("\\") for p in written.strip().split("|") if p.strip()]
    optional = any(p.lower() == "null" for p in parts) or written.strip().startswith("?")
    kept = [p.lstrip("?") for p in parts if p.lower() != "null"]
    if len(kept) != 1:
        typed = Typed(base="object") if kept else Typed()
    elif kept[0] == "array":
        typed = Typed(is_list=True)
    elif kept[0] in _SCALARS:
        typed = Typed(base=_SCALARS[kept[0]])
    else:
        typed = type_named(kept[0], glossary)
    typed.optional = typed.optional or optional
    return typed
