"""What the fake GitHub answers: GitHub's own example of each object, from its OpenAPI description,
with the fake's state put in, so an answer carries every field GitHub sends and the App reads it
with the same typed models it reads GitHub with.

The examples of ``@octokit/openapi`` lag its schemas in a few places (a repository without
``language``, teams without ``type``, labels without ``archived_at``); those fields are added here.
"""

from __future__ import annotations

import base64
import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

SPEC_ENV = "NODEGEN_GITHUB_OPENAPI"
SPEC_RELATIVE = Path("node_modules/@octokit/openapi/generated/api.github.com.json")
API = "https://api.github.com"
WEB = "https://github.com"
DOCS = "https://docs.github.com/rest"
BOT = "onex-nodegen[bot]"


def spec_path() -> Path:
    """Where GitHub's OpenAPI description is (``npm install`` at the repository root)."""
    if env := os.environ.get(SPEC_ENV):
        return Path(env)
    return Path(__file__).resolve().parents[2] / SPEC_RELATIVE


@cache
def description() -> dict[str, Any]:
    """GitHub's OpenAPI description, read once per process."""
    path = spec_path()
    if not path.exists():
        raise FileNotFoundError(
            f"GitHub's OpenAPI description is missing at {path}: run `npm install` at the "
            f"repository root (package @octokit/openapi) or set {SPEC_ENV}"
        )
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def example(name: str) -> dict[str, Any]:
    """A fresh copy of the description's example ``name`` (its first item when it is a list)."""
    value = description()["components"]["examples"][name]["value"]
    return copy.deepcopy(value[0] if isinstance(value, list) else value)


def user(login: str) -> dict[str, Any]:
    """A simple-user: a person, or a bot when ``login`` ends in ``[bot]``."""
    found = example("issue")["user"]
    kind = "Bot" if login.endswith("[bot]") else "User"
    urls = {k: v.replace("octocat", login) for k, v in found.items() if k.endswith("url")}
    return {**found, **urls, "login": login, "type": kind}


def label(owner: str, repo: str, name: str, **fields: Any) -> dict[str, Any]:
    """A label; ``archived_*`` are in GitHub's answers though not yet in the example."""
    url = f"{API}/repos/{owner}/{repo}/labels/{name}"
    return example("label") | {
        "name": name,
        "url": url,
        "default": False,
        "color": "ededed",
        "description": "",  # a string: pull-request-simple does not allow null here
        "archived_at": None,
        "archived_by": None,
        **fields,
    }


def repository(owner: str, name: str, default_branch: str) -> dict[str, Any]:
    """A full-repository, not a fork (the example's ``parent`` and ``source`` go)."""
    found = example("full-repository-default-response")
    for key in ("parent", "source", "template_repository"):
        found.pop(key, None)
    full = f"{owner}/{name}"
    return found | {
        "name": name,
        "full_name": full,
        "owner": user(owner),
        "default_branch": default_branch,
        "language": "Python",
        "url": f"{API}/repos/{full}",
        "html_url": f"{WEB}/{full}",
    }


def _side(owner: str, repo: str, ref: str, sha: str, base: dict[str, Any]) -> dict[str, Any]:
    """The head or base of a pull request (``base``: the example's)."""
    return base | {
        "ref": ref,
        "sha": sha,
        "label": f"{owner}:{ref}",
        "user": user(owner),
        "repo": base["repo"] | {"name": repo, "full_name": f"{owner}/{repo}", "owner": user(owner)},
    }


def pull_request(
    owner: str,
    repo: str,
    pull: dict[str, Any],
    labels: list[str],
    reviewers: list[str],
    simple: bool = False,
) -> dict[str, Any]:
    """A pull-request from the fake's record (``simple``: a pull-request-simple, as lists
    answer)."""
    found = example("pull-request-simple-items" if simple else "pull-request")
    number, full = pull["number"], f"{owner}/{repo}"
    head, base = pull["head"], pull["base"]
    return found | {
        "number": number,
        "state": pull.get("state", "open"),
        "title": pull["title"],
        "body": pull.get("body") or None,
        "draft": bool(pull.get("draft")),
        "user": user(pull.get("user", {}).get("login", BOT)),
        "html_url": pull["html_url"],
        "url": f"{API}/repos/{full}/pulls/{number}",
        "labels": [label(owner, repo, name) for name in labels],
        "requested_reviewers": [user(login) for login in reviewers],
        "requested_teams": [],
        "head": _side(owner, repo, head["ref"], head["sha"], found["head"]),
        "base": _side(owner, repo, base["ref"], base.get("sha", head["sha"]), found["base"]),
    }


def issue(owner: str, repo: str, record: dict[str, Any]) -> dict[str, Any]:
    """An issue (not a pull request: the example's ``pull_request`` goes) from the fake's record."""
    found = example("issue")
    found.pop("pull_request", None)
    state = record.get("state", "open")
    return found | {
        "id": record.get("id", record["number"]),
        "number": record["number"],
        "title": record["title"],
        "body": record.get("body"),
        "state": state,
        "state_reason": "completed" if state == "closed" else None,
        "closed_at": found["updated_at"] if state == "closed" else None,
        "labels": [label(owner, repo, i["name"]) for i in record.get("labels", [])],
        "user": user(record.get("user", {}).get("login", BOT)),
        "html_url": record["html_url"],
        "url": f"{API}/repos/{owner}/{repo}/issues/{record['number']}",
    }


