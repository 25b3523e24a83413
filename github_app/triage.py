"""Triage of stored deliveries: who asked, for what, and whether to queue a generation."""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.parse
from typing import Any

from githubkit import GitHub
from pydantic import ValidationError

from codegen_assets.core.model_settings import ModelChoice
from codegen_assets.core.models import (
    GenerationOptions,
    GenerationRequest,
    GitHubTarget,
    NodeSpec,
    NodeType,
    StyleConfig,
)
from codegen_assets.core.naming import request_id as new_request_id
from codegen_assets.core.rendering.provenance import read_lock
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.read_prompt import read_prompt
from codegen_assets.core.understanding.contract import ContractError
from codegen_assets.core.understanding.line_reader.text import PromptError
from codegen_assets.core.understanding.spec_file import dump_spec
from codegen_assets.core.validation.style import StyleConfigError
from codegen_assets.storage.artifacts import ArtifactStore, UnknownArtifactError
from codegen_assets.storage.model_gateway import reading_gateway
from codegen_assets.storage.queue import Delivery, RequestQueue
from codegen_assets.storage.registry import NodeRegistry
from github_app.client import installation_client, parsed
from github_app.commands import HELP, Command, CommandError, contract_request, parse_command
from github_app.dashboard import DashboardKeeper
from github_app.drafts import draft_reply
from github_app.events import CheckRunEvent, IssueCommentEvent, IssuesEvent, PushEvent
from github_app.permissions import REFUSAL, may_run_commands
from github_app.repo_config import CONFIG_PATH, RepoConfig, RepoConfigError, fetch_repo_config
from github_app.repo_layout import LayoutError, resolve_layout
from github_app.repo_style import repository_style
from github_app.settings import AppSettings
from github_app.switches import Switches

log = logging.getLogger(__name__)
CHECK_NAME = "onex-nodegen"


