"""The operations of an OpenAPI 3 or Swagger 2.0 document's ``paths``: each ``operationId`` with
the schema its request body takes (``requestBody`` content, or Swagger's ``in: body``
parameter) and the one its success response returns (``200``/``201``/``202``)."""

from __future__ import annotations

from dataclasses import dataclass

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_SUCCESS = ("200", "201", "202")


@dataclass(frozen=True)
class PathOperation:
    """One ``operationId`` and the names of the schemas it takes and returns ("" when inline)."""

    name: str
    request: str
    response: str


def path_operations(document: dict[object, object]) -> list[PathOperation]:
    """Every operation of the document's ``paths`` that has an ``operationId``."""
    paths = document.get("paths")
    found = []
    for item in paths.values() if isinstance(paths, dict) else ():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and isinstance(operation.get("operationId"), str):
                found.append(
                    PathOperation(
                        operation["operationId"], _request(operation), _response(operation)
                    )
                )
    return found


def _request(operation: dict[object, object]) -> str:
    body = operation.get("requestBody")
    if isinstance(body, dict):
        return _content_ref(body)
    parameters = operation.get("parameters")
    for parameter in parameters if isinstance(parameters, list) else ():
        if isinstance(parameter, dict) and parameter.get("in") == "body":
            return _ref(parameter.get("schema"))
    return ""


def _response(operation: dict[object, object]) -> str:
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return ""
    for code in _SUCCESS:
        answer = responses.get(code, responses.get(int(code)))
        if isinstance(answer, dict):
            return _ref(answer.get("schema")) or _content_ref(answer)
    return ""


def _content_ref(holder: dict[object, object]) -> str:
    content = holder.get("content")
    for media in content.values() if isinstance(content, dict) else ():
        if isinstance(media, dict) and (name := _ref(media.get("schema"))):
            return name
    return ""


def _ref(schema: object) -> str:
    """``{$ref: "#/definitions/LookupRequest"}`` -> ``LookupRequest``."""
    reference = schema.get("$ref") if isinstance(schema, dict) else None
    return reference.rsplit("/", 1)[-1] if isinstance(reference, str) else ""
