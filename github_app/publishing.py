"""Delivering a generated node as a pull request (git data API), or keeping it when that fails."""

from __future__ import annotations

import contextlib
import difflib
import hashlib
from typing import Any

import yaml
from githubkit import GitHub
from githubkit.exception import GitHubException
from githubkit_schemas.latest.models import PullRequest

from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import (
    FileSet,
    GenerationRequest,
    GitHubTarget,
    Intelligence,
    NodeSpec,
    RefinedCode,
)
from codegen_assets.core.understanding.spec_file import dump_spec
from codegen_assets.core.understanding.understood import understood_markdown
from codegen_assets.core.validation.markdown import report_markdown
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.retention import RetentionSettings
from github_app.client import installation_client, parsed
from github_app.failures import describe, public_reason
from github_app.outcomes import PublishOutcome
from github_app.repo_files import (
    branch_head,
    commit_to_branch,
    file_tree,
    files_under,
    open_pull,
    tree_paths,
)
from github_app.repo_layout import RepoLayout
from github_app.settings import AppSettings

TRAILER = "Nodegen-Request"


def split_repo(target: GitHubTarget) -> tuple[str, str]:
    """Owner and name."""
    owner, name = target.repository.split("/", 1)
    return owner, name


def branch_name(target: GitHubTarget, node_name: str) -> str:
    """Deterministic per issue and node, so a rerun updates the same branch and PR."""
    short = hashlib.sha1(
        f"{target.repository}#{target.issue_number}:{node_name}".encode()
    ).hexdigest()
    return f"nodegen/{node_name}-{short[:7]}"


