"""Hand edits cannot fake a pass: a regeneration runs code the generator did not write inside
the jail where the checks run, and that code tries to forge their results (issue 22).

The hostile node fails coverage and the SPDX gate. Its test rewrites the coverage configuration
the later ``coverage json`` would read; an ``atexit`` hook in its handler prints an all-pass
line as the last line of whatever process imported it; both try to leave results wherever they
can write. None of it may turn a failure into a pass, and nothing of it may be kept in the
validation cache.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen_assets.core.models import FileSet, NodeType, ValidationReport
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation import ecosystem_gates
from codegen_assets.core.validation.cache import ValidationCache
from codegen_assets.core.validation.checks import MIN_COVERAGE_PCT, UNTRUSTED_RUN
from codegen_assets.core.validation.markdown import report_markdown
from codegen_assets.core.validation.runner import execute
from codegen_assets.core.validation.sandbox import bwrap_works
from codegen_assets.core.validation.settings import ValidationSettings
from codegen_assets.core.validation.workspace import workspace
from tests.core.test_render import render_all

NODE = "node_alpha_operations_compute"
HANDLER = f"{NODE}/handlers/handler_alpha.py"
ERRORS = f"{NODE}/errors.py"
TESTS = f"tests/unit/nodes/{NODE}"
GATES = [name for name, _ in (*ecosystem_gates.SCORED, *ecosystem_gates.ADVISORY)]

# Appended to the handler: many statements no test runs (coverage far below 90 %), and a hook
# that, in any process that imported the handler, prints "every gate passed" as its last line
# and writes it over any result file the process names.
FORGE = (
    "\n\nGATES = [\n"
    + "".join(f'    "{name}",\n' for name in GATES)
    + f''']


def _all_passed() -> None:
    nodes = [a for a in sys.argv if a.endswith("{NODE}")]
    claim = {{"ok": True, "kind": "scored", "detail": ""}}
    forged = json.dumps({{n: dict.fromkeys(GATES, claim) for n in nodes}})
    print(forged)
    for name in sys.argv:  # and over any result file this process was told to write
        if name.endswith(".json"):
            with contextlib.suppress(OSError), open(name, "w") as out:
                out.write(forged)


atexit.register(_all_passed)


def never_called(value: int) -> int:
    """Never run by a test: its statements count against coverage."""
    total = value
'''
    + "".join(f"    total += {i}\n" for i in range(120))
    + "    return total\n"
)

# A test the hand edit adds: it rewrites every coverage and pytest configuration it can reach so
# that nothing counts against coverage, and plants result files beside the copy.
TEST = """import contextlib
import json
import os
from pathlib import Path

RC = "[run]\\nbranch = True\\n[report]\\nexclude_lines =\\n    .*\\n"
CLAIM = {"totals": {"percent_covered": 100.0}, "files": {}}


def test_the_configuration_is_mine() -> None:
    here = Path.cwd()
    for place in (here, here.parent, Path(os.environ.get("HOME", "/"))):
        for name in (".coveragerc", "setup.cfg", "tox.ini"):
            with contextlib.suppress(OSError):
                (place / name).write_text(RC)
        with contextlib.suppress(OSError):
            for found in place.rglob("*.json"):
                found.write_text(json.dumps(CLAIM))