def issue_comment(owner: str, repo: str, record: dict[str, Any]) -> dict[str, Any]:
    """An issue-comment by the App, from the fake's record."""
    return example("issue-comment") | {
        "id": record["id"],
        "body": record["body"],
        "html_url": record["html_url"],
        "user": user(BOT),
        "issue_url": f"{API}/repos/{owner}/{repo}/issues/{record['issue']}",
    }


def check_run(owner: str, repo: str, record: dict[str, Any]) -> dict[str, Any]:
    """A check-run from the fake's record (what was created, with every update applied)."""
    found = example("check-run")
    output = record.get("output") or {}
    done = record.get("status") == "completed"
    return found | {
        "id": record["id"],
        "name": record["name"],
        "head_sha": record["head_sha"],
        "external_id": record.get("external_id", ""),
        "status": record.get("status", "queued"),
        "conclusion": record.get("conclusion"),
        "details_url": record.get("details_url"),
        "completed_at": found["completed_at"] if done else None,
        "url": f"{API}/repos/{owner}/{repo}/check-runs/{record['id']}",
        "output": found["output"]
        | {"annotations_count": 0}
        | {key: output.get(key) for key in ("title", "summary", "text")},
    }


def content_file(owner: str, repo: str, path: str, sha: str, content: bytes) -> dict[str, Any]:
    """A content-file (base64, as the contents endpoint answers)."""
    blob = f"{API}/repos/{owner}/{repo}/git/blobs/{sha}"
    here = f"{API}/repos/{owner}/{repo}/contents/{path}"
    page = f"{WEB}/{owner}/{repo}/blob/{sha}/{path}"
    return example("content-file-response-if-content-is-a-file") | {
        "path": path,
        "name": path.rsplit("/", 1)[-1],
        "sha": sha,
        "size": len(content),
        "content": base64.b64encode(content).decode(),
        "url": here,
        "git_url": blob,
        "html_url": page,
        "download_url": None,
        "_links": {"git": blob, "self": here, "html": page},
    }


def permission(login: str, level: str) -> dict[str, Any]:
    """A repository-collaborator-permission (``level``: admin, write, read or none)."""
    found = example("repository-collaborator-permission-response-if-user-has-admin-permissions")
    return found | {
        "permission": level,
        "role_name": level,
        "user": user(login) | {"role_name": level},
    }


def membership(org: str, team: str, login: str) -> dict[str, Any]:
    """An active team-membership."""
    found = example("team-membership-response-if-user-is-a-team-maintainer")
    return found | {"url": f"{API}/orgs/{org}/teams/{team}/memberships/{login}", "role": "member"}


def reaction(reaction_id: int, content: str) -> dict[str, Any]:
    """A reaction by the App."""
    return example("reaction") | {"id": reaction_id, "content": content, "user": user(BOT)}


def installation_token(token: str, expires_at: str) -> dict[str, Any]:
    """An installation-token."""
    return example("installation-token") | {"token": token, "expires_at": expires_at}


def git_ref(owner: str, repo: str, branch: str, sha: str) -> dict[str, Any]:
    """A git-ref of a branch."""
    base = f"{API}/repos/{owner}/{repo}/git"
    return example("git-ref") | {
        "ref": f"refs/heads/{branch}",
        "url": f"{base}/refs/heads/{branch}",
        "object": {"type": "commit", "sha": sha, "url": f"{base}/commits/{sha}"},
    }


def git_commit(
    owner: str, repo: str, sha: str, record: dict[str, Any], date: str
) -> dict[str, Any]:
    """A git-commit from the fake's record (message, tree, parents, author)."""
    base = f"{API}/repos/{owner}/{repo}/git"
    who = {"name": record["author"], "email": "x@example.com", "date": date}
    return example("git-commit") | {
        "sha": sha,
        "url": f"{base}/commits/{sha}",
        "html_url": f"{WEB}/{owner}/{repo}/commit/{sha}",
        "message": record["message"],
        "tree": {"sha": record["tree"], "url": f"{base}/trees/{record['tree']}"},
        "parents": [
            {"sha": p, "url": f"{base}/commits/{p}", "html_url": f"{WEB}/{owner}/{repo}/commit/{p}"}
            for p in record["parents"]
        ],
        "author": who,
        "committer": who,
    }


def git_tree(
    owner: str, repo: str, sha: str, entries: list[dict[str, str]], blobs: dict[str, bytes]
) -> dict[str, Any]:
    """A git-tree, every entry with its size (from ``blobs``, sha → content) and URL."""
    base = f"{API}/repos/{owner}/{repo}/git"
    return {
        "sha": sha,
        "url": f"{base}/trees/{sha}",
        "truncated": False,
        "tree": [
            e | {"size": len(blobs.get(e["sha"], b"")), "url": f"{base}/blobs/{e['sha']}"}
            for e in entries
        ],
    }


def blob(owner: str, repo: str, sha: str, content: bytes | None) -> dict[str, Any]:
    """A blob (``content`` None: the short-blob a create answers)."""
    url = f"{API}/repos/{owner}/{repo}/git/blobs/{sha}"
    if content is None:
        return {"url": url, "sha": sha}
    return example("blob") | {
        "sha": sha,
        "url": url,
        "size": len(content),
        "content": base64.b64encode(content).decode(),
    }
