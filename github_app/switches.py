"""The dashboard's boxes: a person ticks one (GitHub sends ``issues.edited``), the App acts once
(a retry or a regeneration), then the next render shows the box unticked and what happened.

A box acts only when it was ticked by this edit (ticked now, not in the body before it), on the
repository's own dashboard, by someone who may run commands there, and only on what the dashboard
lists now (a failed request nobody retried, a stale node nobody asked for): a redelivery or a
second tick finds nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from codegen_assets.core import version
from codegen_assets.storage.queue import Delivery
from github_app.dashboard import DashboardKeeper, read_settings
from github_app.dashboard_view import NodeRow, is_stale, ticked
from github_app.events import IssuesEvent
from github_app.permissions import REFUSAL, may_run_commands
from github_app.settings import AppSettings

Requeue = Callable[[Delivery, str], str]  # run a stored request again; returns what happened


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


class Switches:
    """Acts on the boxes ticked in one edit of a dashboard."""

    def __init__(self, settings: AppSettings, keeper: DashboardKeeper, requeue: Requeue) -> None:
        self.settings = settings
        self.keeper = keeper
        self.requeue = requeue

    def edited(self, delivery: Delivery, event: IssuesEvent) -> str:
        """Handle ``issues.edited``; returns a note of what happened."""
        repository = event.repository.full_name
        if event.issue.number != self.keeper.issue_number(repository):
            return "ignored: not the dashboard"
        if event.sender.type == "Bot" or event.sender.login == self.settings.bot_login:
            return "ignored: edited by a bot"
        if event.changes.body is None:
            return "ignored: the body did not change"
        before = ticked(event.changes.body.from_ or "")
        new = sorted(ticked(event.issue.body or "") - before)
        if not new:
            return "ignored: no box ticked"
        login = event.sender.login
        gh = self.keeper.client(event.installation.id)
        settings = read_settings(gh, repository)
        refusal = None
        if settings.problems:
            refusal = "the boxes wait until `.github/nodegen.yml` is fixed (see above)"
        elif not may_run_commands(gh, self.settings, repository, login, None, settings.config):
            refusal = REFUSAL
        if refusal is not None:
            notes = [self._note(login, k, i, f"nothing done: {refusal}") for k, i in new]
        else:
            regeneration = settings.config.regeneration
            notes = [
                self._note(
                    login,
                    kind,
                    ident,
                    self._retry(delivery, repository, ident)
                    if kind == "retry"
                    else self._regenerate(repository, ident, login, regeneration),
                )
                for kind, ident in new
            ]
        self.keeper.refresh(repository, event.installation.id, notes)
        return "dashboard: " + "; ".join(notes)

    @staticmethod
    def _note(login: str, kind: str, ident: str, what: str) -> str:
        return f"{_now()} · @{login} ticked **{kind}** for `{ident}`: {what}"

    def _retry(self, delivery: Delivery, repository: str, request_id: str) -> str:
        if request_id not in {run.request_id for run in self.keeper.failed(repository)}:
            return "nothing to do, it is no longer a failed run here"
        outcome = self.requeue(delivery, request_id)
        if not outcome.startswith("queued "):
            return f"nothing done ({outcome})"
        return f"run again as `{outcome.removeprefix('queued ')}`"

    def _regenerate(self, repository: str, key: str, login: str, regeneration: str) -> str:
        node = next((n for n in self.keeper.nodes(repository) if n.key == key), None)
        if regeneration == "off":
            return "nothing done: `regeneration: off` in `.github/nodegen.yml`"
        if node is None:
            return "nothing to do, no such node is delivered here"
        if not is_stale(node, version.TEMPLATE_SET_VERSION):
            return "nothing to do, the node is up to date"
        if not self.keeper.store.approve(key, repository, version.TEMPLATE_SET_VERSION, login):
            return "already requested; a worker opens its pull request"
        return f"regeneration requested; a worker opens its pull request ({_templates(node)})"


def _templates(node: NodeRow) -> str:
    return f"templates v{node.template_set} → v{version.TEMPLATE_SET_VERSION}"