class Publisher:
    """Publishes one request's files with an installation client."""

    def __init__(self, gh: GitHub[Any], settings: AppSettings, store: ArtifactStore) -> None:
        self.gh = gh
        self.settings = settings
        self.store = store

    @classmethod
    def for_installation(
        cls, settings: AppSettings, installation_id: int, store: ArtifactStore
    ) -> Publisher:
        """A publisher acting as the App in one installation."""
        return cls(installation_client(settings, installation_id), settings, store)

    def publish(
        self,
        request: GenerationRequest,
        spec: NodeSpec,
        intel: Intelligence,
        refined: RefinedCode,
        run_url: str,
    ) -> PublishOutcome:
        """Open or update the PR; on any GitHub failure keep the files and tell the user."""
        target = request.github
        if target is None:
            raise ValueError(f"request {request.request_id} did not come from GitHub")
        branch = target.branch or branch_name(target, spec.name)
        try:
            return self._publish(request, target, branch, spec, intel, refined, run_url)
        except GitHubException as exc:  # UnexpectedAnswerError too: an answer off its schema
            reason = public_reason(exc)
            self.store.put_files(
                request.request_id,
                spec.name,
                refined.files,
                f"pull request could not be written: {describe(exc)}",
            )
            comment = self._notify_failure(request, target, spec, refined, reason)
            return PublishOutcome(
                branch=branch, stored_in_artifact_store=True, error=reason, comment_url=comment
            )

    def _publish(
        self,
        request: GenerationRequest,
        target: GitHubTarget,
        branch: str,
        spec: NodeSpec,
        intel: Intelligence,
        refined: RefinedCode,
        run_url: str,
    ) -> PublishOutcome:
        owner, repo = split_repo(target)
        git = self.gh.rest.git
        default = parsed(self.gh.rest.repos.get(owner, repo)).default_branch
        existing = branch_head(self.gh, owner, repo, branch)
        if (
            existing is not None
            and TRAILER not in parsed(git.get_commit(owner, repo, existing)).message
        ):
            self._comment(
                target,
                f"A person has pushed to `{branch}`, so I did not overwrite it. "
                "Delete the branch or ask for the change there.",
            )
            return PublishOutcome(branch=branch, stopped_for_human_push=True)
        parent = existing or parsed(git.get_ref(owner, repo, f"heads/{default}")).object_.sha
        files = repo_files(target, refined.files, tree_paths(self.gh, owner, repo, parent))
        layout = NodeLayout.of(spec, spec.options.package)
        dirs = [RepoLayout(target.source_root).repo_path(layout.node_dir), layout.tests_dir]
        before = files_under(self.gh, owner, repo, existing, dirs) if existing else {}
        tree = file_tree(self.gh, owner, repo, parent, files)
        message = (
            f"Add generated node {spec.name}\n\nRequested in #{target.issue_number} by "
            f"@{target.requester}.\n\n{TRAILER}: {request.request_id}\n"
        )
        commit = commit_to_branch(
            self.gh,
            owner,
            repo,
            branch,
            tree=tree,
            parent=parent,
            message=message,
            existing=existing,
        )
        draft = target.draft or not refined.report.passed
        body = pr_body(request, spec, intel, refined, run_url)
        pull, updated = self._open_or_update_pr(owner, repo, branch, default, spec, body, draft)
        if not updated:
            self._decorate(owner, repo, pull.number, target)
        outcome = PublishOutcome(
            branch=branch,
            commit_sha=commit,
            pr_number=pull.number,
            pr_url=pull.html_url,
            draft=draft,
            updated_existing=updated,
        )
        summary = change_summary(before, files) if existing else ""
        self._comment(target, final_comment(outcome, spec, refined) + summary)
        return outcome

    def _open_or_update_pr(
        self, owner: str, repo: str, branch: str, base: str, spec: NodeSpec, body: str, draft: bool
    ) -> tuple[PullRequest, bool]:
        pulls = self.gh.rest.pulls
        found = open_pull(self.gh, owner, repo, branch)
        if found is not None:
            pull = parsed(pulls.update(owner, repo, found.number, data={"body": body}))
            return pull, True
        title = f"Add generated {spec.node_type.value} node {spec.name}"
        pull = parsed(
            pulls.create(
                owner,
                repo,
                data={"title": title, "head": branch, "base": base, "body": body, "draft": draft},
            )
        )
        return pull, False

    def _decorate(self, owner: str, repo: str, number: int, target: GitHubTarget) -> None:
        if target.labels:
            self.gh.rest.issues.add_labels(
                owner, repo, number, data={"labels": list(target.labels)}
            )
        reviewers = [
            r for r in (target.reviewers or (target.requester,)) if not r.endswith("[bot]")
        ]
        if reviewers:
            self.gh.rest.pulls.request_reviewers(owner, repo, number, data={"reviewers": reviewers})

    def _comment(self, target: GitHubTarget, body: str) -> str | None:
        owner, repo = split_repo(target)
        comment = self.gh.rest.issues.create_comment(
            owner, repo, target.issue_number, data={"body": body}
        )
        return parsed(comment).html_url or None

    def _notify_failure(
        self,
        request: GenerationRequest,
        target: GitHubTarget,
        spec: NodeSpec,
        refined: RefinedCode,
        reason: str,
    ) -> str | None:
        keep_days = RetentionSettings().keep_days
        body = failure_comment(
            request, spec, refined, reason, self.settings.patch_comment_limit, keep_days
        )
        # If GitHub is down this fails too: the files are in the artifact store and run metadata,
        # and kept until someone is told (retention counts the days from then).
        with contextlib.suppress(GitHubException):
            comment = self._comment(target, body)
            self.store.mark_told(request.request_id, keep_days)
            return comment
        return None


def pr_body(
    request: GenerationRequest,
    spec: NodeSpec,
    intel: Intelligence,
    refined: RefinedCode,
    run_url: str,
) -> str:
    """The PR description: the validation report and where the request came from."""
    target = request.github
    origin = f"Requested in #{target.issue_number} by @{target.requester}." if target else ""
    warnings = [*spec.warnings, *intel.warnings]
    patterns = [p.name for p in intel.patterns]
    review = "" if refined.report.passed else "\n> **Needs review:** a validation check failed.\n"
    return (
        f"Generated ONEX v2.0 {spec.node_type.value} node `{spec.name}`. {origin}\n{review}\n"
        f"{understood_markdown(spec)}\n"
        "<details><summary>The spec this node was generated from (edit it and comment it back "
        "in a ```yaml block to regenerate this PR)</summary>\n\n"
        f"```yaml\n{dump_spec(spec)}```\n</details>\n\n"
        f"### Validation report\n\n"
        f"{report_markdown(refined.report, patterns, warnings, public=refined.files)}\n"
        f"[Dagster run]({run_url}) · workflow `{request.request_id}`\n"
    )


