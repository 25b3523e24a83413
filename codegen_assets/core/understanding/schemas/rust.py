"""Rust structs and enums pasted into a request, read as serde sees them: ``Option<T>`` is
optional, ``Vec<T>`` (and sets, slices, arrays) a list, maps and ``serde_json::Value`` objects,
``String`` a string, ``i32`` an int (``u32`` one never negative), ``f64`` a float,
``rust_decimal::Decimal`` a decimal, chrono's ``DateTime<Utc>`` a datetime, ``NaiveDate`` a
date, ``Uuid`` a uuid. ``#[serde(rename_all = "...")]`` renames the fields (of a struct) or the
variants (of an enum), ``#[serde(rename = "...")]`` one of them, ``#[serde(skip)]`` leaves one
out, ``#[serde(default)]`` gives one its type's default; an enum of unit variants is an enum of
their names. ``#[validate(length(min, max), range(min, max), email, url)]`` are bounds."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import (
    Glossary,
    Syntax,
    block_end,
    members,
    split_top,
)
from codegen_assets.core.understanding.types import JsonDefault, Typed, with_note

_SYNTAX = Syntax(quotes='"', separators=",")
_HEAD = re.compile(
    r"(?P<attrs>(?:^[ \t]*#\[[^\n]*\][ \t]*\n|^[ \t]*///?[^\n]*\n)*)"
    r"^[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?P<kind>struct|enum)\s+(?P<name>[A-Za-z_]\w*)"
    r"(?:\s*<[^>{]*>)?(?:\s+where[^{]*)?\s*\{",
    re.MULTILINE,
)
_ATTRIBUTE = re.compile(r"#\[\s*(\w+)\s*(?:\((?P<args>.*?)\))?\s*\]\s*", re.DOTALL)
_FIELD = re.compile(
    r"^(?:pub(?:\([^)]*\))?\s+)?(?:r#)?(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>.+)$", re.DOTALL
)
_SCALARS = {
    "String": "string", "str": "string", "char": "string", "bool": "bool", "f32": "float",
    "f64": "float", "Uuid": "uuid", "Decimal": "decimal", "BigDecimal": "decimal",
    "NaiveDateTime": "datetime", "OffsetDateTime": "datetime", "PrimitiveDateTime": "datetime",
    "SystemTime": "datetime", "NaiveDate": "date", "Date": "date", "Value": "object",
    "Map": "object", "HashMap": "object", "BTreeMap": "object", "IndexMap": "object",
}  # fmt: skip
_INTS = {"i8", "i16", "i32", "i64", "i128", "isize"}
_UINTS = {"u8", "u16", "u32", "u64", "u128", "usize"}
_LISTS = {"Vec", "VecDeque", "HashSet", "BTreeSet", "IndexSet", "LinkedList"}
_WRAPPERS = {"Box", "Arc", "Rc", "Cow", "RefCell", "Cell"}
_DEFAULTS: dict[str, JsonDefault] = {"int": 0, "float": 0.0, "bool": False, "string": ""}


def rust_types(text: str) -> list[Group]:
    """Every Rust struct and unit-variant enum in ``text``, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _HEAD.finditer(text):
        body_end, end = block_end(text, head.end() - 1, _SYNTAX)
        body = text[head.end() : body_end]
        rule = _rename_all(head["attrs"])
        start = head.start()  # its attributes too (``#[derive(...)]`` is no prose)
        if head["kind"] == "enum":
            values = _variants(body, rule)
            if values:
                decls.append(Decl(head["name"], start, end, values=values, kind="enum"))
            continue
        decl = Decl(head["name"], start, end)
        decl.fields = _fields(body, rule, decl, glossary)
        decls.append(decl)
    return groups(decls, "rust")


def _fields(body: str, rule: str, owner: Decl, glossary: Glossary) -> list[FieldPhrase]:
    found = []
    for member in members(body, _SYNTAX):
        attributes = _attributes(member.code)
        code = _ATTRIBUTE.sub("", member.code).strip()
        matched = _FIELD.match(code)
        if matched is None or not _readable(matched["type"]):
            continue
        serde = attributes.get("serde", "")
        if re.search(r"\bskip(?:_deserializing)?\b(?!_)", serde):
            continue
        typed = _type(matched["type"].strip(), glossary)
        if re.search(r"\bflatten\b", serde) and typed.model:
            owner.bases.append(typed.model)
            continue
        if re.search(r"\bdefault\b", serde):
            typed.has_default = True
            if not re.search(r"\bdefault\s*=", serde) and not typed.is_list:
                typed.default = None if typed.optional else _DEFAULTS.get(typed.base)
                typed.has_default = typed.optional or typed.base in _DEFAULTS
        _validate(attributes.get("validate", ""), typed)
        renamed = re.search(r"\brename\s*=\s*\"([^\"]+)\"", serde)
        name = renamed.group(1) if renamed else _renamed(matched["name"], rule, variant=False)
        notes = [n for n in member.notes if not n.startswith("[")]
        note = "; ".join(n for n in (member.comment, *notes) if n)
        found.append(FieldPhrase(name, with_note(typed, note), code))
    return found


