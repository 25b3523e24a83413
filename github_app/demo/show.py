"""What ``omninode-github demo`` prints: the stages as the check run ticks them, then what the
pull request changed, with its check run, labels and reviewers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from github_app.demo.fake_github import FakeGitHub, Repo

_TICKED = re.compile(r"^- \[x\] (\w+)$", re.M)


def ticked_stages(repo: Repo) -> list[str]:
    """Stages the check runs show as done so far, in the order they were ticked."""
    seen: list[str] = []
    for update in repo.check_run_updates:
        summary = str((update.get("output") or {}).get("summary", ""))
        seen += [stage for stage in _TICKED.findall(summary) if stage not in seen]
    return seen


def follow(repo: Repo, done: Callable[[], bool], sleep: Callable[[], None]) -> Iterator[str]:
    """Each stage as it is ticked, until ``done()``."""
    shown = 0
    while True:
        finished = done()
        stages = ticked_stages(repo)
        yield from stages[shown:]
        shown = len(stages)
        if finished:
            return
        sleep()


def changed_files(repo: Repo, branch: str) -> list[str]:
    """Files the branch adds or changes against the default branch."""
    base = repo.files_at(repo.default_branch)
    head = repo.files_at(branch)
    return sorted(path for path, data in head.items() if base.get(path) != data)


def pull_request_summary(repo: Repo, api_url: str) -> list[str]:
    """The pull requests the App opened, as a person would look them over."""
    lines = []
    for pull in repo.pulls.values():
        number, branch = pull["number"], pull["head"]["ref"]
        draft = " (draft)" if pull.get("draft") else ""
        lines += [
            f"pull request #{number}{draft}: {pull['title']}",
            f"  branch     {branch}",
            f"  labels     {', '.join(repo.labels.get(number, [])) or 'none'}",
            f"  reviewers  {', '.join(repo.reviewers.get(number, [])) or 'none'}",
        ]
        for check in repo.check_runs.values():
            output = check.get("output") or {}
            lines.append(
                f"  check run  {check.get('name')}: {check.get('status')}, "
                f"{check.get('conclusion') or 'no conclusion'} ({output.get('title', '')})"
            )
        files = changed_files(repo, branch)
        lines.append(f"  changes    {len(files)} files")
        lines += [f"    {path}" for path in files]
        where = f"{api_url}/repos/{repo.owner}/{repo.name}/pulls/{number}"
        lines.append(f"  served at  {where} (while the demo runs)")
    return lines


def _dashboard(fake: FakeGitHub, full_name: str) -> dict[str, object] | None:
    found = [
        i
        for i in fake.repos[full_name].live_issues()
        if "onex-nodegen:dashboard" in str(i.get("body"))
    ]
    return found[0] if found else None


def config_problems(fake: FakeGitHub, full_name: str) -> list[str]:
    """The dashboard's configuration problems, as listed (none: empty)."""
    issue = _dashboard(fake, full_name)
    lines = str(issue["body"] if issue else "").splitlines()
    if "## ⚠️ Configuration problems" not in lines:
        return []
    start = lines.index("## ⚠️ Configuration problems")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


def dashboard_summary(fake: FakeGitHub, full_name: str, api_url: str) -> list[str]:
    """The dashboard issue the App keeps, as its body reads, and where its page is served."""
    issue = _dashboard(fake, full_name)
    if issue is None:
        return ["no dashboard issue"]
    number = int(str(issue["number"]))
    return [
        f"dashboard issue #{issue['number']}: {issue['title']}",
        f"  page       {fake.issue_url(api_url, full_name, number)} (while the demo runs)",
        "",
        str(issue["body"]).rstrip(),
    ]
