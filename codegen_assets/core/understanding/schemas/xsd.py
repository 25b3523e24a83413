"""XML Schema pasted into a request (``xs:``/``xsd:`` or no prefix): a named ``complexType`` (or a
top-level ``element`` with one inside) is a model of its ``sequence``/``all``/``choice``
elements and its attributes; an element's ``type`` gives its type (``xs:string``, ``xs:int``,
``xs:decimal``, ``xs:dateTime``, ``xs:date``, ``xs:boolean``; another declared type by name),
``minOccurs="0"`` (or ``nillable``) makes it optional, ``maxOccurs`` above one or ``unbounded``
a list of at least ``minOccurs`` items; an attribute is optional unless ``use="required"``; a
named ``simpleType``'s restriction is an alias with its facets (``length``, ``minLength``,
``maxInclusive``, ...) or, with ``enumeration``s, an enum. A comment beside an element
(``<!-- at least 1 -->``) says more. Read tag by tag, so a schema pasted in part keeps what it
holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import class_name
from codegen_assets.core.understanding.types import Typed, with_note

_TAG = re.compile(
    r"<!--(?P<comment>.*?)(?:-->|\Z)|<(?P<close>/)?(?:(?:xs|xsd):)?(?P<name>[A-Za-z][\w.-]*)"
    r"(?P<attrs>(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<self>/)?>",
    re.DOTALL,
)
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_XSD_TAGS = {
    "schema", "element", "complexType", "simpleType", "sequence", "all", "choice", "attribute",
    "restriction", "extension", "complexContent", "simpleContent", "enumeration", "length",
    "minLength", "maxLength", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive",
    "annotation", "documentation", "pattern", "totalDigits", "fractionDigits", "list", "union",
    "group", "attributeGroup", "any", "anyAttribute", "whiteSpace", "import", "include",
}  # fmt: skip
_BASES = {
    **dict.fromkeys(("string", "normalizedString", "token", "NMTOKEN", "Name", "NCName", "ID",
                     "IDREF", "language", "time", "duration", "base64Binary", "hexBinary",
                     "QName", "gYear", "gYearMonth"), "string"),
    **dict.fromkeys(("int", "integer", "long", "short", "byte", "negativeInteger",
                     "nonPositiveInteger"), "int"),
    "decimal": "decimal", "double": "float", "float": "float", "boolean": "bool", "date": "date",
    "dateTime": "datetime", "dateTimeStamp": "datetime", "anyURI": "string", "anyType": "object",
}  # fmt: skip
_NON_NEGATIVE = {
    "nonNegativeInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
}
_FACETS = {
    "minInclusive": "ge", "maxInclusive": "le", "minExclusive": "gt", "maxExclusive": "lt",
    "minLength": "min_length", "maxLength": "max_length",
}  # fmt: skip


@dataclass
class _Node:
    name: str
    attrs: dict[str, str]
    start: int
    end: int = 0
    children: list[_Node] = field(default_factory=list)
    note: str = ""


def xsd_types(text: str) -> list[Group]:
    """Every XML Schema type in ``text``, as groups."""
    roots = _tree(text)
    decls: list[Decl] = []
    for node in roots:
        _top(node, decls)
    return groups(decls, "xsd")


def _tree(text: str) -> list[_Node]:
    """The XSD tags of ``text`` as a tree (an unclosed tag holds what follows it)."""
    root = _Node("", {}, 0)
    stack = [root]
    last: _Node | None = None
    pending = ""
    for tag in _TAG.finditer(text):
        if tag["comment"] is not None:
            comment = tag["comment"].strip()
            line_before = text[text.rfind("\n", 0, tag.start()) + 1 : tag.start()]
            if last is not None and line_before.strip():
                last.note = f"{last.note}; {comment}".strip("; ")
            else:
                pending = f"{pending}; {comment}".strip("; ")
            continue
        if tag["name"] not in _XSD_TAGS:
            continue
        if tag["close"]:
            while len(stack) > 1:
                node = stack.pop()
                node.end = tag.end()
                if node.name == tag["name"]:
                    last = node
                    break
            continue
        attrs = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) or ""
                 for m in _ATTR.finditer(tag["attrs"] or "")}  # fmt: skip
        node = _Node(tag["name"], attrs, tag.start(), tag.end(), note=pending)
        pending = ""
        stack[-1].children.append(node)
        last = node
        if not tag["self"]:
            stack.append(node)
    for node in stack[1:]:
        node.end = len(text)
    return [c for c in root.children if c.name != "schema"] + [
        g for c in root.children if c.name == "schema" for g in c.children
    ]


def _end(node: _Node) -> int:
    return max([node.end, *(_end(c) for c in node.children)])


def _top(node: _Node, decls: list[Decl]) -> None:
    name = node.attrs.get("name", "")
    if not name:
        return
    if node.name == "complexType":
        _record(name, node, decls, node.start, _end(node))
    elif node.name == "element":
        inner = next((c for c in node.children if c.name == "complexType"), None)
        if inner is not None:
            _record(name, inner, decls, node.start, _end(node))
    elif node.name == "simpleType":
        typed = _simple(node)
        if typed.enum:
            decls.append(Decl(name, node.start, _end(node), values=typed.enum, kind="enum"))
        elif typed.known:
            decls.append(Decl(name, node.start, _end(node), alias=typed, kind="alias"))


def _record(name: str, node: _Node, decls: list[Decl], start: int, end: int) -> None:
    decl = Decl(name, start, end)
    for child in _members(node):
        if child.name == "extension" and child.attrs.get("base"):
            decl.bases.append(_local(child.attrs["base"]))
            continue
        phrase = _field(child, decls, start)
        if phrase is not None:
            decl.fields.append(phrase)
    decls.append(decl)


def _members(node: _Node) -> list[_Node]:
    """The elements and attributes of a complex type (through sequences, choices, extensions)."""
    found = []
    for child in node.children:
        if child.name in ("element", "attribute"):
            found.append(child)
        elif child.name == "extension":
            found.append(child)
            found += _members(child)
        elif child.name in ("sequence", "all", "choice", "complexContent", "simpleContent"):
            found += _members(child)
    return found


def _field(node: _Node, decls: list[Decl], at: int) -> FieldPhrase | None:
    attrs = node.attrs
    name = attrs.get("name") or _local(attrs.get("ref", ""))
    if not re.fullmatch(r"[A-Za-z_][\w.-]*", name or ""):
        return None
    inner = next((c for c in node.children if c.name in ("complexType", "simpleType")), None)
    if inner is not None and inner.name == "complexType":
        model = class_name(name)
        _record(model, inner, decls, at, at)
        typed = Typed(model=model)
    elif inner is not None:
        typed = _simple(inner)
    else:
        typed = _named(attrs.get("type", "string"))
    if node.name == "attribute":
        typed.optional = attrs.get("use") != "required"
    else:
        _occurs(attrs, typed)
    if attrs.get("nillable") == "true":
        typed.optional = True
    written = attrs.get("default", attrs.get("fixed"))
    if written is not None:
        typed.default, typed.has_default = _literal(written, typed.base), True
    return FieldPhrase(name, with_note(typed, node.note), f'<{node.name} name="{name}">')


def _occurs(attrs: dict[str, str], typed: Typed) -> None:
    low = attrs.get("minOccurs", "1")
    high = attrs.get("maxOccurs", "1")
    if high == "unbounded" or (high.isdigit() and int(high) > 1):
        typed.is_list = True
        if low.isdigit() and int(low) > 0:
            typed.min_length = int(low)
        if high.isdigit():
            typed.max_length = int(high)
    if low == "0":
        typed.optional = True


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _named(written: str) -> Typed:
    local = _local(written)
    if local in _BASES:
        typed = Typed(base=_BASES[local], format="uri" if local == "anyURI" else "")
    elif local in _NON_NEGATIVE:
        typed = Typed(base="int", ge=Decimal(0))
    elif local == "positiveInteger":
        typed = Typed(base="int", ge=Decimal(1))
    else:
        return Typed(model=local)
    return typed


def _simple(node: _Node) -> Typed:
    """A simple type's restriction: its base with the facets, or an enum."""
    restriction = next((c for c in node.children if c.name == "restriction"), None)
    if restriction is None:
        return Typed(base="string")
    typed = _named(restriction.attrs.get("base", "string"))
    values = []
    for facet in restriction.children:
        value = facet.attrs.get("value", "")
        if facet.name == "enumeration":
            values.append(value)
        elif facet.name == "length" and value.isdigit():
            typed.min_length = typed.max_length = int(value)
        elif facet.name in _FACETS:
            key = _FACETS[facet.name]
            if key.endswith("length"):
                if value.isdigit():
                    setattr(typed, key, int(value))
            else:
                try:
                    setattr(typed, key, Decimal(value))
                except InvalidOperation:
                    continue
    if values:
        return Typed(base="string", enum=tuple(dict.fromkeys(values)))
    return typed


def _literal(written: str, base: str) -> str | int | float | bool:
    if base == "bool":
        return written == "true"
    try:
        number = Decimal(written)
    except InvalidOperation:
        return written
    if base == "int":
        return int(number)
    return float(number) if base in ("float", "decimal") else written
