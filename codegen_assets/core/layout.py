"""Where a generated node's files go and what its modules and classes are called.

A node is the package ``node_<stem>_<type>/`` (the contract's ``name`` is the directory name)
inside the package ``options.package`` (``""``: a top-level package), and its tests live where the
ecosystem keeps them, ``tests/unit/nodes/<node>/``. Every path is relative to the output root: the
``--output-dir`` of the CLI, the repository root in bot mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codegen_assets.core.models import NodeSpec, NodeType
from codegen_assets.core.naming import camel

_DOTTED = re.compile(r"^(?:[a-z_][a-z0-9_]*)(?:\.[a-z_][a-z0-9_]*)*$")
TESTS_BASE = "tests/unit/nodes"
ACCEPTANCE_BASE = "tests/acceptance/nodes"  # the prompt's examples, run as their own check


class PackageError(ValueError):
    """A package prefix that is not a dotted Python identifier."""


def check_package(package: str) -> str:
    """``package`` if it is empty or a dotted lower-case identifier, else PackageError."""
    if package and not _DOTTED.match(package):
        raise PackageError(
            f"package {package!r} is not a dotted Python package name (e.g. acme.nodes)"
        )
    return package


def node_stem(spec: NodeSpec) -> str:
    """The name without the ``node_`` prefix and the type suffix: ``store`` for store_effect."""
    stem = spec.name.removeprefix("node_").removesuffix(f"_{spec.node_type.value}")
    return stem or spec.node_type.value


def is_bare(spec: NodeSpec) -> bool:
    """Whether the spec names its node exactly (``node_<name>``, as a contract does) with no
    type suffix (``node_baseline_capture``): the directory keeps that name."""
    name = spec.name
    return name.startswith("node_") and not name.endswith(f"_{spec.node_type.value}")


@dataclass(frozen=True)
class NodeLayout:
    """Paths, modules and class names of one node."""

    stem: str
    node_type: NodeType
    package: str = ""
    bare: bool = False  # the name has no type suffix (``node_<stem>``)

    @classmethod
    def of(cls, spec: NodeSpec, package: str = "") -> NodeLayout:
        """The layout of ``spec`` inside ``package``."""
        return cls(node_stem(spec), spec.node_type, check_package(package), is_bare(spec))

    @property
    def suffix(self) -> str:
        """``_<type>``, or nothing for a bare name."""
        return "" if self.bare else f"_{self.node_type.value}"

    @property
    def name(self) -> str:
        """``node_<stem>_<type>``: the directory, the package and the contract's ``name``."""
        return f"node_{self.stem}{self.suffix}"

    @property
    def pascal(self) -> str:
        """``<Stem><Type>`` in CamelCase."""
        return camel(f"{self.stem}{self.suffix}")

    @property
    def node_class(self) -> str:
        """``Node<Stem><Type>``."""
        return f"Node{self.pascal}"

    @property
    def registry_class(self) -> str:
        """``RegistryInfra<Stem><Type>``."""
        return f"RegistryInfra{self.pascal}"

    @property
    def registry_module(self) -> str:
        """The registry module's name."""
        return f"registry_infra_{self.stem}{self.suffix}"

    @property
    def node_dir(self) -> str:
        """The node package's directory, relative to the output root."""
        return "/".join([*self.package.split("."), self.name]) if self.package else self.name

    @property
    def tests_dir(self) -> str:
        """Where the node's tests go, relative to the output root."""
        return f"{TESTS_BASE}/{self.name}"

    @property
    def import_root(self) -> str:
        """The dotted module of the node package."""
        return f"{self.package}.{self.name}" if self.package else self.name

    def module(self, rel: str) -> str:
        """The dotted module of ``rel`` (a path inside the node, e.g. ``handlers/handler_x``)."""
        return f"{self.import_root}.{rel.removesuffix('.py').replace('/', '.')}"

    def path(self, rel: str) -> str:
        """A file of the node, relative to the output root."""
        return f"{self.node_dir}/{rel}"

    def test_path(self, rel: str) -> str:
        """A test file of the node, relative to the output root."""
        return f"{self.tests_dir}/{rel}"

    def acceptance_path(self, rel: str) -> str:
        """An acceptance test of the node (from the prompt's examples)."""
        return f"{ACCEPTANCE_BASE}/{self.name}/{rel}"

    def acceptance_markers(self) -> list[str]:
        """``__init__.py`` of the acceptance test packages (created when missing)."""
        parts = ACCEPTANCE_BASE.split("/")
        return ["/".join([*parts[: i + 1], "__init__.py"]) for i in range(len(parts))]

    def package_markers(self) -> list[str]:
        """``__init__.py`` files of the enclosing packages (created when missing, never
        replaced: they belong to the repository)."""
        parts = self.package.split(".") if self.package else []
        markers = ["/".join([*parts[: i + 1], "__init__.py"]) for i in range(len(parts))]
        tests = TESTS_BASE.split("/")
        markers += ["/".join([*tests[: i + 1], "__init__.py"]) for i in range(len(tests))]
        return markers
