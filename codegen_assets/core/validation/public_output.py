"""What of a check's output may be posted in public (a pull request, a comment, a check run).

A tool's output can quote anything the tool read: a configuration that names a host file, an
exception raised by code the generator did not write, a value a test printed. What is posted
keeps only lines attributable to the repository copy that was checked, and our own fixed text:

- a diagnostic line naming a file of the copy with a line number inside that file
  (``nodes/x/node.py:3:1: F401 ...``, ``--> nodes/x/node.py:3:1``, ``tests/t.py:12: in test``);
  for a check that ran code the generator did not write, only the ``path:line`` itself;
- a source-snippet line whose code is a line of a copy file (``3 | import os``, ``>  assert x``);
- pytest's own summary lines naming copy paths (``FAILED tests/t.py::test_x``, without the
  message after it) and its counts (``1 failed, 3 passed in 0.52s``);
- the fixed summary lines of our checks and of ruff, mypy and coverage, whose only variable
  parts are numbers.

Everything else is left out (a note says how many lines, and that the full output is in the
run); the App's HTTP client then removes every configured secret value (``secret_env.redact``)
from all it writes. Dagster's metadata and the local report keep the full output.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import cached_property

from codegen_assets.core.models import CheckResult, FileSet, ValidationReport

MAX_LINE = 300  # characters of one kept line
# Checks whose output our own code composes in this process from the copy's files (the contract
# against our schema) or the prompt: nothing else is read, nothing is quoted but those.
OWN_OUTPUT = frozenset({"contract_schema", "prompt_understood"})
_FILE = r"[\w.\-/]*\w\.\w+"
# A place in a file: ``path:line[:column]`` (linters, pytest), ``File "path", line N`` (Python's
# tracebacks) and ``(path, line N)`` (a SyntaxError's message).
_PLACES = [
    re.compile(rf"(?P<path>{_FILE}):(?P<line>\d+)(:(?P<column>\d+))?"),
    re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+)'),
    re.compile(rf"\((?P<path>{_FILE}), line (?P<line>\d+)\)"),
]
_SNIPPET = re.compile(r"^(?P<prefix>[\s\d|>+\-]*)(?P<code>.*?)\s*$")
_PYTEST_ITEM = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<path>[\w.\-/]+)(?P<name>(::\w+)*)")
_COUNT = r"\d+ (failed|passed|errors?|skipped|xfailed|xpassed|warnings?|deselected|rerun)"
_OWN_LINES = [
    re.compile(pattern)
    for pattern in (
        # pytest
        rf"=* *{_COUNT}(, {_COUNT})* in [\d.]+s( \(\d+:\d+:\d+\))? *=*",
        r"[.FEsxX]+ *(\[ *\d+%\])?",
        r"no tests ran in [\d.]+s",
        # mypy
        r"Found \d+ errors? in \d+ files? \(checked \d+ source files?\)",
        r"Success: no issues found in \d+ source files?",
        # ruff
        r"Found \d+ errors?\.",
        r"All checks passed!",
        r"\[\*\] \d+ fixable with (the )?`--fix`( option)?\.?"
        r"( \(\d+ hidden fix(es)? can be enabled with the `--unsafe-fixes` option\)\.?)?",
        r"No fixes available \(\d+ hidden fix(es)? can be enabled with the `--unsafe-fixes` "
        r"option\)\.?",
        r"\d+ files? would be reformatted(, \d+ files? already formatted)?",
        r"\d+ files? already formatted",
        # our own checks (validation_report, ecosystem_gates)
        r"\d+(\.\d+)?% of statements and branches( \(lowest: [\w./\-]+\))? \(minimum \d+%\)",
        r"no coverage data",
        r"highest cyclomatic complexity \d+ \(limit \d+\)",
        r"timed out after [\d.]+ s",
        r"the gates did not run",
        r"no result",
        r"not an ONEX node",
        r"omnibase-(core|infra) is not installed",
        r"no contract\.yaml among the files",
        r"not executed: the files include code the generator did not write and no sandbox "
        r"\(bubblewrap\) is available here, so they were checked statically only",
    )
]


class CopyLines:
    """The files of a repository copy, for telling which output lines point into them."""

    def __init__(self, files: FileSet) -> None:
        self.files = files

    @cached_property
    def _lengths(self) -> dict[str, int]:
        return {path: len(text.splitlines()) for path, text in self.files.files.items()}

    @cached_property
    def _code(self) -> frozenset[str]:
        return frozenset(
            line.strip()
            for text in self.files.files.values()
            for line in text.splitlines()
            if line.strip()
        )

    def file(self, named: str) -> str | None:
        """The copy file ``named`` names: itself, a file it is the tail of (a path relative to a
        node directory) or the tail of (an absolute path into the copy)."""
        path = posixpath.normpath(named)
        lengths = self._lengths
        if path in lengths:
            return path
        for candidate in lengths:
            if candidate.endswith(f"/{path}") or path.endswith(f"/{candidate}"):
                return candidate
        return None

    def line_in(self, named: str, number: int) -> bool:
        """Whether ``named`` is a copy file with a line ``number`` (or the end right after it)."""
        found = self.file(named)
        return found is not None and 1 <= number <= self._lengths[found] + 1

    def is_code(self, text: str) -> bool:
        return text.strip() in self._code


def _places(line: str, copy: CopyLines) -> list[re.Match[str]]:
    """The places in copy files that ``line`` names."""
    return [
        found
        for pattern in _PLACES
        for found in pattern.finditer(line)
        if copy.line_in(found["path"], int(found["line"]))
    ]


def _kept(line: str, copy: CopyLines, untrusted: bool) -> str | None:
    """``line`` (or the part of it) that may be posted; None for none of it."""
    stripped = line.strip()
    if not stripped:
        return None
    if any(own.fullmatch(stripped) for own in _OWN_LINES):
        return line
    item = _PYTEST_ITEM.match(stripped)
    if item and copy.file(item["path"]) is not None:
        return f"{item['kind']} {item['path']}{item['name']}"
    places = _places(line, copy)
    if places:
        return " ".join(m.group(0) for m in places) if untrusted else line
    snippet = _SNIPPET.match(line)
    if snippet and snippet["code"] and copy.is_code(snippet["code"]):
        return line
    return None


def attributable(text: str, files: FileSet | CopyLines, *, untrusted: bool = False) -> list[str]:
    """The lines of ``text`` that may be posted (see the module's docstring); ``untrusted``:
    the output of a process that ran code the generator did not write."""
    copy = files if isinstance(files, CopyLines) else CopyLines(files)
    kept = (_kept(line, copy, untrusted) for line in text.splitlines())
    return [line[:MAX_LINE] for line in kept if line is not None]


def public_output(check: CheckResult, files: FileSet | CopyLines) -> str:
    """``check``'s output as it may be posted, with a note of what was left out."""
    if check.name in OWN_OUTPUT:
        return check.output
    lines = [line for line in check.output.splitlines() if line.strip()]
    kept = attributable(check.output, files, untrusted=check.untrusted_run)
    left = len(lines) - len(kept)
    if left:
        kept.append(
            f"({left} line{'s' if left != 1 else ''} not shown here: only lines that point into "
            "the node's files are posted; the run's report has the full output)"
        )
    return "\n".join(kept)


def _findings(check: CheckResult, copy: CopyLines) -> str:
    """How many findings the check's output names in the copy, as a short note."""
    lines = attributable(check.output, copy, untrusted=check.untrusted_run)
    if check.name == "pytest":
        kinds = [item["kind"] for line in lines if (item := _PYTEST_ITEM.match(line))]
        failed, errors = kinds.count("FAILED"), kinds.count("ERROR")
        counts = [f"{failed} failed"] if failed else []
        counts += [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
        return f" ({', '.join(counts)})" if counts else ""
    places = {found.group(0) for line in lines for found in _places(line, copy)}
    count = len(places)
    return f" ({count} finding{'s' if count != 1 else ''})" if count else ""


def failure_reason(report: ValidationReport, files: FileSet) -> str:
    """The run's failure reason in one line: the checks that failed, each with a short count,
    e.g. ``generated node failed: ruff (3 findings), mypy (1 finding), pytest (2 failed)``."""
    copy = CopyLines(files)
    failed = (report.check(name) for name in report.failed)
    return "generated node failed: " + ", ".join(_named(failed, copy))


def _named(checks: Iterable[CheckResult], copy: CopyLines) -> list[str]:
    return [f"{check.name}{_findings(check, copy)}" for check in checks]
