"""The fake GitHub's git side: a repository's state, git's object ids, and the Git Database API
(blobs, trees, commits, refs) as a mixin of ``FakeGitHub`` that keeps no state of its own."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from github_app.demo import answers

DATE = "2026-01-01T00:00:00Z"


def git_sha(kind: str, content: bytes) -> str:
    """The object id git would give ``content``."""
    return hashlib.sha1(f"{kind} {len(content)}\0".encode() + content).hexdigest()


@dataclass
class Repo:
    """One repository's state."""

    owner: str
    name: str
    default_branch: str = "main"
    refs: dict[str, str] = field(default_factory=dict)
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    trees: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[int, list[str]] = field(default_factory=dict)
    reviewers: dict[int, list[str]] = field(default_factory=dict)
    reactions: list[tuple[int, str]] = field(default_factory=list)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    check_run_updates: list[dict[str, Any]] = field(default_factory=list)  # in arrival order
    permissions: dict[str, str] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # deleted ones stay, flagged
    repo_labels: dict[str, dict[str, Any]] = field(default_factory=dict)

    def live_issues(self) -> list[dict[str, Any]]:
        """Issues not deleted, by number."""
        return [i for _, i in sorted(self.issues.items()) if not i.get("deleted")]

    def commit_of(self, ref: str) -> str:
        """The commit ``ref`` names, as GitHub resolves a ``ref`` parameter: a branch, a
        ``heads/`` ref, or a commit sha (in full, or an unambiguous prefix of 7 or more)."""
        branch = ref.removeprefix("refs/").removeprefix("heads/")
        if branch in self.refs:
            return self.refs[branch]
        if ref in self.commits:
            return ref
        if re.fullmatch(r"[0-9a-f]{7,39}", ref):
            found = [sha for sha in self.commits if sha.startswith(ref)]
            if len(found) == 1:
                return found[0]
        raise KeyError(f"No commit found for the ref {ref}")

    def files_at(self, ref: str) -> dict[str, bytes]:
        """Path → content of the tree at ``ref`` (a branch or a commit, see ``commit_of``)."""
        commit = self.commits[self.commit_of(ref)]
        return {e["path"]: self.blobs[e["sha"]] for e in self.trees[commit["tree"]]}


class GitObjects:
    """Git objects stored and served, in a repository's state."""

    def _blob_entry(self, repo: Repo, path: str, content: bytes) -> dict[str, str]:
        sha = git_sha("blob", content)
        repo.blobs[sha] = content
        return {"path": path, "mode": "100644", "type": "blob", "sha": sha}

    def _store_tree(self, repo: Repo, entries: list[dict[str, str]]) -> str:
        sha = git_sha("tree", json.dumps(entries, sort_keys=True).encode())
        repo.trees[sha] = entries
        return sha

    def _store_commit(
        self, repo: Repo, message: str, tree: str, parents: list[str], author: str
    ) -> str:
        body = {"message": message, "tree": tree, "parents": parents, "author": author}
        sha = git_sha("commit", json.dumps(body, sort_keys=True).encode())
        repo.commits[sha] = body
        return sha

    def _git(
        self, repo: Repo, method: str, rest: list[str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        kind = rest[0]
        if method == "POST" and kind == "blobs":
            content = (
                base64.b64decode(body["content"])
                if body.get("encoding") == "base64"
                else body["content"].encode()
            )
            entry = self._blob_entry(repo, "", content)
            return 201, answers.blob(repo.owner, repo.name, entry["sha"], None)
        if method == "POST" and kind == "trees":
            entries = (
                {e["path"]: e for e in repo.trees[repo.commits[body["base_tree"]]["tree"]]}
                if body.get("base_tree") in repo.commits
                else (
                    {e["path"]: e for e in repo.trees[body["base_tree"]]}
                    if body.get("base_tree")
                    else {}
                )
            )
            for item in body["tree"]:
                if "content" not in item and item.get("sha") is None:
                    entries.pop(item["path"], None)  # a null sha deletes the path
                elif "content" in item:
                    content = item["content"].encode()
                    entries[item["path"]] = self._blob_entry(repo, item["path"], content)
                else:
                    entries[item["path"]] = {
                        "path": item["path"],
                        "mode": item["mode"],
                        "type": "blob",
                        "sha": item["sha"],
                    }
            sha = self._store_tree(repo, sorted(entries.values(), key=lambda e: e["path"]))
            return 201, answers.git_tree(repo.owner, repo.name, sha, repo.trees[sha], repo.blobs)
        if method == "POST" and kind == "commits":
            sha = self._store_commit(
                repo,
                body["message"],
                body["tree"],
                body.get("parents", []),
                body.get("author", {}).get("name", "onex-nodegen[bot]"),
            )
            return 201, self._commit_json(repo, sha)
        if method == "GET" and kind == "commits":
            return 200, self._commit_json(repo, rest[1])
        if method == "GET" and kind == "trees":
            tree = repo.trees[repo.commits[rest[1]]["tree"] if rest[1] in repo.commits else rest[1]]
            return 200, answers.git_tree(repo.owner, repo.name, rest[1], tree, repo.blobs)
        if method == "GET" and kind == "blobs":
            return 200, answers.blob(repo.owner, repo.name, rest[1], repo.blobs[rest[1]])
        return self._refs(repo, method, rest, body)

    def _refs(
        self, repo: Repo, method: str, rest: list[str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        if method == "GET" and rest[0] == "ref":
            branch = "/".join(rest[2:])
            if branch not in repo.refs:
                return 404, {"message": "Not Found"}
            return 200, answers.git_ref(repo.owner, repo.name, branch, repo.refs[branch])
        if method == "POST" and rest[0] == "refs":
            branch = body["ref"].removeprefix("refs/heads/")
            if branch in repo.refs:
                return 422, {"message": "Reference already exists"}
            repo.refs[branch] = body["sha"]
            return 201, answers.git_ref(repo.owner, repo.name, branch, body["sha"])
        if method == "PATCH" and rest[0] == "refs":
            branch = "/".join(rest[2:])
            current = repo.refs[branch]
            new = body["sha"]
            if not body.get("force") and not self._descends(repo, new, current):
                return 422, {"message": "Update is not a fast forward"}
            repo.refs[branch] = new
            return 200, answers.git_ref(repo.owner, repo.name, branch, new)
        raise KeyError("/".join(rest))

    def _descends(self, repo: Repo, sha: str, ancestor: str) -> bool:
        todo = [sha]
        while todo:
            current = todo.pop()
            if current == ancestor:
                return True
            todo.extend(repo.commits.get(current, {}).get("parents", []))
        return False

    def _commit_json(self, repo: Repo, sha: str) -> dict[str, Any]:
        return answers.git_commit(repo.owner, repo.name, sha, repo.commits[sha], DATE)
