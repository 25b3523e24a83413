"""GitHub's OpenAPI description as the fake checks requests and answers against it."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any, cast

from openapi_core import OpenAPI

from github_app.demo import answers


def _null_in_nullable_enums(node: object) -> None:
    """``nullable: true`` admits null (OpenAPI 3.0.3), but openapi-core checks ``enum`` first,
    and GitHub's enums omit null where GitHub answers it (a queued check run's ``conclusion``)."""
    if isinstance(node, dict):
        enum = node.get("enum")
        if node.get("nullable") is True and isinstance(enum, list) and None not in enum:
            node["enum"] = [*enum, None]
        for value in node.values():
            _null_in_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _null_in_nullable_enums(value)


@cache
def openapi() -> OpenAPI:
    """GitHub's OpenAPI description, loaded once per process (spec self-validation skipped)."""
    from openapi_core import Config

    spec = copy.deepcopy(answers.description())
    _null_in_nullable_enums(spec)
    # None skips validating the 13 MB description itself (27 s); openapi-core checks for None
    # at run time although its annotation omits it.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=cast(Any, None)))


_SLASHED_PARAM = re.compile(r"^(/repos/[^/]+/[^/]+/(?:contents|git/ref|git/refs))/(.+)$")


def slashes_encoded(path: str) -> str:
    """GitHub's ``{path}`` and ``{ref}`` parameters hold slashes, which OpenAPI path templates
    cannot match; encode them so the route is found and the rest is still checked."""
    match = _SLASHED_PARAM.match(path)
    return f"{match.group(1)}/{match.group(2).replace('/', '%2F')}" if match else path