def _attributes(code: str) -> dict[str, str]:
    """``#[serde(...)]``, ``#[validate(...)]`` of a member: their arguments by name."""
    found: dict[str, str] = {}
    for attribute in _ATTRIBUTE.finditer(code):
        if code[: attribute.start()].strip() and not code[: attribute.start()].strip().endswith(
            "]"
        ):
            break  # only the attributes before the member itself
        name = attribute.group(1)
        found[name] = f"{found.get(name, '')}, {attribute['args'] or ''}".strip(", ")
    return found


def _readable(written: str) -> bool:
    """Whether a type is written whole (a half-pasted ``Vec<`` is not)."""
    pairs = (("<", ">"), ("[", "]"), ("(", ")"))
    return bool(written.strip()) and all(written.count(a) == written.count(b) for a, b in pairs)


def _type(written: str, glossary: Glossary) -> Typed:
    written = re.sub(r"^&(?:'\w+\s+)?(?:mut\s+)?", "", written.strip())
    generic = re.match(r"^(?P<head>[\w:]+)\s*<(?P<args>.*)>$", written, re.DOTALL)
    head = (generic["head"] if generic else written).rsplit("::", 1)[-1]
    args = split_top(generic["args"], ",") if generic else []
    if stated := glossary.base(head):
        return Typed(base=stated)
    if head == "Option" and args:
        typed = _type(args[0], glossary)
        typed.optional = True
        return typed
    if (head in _LISTS and args) or written.startswith("["):
        inner = args[0] if args else written.strip("[]").split(";")[0]
        typed = _type(inner, glossary)
        typed.is_list = True
        return typed
    if head in _WRAPPERS and args:
        return _type(args[0], glossary)
    if head in ("DateTime", "Zoned", "Timestamp"):
        return Typed(base="datetime")
    if head in _SCALARS:
        return Typed(base=_SCALARS[head])
    if head in _INTS:
        return Typed(base="int")
    if head in _UINTS:
        return Typed(base="int", ge=Decimal(0))
    if re.fullmatch(r"[A-Za-z_]\w*", head):
        return Typed(model=head)
    return Typed(base="object")


def _variants(body: str, rule: str) -> tuple[str, ...]:
    """The serialized names of an enum's unit variants; none when a variant holds data."""
    values = []
    for member in members(body, _SYNTAX):
        serde = _attributes(member.code).get("serde", "")
        code = _ATTRIBUTE.sub("", member.code).strip()
        variant = re.fullmatch(r"([A-Za-z_]\w*)(?:\s*=\s*-?\d+)?", code)
        if variant is None:
            return ()  # a variant with data: not an enum of names
        if re.search(r"\bskip\b", serde):
            continue
        renamed = re.search(r"\brename\s*=\s*\"([^\"]+)\"", serde)
        values.append(
            renamed.group(1) if renamed else _renamed(variant.group(1), rule, variant=True)
        )
    return tuple(dict.fromkeys(values))


def _rename_all(attributes: str) -> str:
    found = re.search(r"rename_all\s*=\s*\"([^\"]+)\"", attributes or "")
    return found.group(1) if found else ""


def _renamed(name: str, rule: str, *, variant: bool) -> str:
    """serde's ``rename_all`` rule applied to a field (snake_case) or a variant (PascalCase)."""
    if not rule:
        return name
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name) if variant else name.split("_")
    words = [w for w in words if w]
    lower = [w.lower() for w in words]
    rules = {
        "lowercase": "".join(lower) if variant else name.lower(),
        "UPPERCASE": "".join(lower).upper() if variant else name.upper(),
        "PascalCase": "".join(w.capitalize() for w in lower),
        "camelCase": lower[0] + "".join(w.capitalize() for w in lower[1:]) if lower else name,
        "snake_case": "_".join(lower),
        "SCREAMING_SNAKE_CASE": "_".join(lower).upper(),
        "kebab-case": "-".join(lower),
        "SCREAMING-KEBAB-CASE": "-".join(lower).upper(),
    }
    return rules.get(rule, name)


def _validate(arguments: str, typed: Typed) -> None:
    """The validator crate: ``length(min = 1, max = 64)``, ``range(min = 0, max = 100)``,
    ``email``, ``url``."""
    for kind, inner in re.findall(r"\b(length|range)\s*\(([^)]*)\)", arguments):
        for key, value in re.findall(r"\b(min|max|equal)\s*=\s*(-?\d+(?:\.\d+)?)", inner):
            try:
                number = Decimal(value)
            except InvalidOperation:
                continue
            if kind == "range":
                setattr(typed, "ge" if key == "min" else "le", number)
            elif key == "equal":
                typed.min_length = typed.max_length = int(number)
            else:
                setattr(typed, "min_length" if key == "min" else "max_length", int(number))
    if re.search(r"\bemail\b", arguments):
        typed.format = "email"
    elif re.search(r"\burl\b", arguments):
        typed.format = "uri"
