"""The node's own tests under branch coverage, with the libraries it imports loaded untraced.

Coverage's tracer (Python 3.12 has no low-overhead ``sys.monitoring`` core for branch coverage)
slows every function call, and most calls in a node's test run are omnibase-core and pydantic
building their models on import. Those libraries are imported first, then coverage starts, then
pytest runs: the node's own modules are still imported (and measured) under coverage, line for
line and branch for branch, at about half the time.
"""

from __future__ import annotations

import ast
import sys

from codegen_assets.core.models import FileSet

# Run with ``python -c``: argv[1] the measured packages, argv[2] the modules to load first, both
# comma-separated; the rest are pytest's arguments. A module that fails to load here is left to
# fail where the tests import it, with pytest's report.
RUNNER = """
import importlib, sys
for name in filter(None, sys.argv[2].split(",")):
    try:
        importlib.import_module(name)
    except Exception:
        pass
import coverage, pytest
cov = coverage.Coverage(branch=True, source=sys.argv[1].split(","))
cov.start()
try:
    code = pytest.main(sys.argv[3:])
finally:
    cov.stop()
    cov.save()
sys.exit(code)
"""
PRELOADED = ("pytest", "hypothesis")


def libraries(files: FileSet, own: list[str]) -> list[str]:
    """Absolute imports in ``files`` of modules outside ``own`` node directories (by their
    top-level package: ``nodes`` for ``nodes/node_x``) and ``tests``."""
    skip = {path.split("/")[0] for path in own} | {"tests"}
    found: set[str] = set()
    for rel, text in files.files.items():
        if not rel.endswith(".py"):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    return sorted(n for n in found if n.split(".")[0] not in skip and n != "__future__")


def covered_pytest(files: FileSet, own: list[str]) -> list[str]:
    """The command that runs ``tests`` under branch coverage of the ``own`` packages."""
    preload = ",".join([*PRELOADED, *libraries(files, own)])
    # the prompt's examples run as a check of their own (``tests/acceptance``)
    pytest = ["-q", "-p", "no:cacheprovider", "--ignore=tests/acceptance", "tests"]
    return [sys.executable, "-c", RUNNER, ",".join(own or ["."]), preload, *pytest]