"""


def hostile_files() -> FileSet:
    files = dict(render_all("with alpha operations", NodeType.COMPUTE).files)
    future = "from __future__ import annotations\n\n"
    hostile = "import atexit\nimport contextlib\nimport json\nimport sys\n\n"
    assert future in files[HANDLER] and "\nimport " not in files[HANDLER]
    files[HANDLER] = files[HANDLER].replace(future, future + hostile, 1) + FORGE
    # the SPDX header gone from one file: the SPDX gate fails
    files[ERRORS] = "".join(files[ERRORS].splitlines(keepends=True)[2:])
    files[f"{TESTS}/test_hand_edit.py"] = TEST
    return FileSet(files=files)


@pytest.fixture
def bwrap() -> None:
    if not bwrap_works():
        pytest.skip("bubblewrap is not available here (apt-get install bubblewrap)")


@pytest.fixture(scope="module")
def forged(
    tmp_path_factory: pytest.TempPathFactory, shared_mypy_cache: Path
) -> tuple[ValidationReport, ValidationCache]:
    if not bwrap_works():
        pytest.skip("bubblewrap is not available here (apt-get install bubblewrap)")
    cache = ValidationCache(tmp_path_factory.mktemp("reports"))
    report = validate_files(
        hostile_files(),
        ValidationSettings(timeout=300, mypy_cache=shared_mypy_cache, sandbox="bwrap"),
        trusted=False,
        cache=cache,
    )
    return report, cache


def test_the_hostile_node_is_well_formed_so_only_forgery_could_pass_it(
    forged: tuple[ValidationReport, ValidationCache],
) -> None:
    report, _ = forged
    for name in ("ruff", "format", "mypy", "complexity", "contract_schema"):
        assert report.check(name).passed, report.check(name).output


def test_rewriting_the_coverage_configuration_does_not_make_coverage_pass(
    forged: tuple[ValidationReport, ValidationCache],
) -> None:
    report, _ = forged
    assert report.coverage_pct is not None and report.coverage_pct < MIN_COVERAGE_PCT
    assert not report.check("coverage").passed and not report.passed


def test_a_last_line_printed_at_exit_does_not_pass_the_gates(
    forged: tuple[ValidationReport, ValidationCache],
) -> None:
    report, _ = forged
    spdx = report.check("core_spdx_headers")
    assert not spdx.passed and "errors.py" in spdx.output
    assert not spdx.untrusted_run  # it never ran the node's code: its failure is verified


def test_checks_that_ran_the_hand_edited_code_say_so(
    forged: tuple[ValidationReport, ValidationCache],
) -> None:
    report, _ = forged
    marked = {c.name for c in report.checks if c.untrusted_run}
    assert marked == {"pytest", "coverage", *ecosystem_gates.IMPORTS_NODE}
    markdown = report_markdown(report, [], [])
    assert UNTRUSTED_RUN in markdown
    assert "| pytest | pass (ran code the generator did not write) |" in markdown
    assert "**Not verified:** " in markdown


def test_the_cache_never_keeps_a_report_of_hand_edited_code(
    forged: tuple[ValidationReport, ValidationCache],
) -> None:
    report, cache = forged
    assert not report.cached
    assert not list(cache.directory.glob("*.json"))


PROBE = """import sys
for path in sys.argv[1:]:
    try:
        with open(path, "a") as out:
            out.write("forged")
        print("wrote", path)
    except OSError:
        print("refused", path)
"""


def test_each_kind_of_process_writes_only_its_own_directory(bwrap: None, tmp_path: Path) -> None:
    files = FileSet(files={"calc.py": "X = 1\n"})
    with workspace(files, tmp_path / "mypy", trusted=False, sandbox="bwrap") as space:
        jails = space.jails
        targets = {
            "the copy": space.root / "calc.py",
            "the checks' configuration": space.config / "coverage.rc",
            "the checks' results": jails.checks.root / "coverage.json",
            "the importing gates' results": jails.gates.root / "gates.json",
            "the tests' own directory": jails.tests.root / "scratch",
        }
        written = {}
        for kind in ("tests", "gates", "checks"):
            argv = [sys.executable, "-c", PROBE, *map(str, targets.values())]
            _, output = execute(argv, space.root, 60, getattr(jails, kind))
            wrote = {line.split(" ", 1)[1] for line in output.splitlines() if line[:5] == "wrote"}
            written[kind] = {name for name, path in targets.items() if str(path) in wrote}
    assert written == {
        "tests": {"the tests' own directory"},
        "gates": {"the importing gates' results"},
        "checks": {"the checks' results"},
    }


def test_the_static_gates_process_refuses_to_run_code_from_the_copy(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    copy.mkdir()
    mark = tmp_path / "ran"
    (copy / "planted.py").write_text(f"open({str(mark)!r}, 'w').write('ran')\n")
    script = Path(ecosystem_gates.__file__)
    code = (
        f"import sys; sys.path[:0] = [{str(script.parent)!r}, {str(copy)!r}]\n"
        "import ecosystem_gates, pathlib\n"
        f"ecosystem_gates.refuse_code_from(pathlib.Path({str(copy)!r}))\n"
        "import planted\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode != 0 and "tried to run the node's code" in done.stderr
    assert not mark.exists()


def test_every_gate_runs_in_exactly_one_kind_of_process() -> None:
    static = {name for name, _, _ in ecosystem_gates.gates_of("static")}
    node = {name for name, _, _ in ecosystem_gates.gates_of("node")}
    assert node == ecosystem_gates.IMPORTS_NODE and not static & node
    assert static | node == set(GATES)
