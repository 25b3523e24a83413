"""The node's own tests under branch coverage, with the libraries it imports loaded untraced.

Coverage's tracer (Python 3.12 has no low-overhead ``sys.monitoring`` core for branch coverage)
slows every function call, and most calls in a node's test run are omnibase-core and pydantic
building their models on import. Those libraries are imported first, then coverage starts, then
pytest runs: the node's own modules are still imported (and measured) under coverage, line for
line and branch for branch, at about half the time.

The run's configuration is ours, passed explicitly (pytest's ``-c``, coverage's ``config_file``)
from a directory outside the copy, and coverage's data goes to the runner's own directory: no
``pytest.ini``, ``.coveragerc``, ``setup.cfg`` or ``pyproject.toml`` in the copy is read.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from codegen_assets.core.models import FileSet

# Run with ``python -c``: argv[1] the measured packages, argv[2] the modules to load first, both
# comma-separated, argv[3] coverage's configuration file, argv[4] its data file; the rest are
# pytest's arguments. A module that fails to load here is left to fail where the tests import
# it, with pytest's report. Hypothesis keeps its data (examples, the Unicode table it builds
# once) where it was imported (the warm interpreter's directory), else in HOME when the copy is
# read-only (the sandbox).
RUNNER = """
import importlib, os, sys
if not os.access(".", os.W_OK):
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(os.environ["HOME"], ".hypothesis")
for name in filter(None, sys.argv[2].split(",")):
    try:
        importlib.import_module(name)
    except Exception:
        pass
import coverage, pytest
cov = coverage.Coverage(
    branch=True, source=sys.argv[1].split(","), config_file=sys.argv[3], data_file=sys.argv[4]
)
cov.start()
try:
    code = pytest.main(sys.argv[5:])
finally:
    cov.stop()
    cov.save()
sys.exit(code)
"""
PRELOADED = ("pytest", "hypothesis")
PYTEST_INI = "pytest.ini"
COVERAGE_RC = "coverage.rc"
# The checks' own configuration: nothing but the defaults (and branch coverage).
CONFIG = {PYTEST_INI: "[pytest]\n", COVERAGE_RC: "[run]\nbranch = True\n"}


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


def covered_pytest(files: FileSet, own: list[str], config: Path, data: Path) -> list[str]:
    """The command that runs ``tests`` (from the copy's root) under branch coverage of the
    ``own`` packages, with the configuration files in ``config`` (``CONFIG``) and coverage's
    data written to ``data``."""
    preload = ",".join([*PRELOADED, *libraries(files, own)])
    # the prompt's examples run as a check of their own (``tests/acceptance``)
    pytest = ["-c", str(config / PYTEST_INI), "--rootdir", ".", "-q", "-p", "no:cacheprovider"]
    pytest.append("--ignore=tests/acceptance")
    measured = ",".join(own or ["."])
    rcfile = str(config / COVERAGE_RC)
    return [sys.executable, "-c", RUNNER, measured, preload, rcfile, str(data), *pytest, "tests"]


def coverage_report(config: Path, data: Path, output: Path) -> list[str]:
    """The command that writes the JSON report of ``data`` to ``output``, under our
    configuration; ``-P``: the working directory (the copy) is not on ``sys.path``."""
    rcfile = f"--rcfile={config / COVERAGE_RC}"
    args = ["json", "-q", rcfile, f"--data-file={data}", "-o", str(output)]
    return [sys.executable, "-P", "-m", "coverage", *args]