def decode_payload(body: bytes) -> object:
    """A webhook body as JSON: ``application/json``, or the ``payload`` field of a
    form-encoded delivery (GitHub's other content type). ValueError names what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"body is not UTF-8 text (byte {exc.start})") from exc
    if text.startswith("payload="):
        fields = urllib.parse.parse_qs(text, max_num_fields=10)
        text = fields.get("payload", [""])[0]
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"body is not JSON ({exc.msg} at line {exc.lineno})") from exc


class Triage:
    """Turns one stored delivery into replies and, for accepted commands, a queued request."""

    def __init__(
        self,
        settings: AppSettings,
        queue: RequestQueue,
        store: ArtifactStore,
        dashboards: DashboardKeeper | None = None,
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.store = store
        self.registry = NodeRegistry(queue.location)
        self.dashboards = dashboards
        self.switches = (
            Switches(settings, dashboards, self._requeue) if dashboards is not None else None
        )

    def handle(self, delivery: Delivery) -> str:
        """Process ``delivery``; returns a note of what happened (kept in the queue)."""
        try:
            payload = decode_payload(delivery.body)
        except ValueError as exc:
            return f"ignored: {exc}"
        action = payload.get("action") if isinstance(payload, dict) else None
        try:
            if delivery.event == "issue_comment" and action == "created":
                return self._comment(delivery, IssueCommentEvent.model_validate(payload))
            if delivery.event == "check_run" and action == "rerequested":
                return self._rerequested(delivery, CheckRunEvent.model_validate(payload))
            if delivery.event == "issues" and action in ("edited", "deleted"):
                return self._issue(delivery, IssuesEvent.model_validate(payload))
            if delivery.event == "push":
                return self._push(PushEvent.model_validate(payload))
        except ValidationError as exc:
            return f"ignored: malformed {delivery.event} payload ({exc.error_count()} errors)"
        return f"ignored: {delivery.event}.{action}"

    def _gh(self, installation_id: int) -> GitHub[Any]:
        return installation_client(self.settings, installation_id)

    def _comment(self, delivery: Delivery, event: IssueCommentEvent) -> str:
        if event.sender.type == "Bot" or event.sender.login == self.settings.bot_login:
            return "ignored: comment by a bot"
        try:
            command = parse_command(event.comment.body or "")
        except CommandError as exc:
            self._reply(event, f"@{event.sender.login} {exc}")
            return f"rejected: {exc}"
        if command is None:
            return "ignored: no command"
        gh = self._gh(event.installation.id)
        owner, repo = event.repository.owner_and_name
        gh.rest.reactions.create_for_issue_comment(
            owner, repo, event.comment.id, data={"content": "eyes"}
        )
        try:
            config = fetch_repo_config(gh, owner, repo)
        except RepoConfigError as exc:
            self._reply(event, self._config_refusal(event, exc))
            return f"rejected: {exc}"
        if not may_run_commands(
            gh,
            self.settings,
            event.repository.full_name,
            event.comment.user.login,
            event.comment.author_association,
            config,
        ):
            self._reply(event, f"Sorry @{event.sender.login}, {REFUSAL}.")
            return "refused: not a collaborator"
        if command.action == "help":
            self._reply(event, HELP)
            return "help"
        if command.action == "retry":
            return self._retry(delivery, event)
        if command.action == "confirm":
            return self._confirm(delivery, event, config)
        if command.action == "refine":
            return self._refine(delivery, event, command, config)
        return self._accept(delivery, event, command, config)

    def _refine(
        self, delivery: Delivery, event: IssueCommentEvent, command: Command, config: RepoConfig
    ) -> str:
        """Regenerate a delivered node with amended requirements, on its own branch and PR."""
        node = (
            self.registry.by_pull_request(event.repository.full_name, event.issue.number)
            if event.issue.pull_request is not None
            else None
        )
        if node is None:
            self._reply(
                event,
                "`refine` works in a pull request I opened with a generated node; "
                "this is not one of them.",
            )
            return "rejected: refine outside a generated pull request"
        lock = read_lock(node.lock)
        amended = Command(
            action="generate",
            prompt=f"{lock.prompt}\n{command.prompt}",
            node_type=NodeType(lock.node_type),
            name=node.node_name,
            enable_intelligence=lock.options.enable_intelligence,
            output_dir=node.path.rsplit("/", 1)[0],
        )
        settings = config.model_copy(update={"target": lock.options.target})
        return self._accept(delivery, event, amended, settings, branch=node.branch)

    def _config_refusal(self, event: IssueCommentEvent, exc: RepoConfigError) -> str:
        """Why a command cannot run while the config is invalid: a link to the dashboard, which
        names the problems, or (without a dashboard) the problems themselves."""
        url = None
        if self.dashboards is not None and exc.dashboard:
            url = self.dashboards.refresh(event.repository.full_name, event.installation.id)
        if url is None:
            return f"I cannot run: {exc}"
        return (
            f"I cannot run while `{CONFIG_PATH}` is invalid. The [onex-nodegen dashboard]({url}) "
            "names the problem; commands work again once the file is fixed."
        )

    def _issue(self, delivery: Delivery, event: IssuesEvent) -> str:
        """A box ticked on the dashboard, or the dashboard deleted (made again, once)."""
        if self.dashboards is None or self.switches is None:
            return "ignored: no dashboards here"
        if event.action == "edited":
            return self.switches.edited(delivery, event)
        repository = event.repository.full_name
        if event.issue.number != self.dashboards.issue_number(repository):
            return "ignored: not the dashboard"
        url = self.dashboards.refresh(repository, event.installation.id)
        return f"dashboard deleted; made again: {url}"

    def _push(self, event: PushEvent) -> str:
        """A change of the config on the default branch shows (or clears) its problems."""
        if self.dashboards is None:
            return "ignored: no dashboards here"
        if event.ref != f"refs/heads/{event.repository.default_branch}" or not event.touches(
            CONFIG_PATH
        ):
            return "ignored: the config did not change"
        url = self.dashboards.refresh(event.repository.full_name, event.installation.id)
        return f"config changed; dashboard: {url or 'none'}"

    def _reply(self, event: IssueCommentEvent, body: str) -> None:
        owner, repo = event.repository.owner_and_name
        self._gh(event.installation.id).rest.issues.create_comment(
            owner, repo, event.issue.number, data={"body": body}
        )

    def _accept(
        self,
        delivery: Delivery,
        event: IssueCommentEvent,
        command: Command,
        config: RepoConfig,
        branch: str | None = None,
    ) -> str:
        gh = self._gh(event.installation.id)
        owner, repo = event.repository.owner_and_name
        is_pr = event.issue.pull_request is not None
        if is_pr:
            head_sha = parsed(gh.rest.pulls.get(owner, repo, event.issue.number)).head.sha
        else:
            default = parsed(gh.rest.repos.get(owner, repo)).default_branch
            head_sha = parsed(gh.rest.git.get_ref(owner, repo, f"heads/{default}")).object_.sha
        output_base = command.output_dir or config.output_base
        try:
            layout, package = resolve_layout(
                output_base, config.package if not command.output_dir else None
            )
        except LayoutError as exc:
            self._reply(event, f"@{event.sender.login} I cannot place the node: {exc}")
            return f"rejected: {exc}"
        target = GitHubTarget(
            repository=event.repository.full_name,
            installation_id=event.installation.id,
            issue_number=event.issue.number,
            is_pull_request=is_pr,
            branch=branch,
            comment_id=event.comment.id,
            requester=event.comment.user.login,
            head_sha=head_sha,
            output_base=output_base,
            source_root=layout.source_root,
            labels=config.labels,
            reviewers=config.reviewers,
            draft=config.draft,
        )
        options = GenerationOptions(
            node_type=command.node_type or config.node_type,
            name=command.name,
            enable_intelligence=command.enable_intelligence,
            target=config.target,
            package=package,
            copyright_holder=config.copyright,
            license=config.license,
        )
        try:
            style = repository_style(gh, owner, repo, head_sha, output_base)
        except StyleConfigError as exc:  # names the file and key; quotes nothing it read
            self._reply(
                event,
                f"@{event.sender.login} I cannot use this repository's ruff configuration: {exc}",
            )
            return f"rejected: {exc}"
        try:
            prompt = contract_request(command.prompt)  # a contract block: its spec file
            spec = self._read(prompt, options, style, event.installation.id, config.llm)
        except (PromptError, ContractError) as exc:  # pre-flight: a bad prompt starts no run
            self._reply(
                event, f"@{event.sender.login} I cannot generate a node from this request: {exc}"
            )
            return f"rejected: {exc}"
        if spec.review:
            return self._draft(event, command, spec, options, target, style)
        model_lock = None  # the answers a replay gives (the repository's ``llm: {mode: replay}``)
        if branch is None and is_pr:  # an edited spec on a generated PR: into the same PR
            node = self.registry.by_pull_request(event.repository.full_name, event.issue.number)
            if node is not None:
                target = target.model_copy(update={"branch": node.branch})
                model_lock = read_lock(node.lock).model
        return self._queue(
            delivery, prompt, options, target, style, spec.name, config.llm, model_lock
        )

    def _draft(
        self,
        event: IssueCommentEvent,
        command: Command,
        spec: NodeSpec,
        options: GenerationOptions,
        target: GitHubTarget,
        style: StyleConfig | None,
    ) -> str:
        """Not understood well enough to run: answer with what was read, the names it did not
        place, up to three questions with their recommended answers, and the draft spec; keep
        the draft for ``/generate-node confirm`` (no run starts)."""
        draft = dump_spec(spec)
        draft_id = f"draft-{hashlib.sha256(draft.encode()).hexdigest()[:16]}"
        self.store.put_request(
            GenerationRequest(
                request_id=draft_id,
                prompt=draft,
                options=options,
                correlation_id=draft_id,
                github=target,
                style=style,
            )
        )
        self.queue.remember(target.repository, target.issue_number, draft_id)
        self._reply(event, draft_reply(event.sender.login, spec, draft))
        return "drafted: " + "; ".join(spec.review)

    def _confirm(self, delivery: Delivery, event: IssueCommentEvent, config: RepoConfig) -> str:
        """Generate the draft spec last answered on this issue or PR, as it stands."""
        last = self.queue.last_request(event.repository.full_name, event.issue.number)
        if last is None or not last.startswith("draft-"):
            self._reply(event, "There is no draft spec here to confirm; ask with `/generate-node`.")
            return "rejected: nothing to confirm"
        draft = self.store.get_request(last)
        command = Command(action="generate", prompt=draft.prompt)
        return self._accept(delivery, event, command, config)

    def _read(
        self,
        prompt: str,
        options: GenerationOptions,
        style: StyleConfig | None,
        installation: int,
        choice: ModelChoice | None = None,
    ) -> NodeSpec:
        """The request as the run will read it: by the rules, or by the model when one is
        configured (``NODEGEN_LLM_MODE``, or the repository's ``llm:`` ``choice``) and its
        reading is at least as good; its answer is cached in the App's database, where the run
        finds it."""
        account = f"installation:{installation}"
        with reading_gateway(self.store.location, account, choice=choice) as (gateway, note):
            return read_prompt(prompt, options, style, gateway=gateway, note=note)

    def _queue(
        self,
        delivery: Delivery,
        prompt: str,
        options: GenerationOptions,
        target: GitHubTarget,
        style: StyleConfig | None = None,
        name: str | None = None,
        llm: ModelChoice | None = None,
        model_lock: dict[str, Any] | None = None,
    ) -> str:
        if name is None:
            name = parse_prompt(prompt, options, style).name
        request_id = new_request_id(name)
        owner, repo = target.repository.split("/", 1)
        checks = self._gh(target.installation_id).rest.checks
        check = parsed(
            checks.create(
                owner,
                repo,
                data={
                    "name": CHECK_NAME,
                    "head_sha": target.head_sha,
                    "status": "queued",
                    "external_id": request_id,
                    "output": {"title": "Queued", "summary": "Waiting for a worker."},
                },
            )
        )
        request = GenerationRequest(
            request_id=request_id,
            prompt=prompt,
            options=options,
            output_dir=None,  # the worker writes in its own workspace before publishing
            correlation_id=delivery.delivery_id,
            github=target.model_copy(update={"check_run_id": check.id}),
            style=style,
            llm=llm,
            model_lock=model_lock,
        )
        self.store.put_request(request)
        self.queue.remember(target.repository, target.issue_number, request_id)
        self.queue.enqueue_run(request_id, delivery.delivery_id)
        return f"queued {request_id}"

    def _retry(self, delivery: Delivery, event: IssueCommentEvent) -> str:
        previous = self.queue.last_request(event.repository.full_name, event.issue.number)
        if previous is None:
            self._reply(event, "There is no earlier `/generate-node` request here to retry.")
            return "rejected: nothing to retry"
        return self._requeue(delivery, previous)

    def _rerequested(self, delivery: Delivery, event: CheckRunEvent) -> str:
        external = event.check_run.external_id or ""
        if event.check_run.name != CHECK_NAME or not external:
            return "ignored: not our check run"
        return self._requeue(delivery, external)

    def _requeue(self, delivery: Delivery, request_id: str) -> str:
        try:
            old = self.store.get_request(request_id)
        except UnknownArtifactError:
            return f"ignored: unknown request {request_id}"
        if old.github is None:
            return f"ignored: request {request_id} did not come from GitHub"
        return self._queue(
            delivery, old.prompt, old.options, old.github, old.style, None, old.llm, old.model_lock
        )
