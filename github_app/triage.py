"""Triage of stored deliveries: who asked, for what, and whether to queue a generation."""

from __future__ import annotations

import base64
import json
import logging
import urllib.parse
from typing import Any

from githubkit import GitHub
from githubkit.exception import RequestFailed
from pydantic import ValidationError

from codegen_assets.core.models import (
    GenerationOptions,
    GenerationRequest,
    GitHubTarget,
    NodeType,
    StyleConfig,
)
from codegen_assets.core.naming import request_id as new_request_id
from codegen_assets.core.provenance import read_lock
from codegen_assets.core.stages.parsed_prompt import PromptError, parse_prompt
from codegen_assets.core.style import StyleConfigError
from codegen_assets.core.understanding.contract import ContractError
from codegen_assets.core.understood import understood_markdown
from codegen_assets.storage.artifacts import ArtifactStore, UnknownArtifactError
from codegen_assets.storage.queue import Delivery, RequestQueue
from codegen_assets.storage.registry import NodeRegistry
from github_app.client import body_of, installation_client
from github_app.commands import HELP, Command, CommandError, contract_request, parse_command
from github_app.events import CheckRunEvent, IssueCommentEvent
from github_app.repo_config import CONFIG_PATH, RepoConfig, RepoConfigError, load_repo_config
from github_app.repo_layout import LayoutError, resolve_layout
from github_app.repo_style import repository_style
from github_app.settings import AppSettings

log = logging.getLogger(__name__)
CHECK_NAME = "onex-nodegen"
WRITE_PERMISSIONS = {"admin", "maintain", "write"}


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

    def __init__(self, settings: AppSettings, queue: RequestQueue, store: ArtifactStore) -> None:
        self.settings = settings
        self.queue = queue
        self.store = store
        self.registry = NodeRegistry(queue.location)

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
            config = self._config(gh, owner, repo)
        except RepoConfigError as exc:
            self._reply(event, f"I cannot run: {exc}")
            return f"rejected: {exc}"
        if not self._allowed(gh, event, config):
            self._reply(
                event,
                f"Sorry @{event.sender.login}, only collaborators with write access "
                f"(and, where {CONFIG_PATH} lists users or teams, only those) "
                "can ask me to generate nodes here.",
            )
            return "refused: not a collaborator"
        if command.action == "help":
            self._reply(event, HELP)
            return "help"
        if command.action == "retry":
            return self._retry(delivery, event)
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

    def _config(self, gh: GitHub[Any], owner: str, repo: str) -> RepoConfig:
        try:
            content = body_of(gh.rest.repos.get_content(owner, repo, CONFIG_PATH))
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return load_repo_config(None)
            raise
        return load_repo_config(base64.b64decode(content.get("content", "")).decode("utf-8"))

    def _allowed(self, gh: GitHub[Any], event: IssueCommentEvent, config: RepoConfig) -> bool:
        login = event.comment.user.login
        owner, repo = event.repository.owner_and_name
        if (config.allowed_users or config.allowed_teams) and not (
            login in config.allowed_users or self._in_team(gh, owner, login, config.allowed_teams)
        ):
            return False
        if event.comment.author_association in self.settings.allowed_associations:
            return True
        # author_association can under-report (org admins may show as NONE): ask GitHub directly.
        level = body_of(gh.rest.repos.get_collaborator_permission_level(owner, repo, login))
        return level.get("permission") in WRITE_PERMISSIONS

    def _in_team(self, gh: GitHub[Any], org: str, login: str, teams: tuple[str, ...]) -> bool:
        """Active membership in any of ``teams`` (slugs of the repository owner's org)."""
        for slug in teams:
            try:
                membership = body_of(gh.rest.teams.get_membership_for_user_in_org(org, slug, login))
            except RequestFailed as exc:
                if exc.response.status_code == 404:
                    continue
                raise
            if membership.get("state") == "active":
                return True
        return False

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
            head_sha = body_of(gh.rest.pulls.get(owner, repo, event.issue.number))["head"]["sha"]
        else:
            default = body_of(gh.rest.repos.get(owner, repo))["default_branch"]
            head_sha = body_of(gh.rest.git.get_ref(owner, repo, f"heads/{default}"))["object"][
                "sha"
            ]
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
            spec = parse_prompt(prompt, options, style)  # pre-flight: a bad prompt
        except (PromptError, ContractError) as exc:  # starts no run
            self._reply(
                event, f"@{event.sender.login} I cannot generate a node from this request: {exc}"
            )
            return f"rejected: {exc}"
        if spec.review:
            self._reply(
                event,
                f"@{event.sender.login} I did not understand enough of this request to generate "
                f"the node you asked for. This is what I read:\n\n{understood_markdown(spec)}\n"
                "Edit the request and comment `/generate-node` again.",
            )
            return "rejected: " + "; ".join(spec.review)
        return self._queue(delivery, prompt, options, target, style, spec.name)

    def _queue(
        self,
        delivery: Delivery,
        prompt: str,
        options: GenerationOptions,
        target: GitHubTarget,
        style: StyleConfig | None = None,
        name: str | None = None,
    ) -> str:
        if name is None:
            name = parse_prompt(prompt, options, style).name
        request_id = new_request_id(name)
        owner, repo = target.repository.split("/", 1)
        checks = self._gh(target.installation_id).rest.checks
        check = body_of(
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
            github=target.model_copy(update={"check_run_id": int(check["id"])}),
            style=style,
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
        return self._queue(delivery, old.prompt, old.options, old.github, old.style)
