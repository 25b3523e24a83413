"""The dashboard issue's body: one pure function from the repository's state to Markdown, and the
parsers of what a person changed in it (ticked boxes) and what it carries over (recent actions).

Hidden markers (HTML comments, which GitHub does not show) identify the issue and each box; the
boxes are always rendered unticked, so a tick is a request and the next render resets it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from github_app.repo_config import CONFIG_PATH, Regeneration

TITLE = "onex-nodegen dashboard"
LABEL = "onex-nodegen-dashboard"
MARKER = "<!-- onex-nodegen:dashboard -->"
_NOTES_START, _NOTES_END = "<!-- nodegen:notes -->", "<!-- /nodegen:notes -->"
MAX_NOTES = 10
MAX_NOTE_CHARS = 400
Kind = Literal["retry", "regenerate"]
_BOX = re.compile(
    r"^\s*[-*+] \[(?P<mark>[ xX])\] .*<!-- nodegen:(?P<kind>retry|regenerate):"
    r"(?P<id>[A-Za-z0-9_.:/@+-]{1,300}) -->\s*$",
    re.M,
)


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class NodeRow(_Row):
    """A delivered node."""

    key: str
    path: str
    node_type: str
    generator_version: str
    template_set: str  # the set it was generated with
    pr_number: int | None  # the pull request that delivered it
    regenerated_for: str = ""  # the template set its last regeneration was for
    regeneration_pr: int | None = None
    requested_by: str | None = None  # a person approved its regeneration; not run yet


class FailedRun(_Row):
    """A generation request whose last run failed and which nobody has retried yet."""

    request_id: str
    issue_number: int
    reason: str  # one line
    comment_url: str | None = None
    run_url: str | None = None


class OpenPull(_Row):
    """An open pull request of the App."""

    number: int
    title: str


class DashboardState(_Row):
    """Everything the dashboard shows; gathered from live state for each render."""

    repository: str
    templates: str  # the current template set
    regeneration: Regeneration = "approve"
    max_open_pulls: int = 10
    problems: tuple[tuple[str, str], ...] = ()  # (key, reason) of an invalid config
    nodes: tuple[NodeRow, ...] = ()
    failed: tuple[FailedRun, ...] = ()
    pulls: tuple[OpenPull, ...] = ()
    notes: tuple[str, ...] = ()  # recent actions, newest first


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _plain(text: str) -> str:
    """Text from elsewhere (titles, reasons) in one line, unable to open HTML or a table cell."""
    line = " ".join(text.split())
    return line.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def is_stale(node: NodeRow, templates: str) -> bool:
    """Generated with another template set and not yet regenerated for this one."""
    return node.template_set != templates and node.regenerated_for != templates


def drift_state(node: NodeRow, state: DashboardState) -> str:
    """How a node stands against the current templates, in a few words."""
    if node.template_set == state.templates:
        return "current"
    if node.regenerated_for == state.templates:
        if node.regeneration_pr is not None:
            return f"update proposed in #{node.regeneration_pr}"
        return "current (the new templates change nothing)"
    if node.requested_by:
        return f"stale: regeneration requested by @{node.requested_by}"
    return {
        "approve": "stale: tick **regenerate** to update it",
        "auto": "stale: the template-drift sensor updates it",
        "off": "stale (regeneration is off)",
    }[state.regeneration]


def _intro(state: DashboardState) -> list[str]:
    limit = (
        f"at most {state.max_open_pulls} open pull requests"
        if state.max_open_pulls
        else "no limit on open pull requests"
    )
    settings = (
        f"regeneration `{state.regeneration}`, {limit}"
        if not state.problems
        else "none (the file is invalid, see below)"
    )
    return [
        MARKER,
        f"What onex-nodegen delivered in `{state.repository}`, what drifted from the current "
        f"templates (**v{state.templates}**), what failed, and boxes to act on it. The App keeps "
        "this issue current; tick a box and it acts once, resets the box and says what it did "
        "under **Recent actions**. Only people who may run `/generate-node` here can act.",
        "",
        f"Settings from `{CONFIG_PATH}`: {settings}.",
    ]


def _problems(state: DashboardState) -> list[str]:
    if not state.problems:
        return []
    return [
        "",
        "## ⚠️ Configuration problems",
        "",
        f"`{CONFIG_PATH}` on the default branch cannot be used, so `/generate-node` commands "
        "in this repository are refused until it is fixed:",
        "",
        *(f"- {_code(key)}: {_plain(reason)}" for key, reason in state.problems),
    ]


def _failed(state: DashboardState) -> list[str]:
    if not state.failed:
        return []
    lines = ["", "## Failed runs", ""]
    for run in state.failed:
        links = [
            f"[{name}]({url})"
            for name, url in (("comment", run.comment_url), ("run", run.run_url))
            if url
        ]
        lines.append(
            f"- [ ] **retry** {_code(run.request_id)} from #{run.issue_number}: "
            f"{_plain(run.reason)}"
            + "".join(f" · {link}" for link in links)
            + f" <!-- nodegen:retry:{run.request_id} -->"
        )
    return lines


def _stale(state: DashboardState) -> list[str]:
    stale = [n for n in state.nodes if is_stale(n, state.templates)]
    proposed = [
        n
        for n in state.nodes
        if n.regenerated_for == state.templates and n.regeneration_pr is not None
    ]
    if not (stale or proposed) or state.regeneration == "off":
        return []
    lines = ["", "## Stale nodes", ""]
    for node in stale:
        was = f"(templates v{node.template_set} → v{state.templates})"
        if state.regeneration == "approve":
            waiting = f" — requested by @{node.requested_by}" if node.requested_by else ""
            lines.append(
                f"- [ ] **regenerate** {_code(node.path)} {was}{waiting}"
                f" <!-- nodegen:regenerate:{node.key} -->"
            )
        else:
            lines.append(f"- {_code(node.path)} {was}: the template-drift sensor opens its PR")
    if state.regeneration == "auto" and stale and state.max_open_pulls:
        open_now = len(state.pulls)
        if open_now >= state.max_open_pulls:
            lines.append(
                f"\nThe sensor waits: {open_now} pull requests are open "
                f"(`max_open_pulls: {state.max_open_pulls}`)."
            )
    if proposed:
        lines += ["", "Updates proposed for v" + state.templates + ":", ""]
        lines += [f"- {_code(n.path)}: #{n.regeneration_pr}" for n in proposed]
    return lines


def _pulls(state: DashboardState) -> list[str]:
    if not state.pulls:
        return []
    return [
        "",
        "## Open pull requests",
        "",
        *(f"- #{pull.number} {_plain(pull.title)}" for pull in state.pulls),
    ]


def _nodes(state: DashboardState) -> list[str]:
    lines = ["", "## Delivered nodes", ""]
    if not state.nodes:
        return [*lines, "None yet."]
    lines += [
        "| path | type | generator | templates | delivered in | last regeneration | drift |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for node in state.nodes:
        delivered = f"#{node.pr_number}" if node.pr_number is not None else "—"
        last = "—"
        if node.regenerated_for:
            pr = f" (#{node.regeneration_pr})" if node.regeneration_pr is not None else ""
            last = f"v{node.regenerated_for}{pr}"
        lines.append(
            f"| {_code(node.path)} | {node.node_type} | {node.generator_version} | "
            f"v{node.template_set} | {delivered} | {last} | {drift_state(node, state)} |"
        )
    return lines


def _notes(state: DashboardState) -> list[str]:
    if not state.notes:
        return []
    return [
        "",
        "## Recent actions",
        "",
        _NOTES_START,
        *(f"- {_plain(note)}" for note in state.notes[:MAX_NOTES]),
        _NOTES_END,
    ]


def render_dashboard(state: DashboardState) -> str:
    """The issue body for ``state`` (the same state always gives the same bytes)."""
    lines = [
        *_intro(state),
        *_problems(state),
        *_failed(state),
        *_stale(state),
        *_pulls(state),
        *_nodes(state),
        *_notes(state),
        "",
        "<sub>Kept by onex-nodegen: edits other than ticking a box are replaced on the next "
        f"update. To stop it, set `dashboard: false` in `{CONFIG_PATH}`.</sub>",
    ]
    return "\n".join(lines) + "\n"


def ticked(body: str) -> set[tuple[Kind, str]]:
    """The boxes ticked in ``body``, as (kind, id)."""
    found: set[tuple[Kind, str]] = set()
    for match in _BOX.finditer(body):
        if match.group("mark") in "xX":
            kind: Kind = "retry" if match.group("kind") == "retry" else "regenerate"
            found.add((kind, match.group("id")))
    return found


def carried_notes(body: str) -> list[str]:
    """The recent actions an earlier render wrote in ``body``, newest first."""
    start, end = body.find(_NOTES_START), body.find(_NOTES_END)
    if start < 0 or end < start:
        return []
    lines = body[start + len(_NOTES_START) : end].splitlines()
    return [line[2:].strip()[:MAX_NOTE_CHARS] for line in lines if line.startswith("- ")]


def with_notes(carried: list[str], new: list[str]) -> tuple[str, ...]:
    """Newest first, at most ``MAX_NOTES``, each one line of at most ``MAX_NOTE_CHARS``."""
    fresh = [" ".join(n.split())[:MAX_NOTE_CHARS] for n in reversed(new)]
    return tuple([*fresh, *carried][:MAX_NOTES])