def final_comment(outcome: PublishOutcome, spec: NodeSpec, refined: RefinedCode) -> str:
    """The issue comment once the PR exists."""
    verb = "Updated" if outcome.updated_existing else "Opened"
    state = " (draft: needs review)" if outcome.draft else ""
    warnings = "".join(f"\n- {w}" for w in spec.warnings)
    return (
        f"{verb} {outcome.pr_url}{state} with `{spec.name}`. "
        f"Quality score: **{refined.report.quality_score:.3f}**."
        + (f"\n\nWarnings:{warnings}" if warnings else "")
    )


def repo_files(target: GitHubTarget, files: FileSet, existing: set[str]) -> dict[str, str]:
    """``files`` at their repository paths, without package markers the repository has."""
    layout = RepoLayout(target.source_root)
    placed = {layout.repo_path(key): text for key, text in files.files.items()}
    markers = {layout.repo_path(key) for key in files.create_only}
    return {path: text for path, text in placed.items() if path not in markers & existing}


def _operations(files: dict[str, str]) -> list[str]:
    contracts = [text for path, text in files.items() if path.endswith("/contract.yaml")]
    try:
        contract = yaml.safe_load(contracts[0]) if contracts else {}
        return [str(h["operation"]) for h in contract["handler_routing"]["handlers"]]
    except (yaml.YAMLError, KeyError, TypeError):
        return []


def change_summary(before: dict[str, str], after: dict[str, str]) -> str:
    """What an update changed: operations added or removed, and the files touched."""
    old_ops, new_ops = _operations(before), _operations(after)
    lines = ["", "", "**What changed:**"]
    added = [op for op in new_ops if op not in old_ops]
    removed = [op for op in old_ops if op not in new_ops]
    if added:
        lines.append("- operations added: " + ", ".join(f"`{op}`" for op in added))
    if removed:
        lines.append("- operations removed: " + ", ".join(f"`{op}`" for op in removed))
    for label, names in (
        ("files added", sorted(set(after) - set(before))),
        ("files changed", sorted(f for f in after if f in before and after[f] != before[f])),
        ("files removed from the generation", sorted(set(before) - set(after))),
    ):
        if names:
            lines.append(f"- {label}: " + ", ".join(f"`{n}`" for n in names))
    if len(lines) == 3:
        lines.append("- nothing: the files are as they were")
    return "\n".join(lines)


def failure_comment(
    request: GenerationRequest,
    spec: NodeSpec,
    refined: RefinedCode,
    reason: str,
    limit: int,
    keep_days: float,
) -> str:
    """Why the PR could not be written, the code as a patch when small, and how to fetch it."""
    patch = "".join(
        "".join(difflib.unified_diff([], text.splitlines(keepends=True), "/dev/null", f"b/{rel}"))
        for rel, text in sorted(refined.files.files.items())
    )
    shown = (
        (
            f"\n\n<details><summary>Generated files as a patch</summary>\n\n```diff\n{patch}```\n"
            "</details>"
        )
        if len(patch) <= limit
        else "\n\nThe patch is too large to show here."
    )
    return (
        f"I generated `{spec.name}` but could not write the pull request: {reason}.\n\n"
        f"Nothing is lost: the files are kept in the artifact store for {keep_days:g} days. "
        "Fetch them with\n"
        f"`omninode-generate recover {request.request_id} --output-dir DIR`, "
        f"or comment `/generate-node retry`.{shown}"
    )
