"""Where a generated node's files go in a repository.

Generated paths are relative to an output root: the node package at ``<package path>/node_<x>``,
its tests at ``tests/unit/nodes/node_<x>``. In a repository the tests stay at the root while the
package goes under its source root (``src`` in a src layout), so ``output_base: src/acme/nodes``
means package ``acme.nodes`` under ``src``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
SOURCE_ROOTS = ("src",)


class LayoutError(ValueError):
    """An output base or package that cannot hold a Python package; the message is for users."""


@dataclass(frozen=True)
class RepoLayout:
    """How generated paths map to repository paths."""

    source_root: str = ""

    def repo_path(self, key: str) -> str:
        """The repository path of a generated file."""
        if key.startswith("tests/") or not self.source_root:
            return key
        return f"{self.source_root}/{key}"

    def key(self, repo_path: str) -> str:
        """The generated path of a repository file (inverse of ``repo_path``)."""
        prefix = f"{self.source_root}/"
        if self.source_root and repo_path.startswith(prefix):
            return repo_path[len(prefix) :]
        return repo_path


def resolve_layout(output_base: str, package: str | None) -> tuple[RepoLayout, str]:
    """The layout and package for nodes under ``output_base`` (a plain relative path)."""
    parts = output_base.split("/")
    if package is None:
        root = parts[0] if len(parts) > 1 and parts[0] in SOURCE_ROOTS else ""
        names = parts[1:] if root else parts
        bad = [p for p in names if not _IDENTIFIER.match(p)]
        if bad:
            raise LayoutError(
                f"output_base {output_base!r}: {bad[0]!r} is not a Python package name; "
                "rename the directory or set `package:` in .github/nodegen.yml"
            )
        return RepoLayout(root), ".".join(names)
    names = package.split(".")
    if parts[-len(names) :] != names:
        raise LayoutError(f"package {package!r} is not the end of output_base {output_base!r}")
    return RepoLayout("/".join(parts[: -len(names)])), package
