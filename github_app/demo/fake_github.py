"""A local fake of the GitHub REST API: real state, every request checked against GitHub's OpenAPI.

Used by the tests and by ``omninode-github demo``. It keeps git objects (blobs, trees, commits,
refs), issues, pull requests, issue comments, reactions, labels, reviewers, collaborators and check
runs, and validates each request against the ``@octokit/openapi`` description; a request the
description does not allow is answered 422 (or 404 for an unknown route) and recorded in
``violations``. Each answer is shaped from GitHub's own examples (``answers``) and checked against
the description too: an answer it does not allow is recorded in ``violations`` as well.

Beside the API it serves each issue as a page (``/_ui/{owner}/{repo}/issues/{number}``: the body
as GitHub-flavoured Markdown with clickable task boxes); ticking one edits the body as GitHub does
and, when ``webhook`` is set, sends the App the signed ``issues.edited`` delivery.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.testing import MockRequest, MockResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from github_app.demo import answers
from github_app.demo.answers import spec_path as spec_path
from github_app.demo.fake_git import GitObjects, git_sha
from github_app.demo.fake_git import Repo as Repo
from github_app.demo.github_openapi import openapi, slashes_encoded
from github_app.demo.issue_page import issue_page, toggle_task
from github_app.demo.issue_page import issues_payload as issues_payload
from github_app.demo.local import signed

BASE = answers.API


@dataclass
class Fault:
    """Answer ``status`` (and ``body``, if given) to the next ``times`` requests matching
    ``method`` and ``path_part``."""

    method: str
    path_part: str
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


class FakeGitHub(GitObjects):
    """State and request handling; ``app`` is the ASGI application."""

    def __init__(self, *, validate: bool = True) -> None:
        self.repos: dict[str, Repo] = {}
        self.teams: dict[tuple[str, str], set[str]] = {}  # (org, team slug) → member logins
        self.violations: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self.validate = validate
        self.webhook: tuple[str, str] | None = None  # (URL, secret) that issue edits are sent to
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        answers.description()  # every answer is shaped from it: missing, say so now
        self.app = Starlette(
            routes=[
                Route("/_ui/{owner}/{name}/issues/{number:int}", self._page, methods=["GET"]),
                Route(
                    "/_ui/{owner}/{name}/issues/{number:int}/tasks/{index:int}",
                    self._tick,
                    methods=["POST"],
                ),
                Route(
                    "/{path:path}", self._handle, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]
                ),
            ]
        )

    # -- setup helpers used by tests and the demo -------------------------------------------
    def add_repo(self, full_name: str, files: dict[str, str] | None = None) -> Repo:
        """A repository with one commit on ``main`` holding ``files``."""
        owner, name = full_name.split("/")
        repo = Repo(owner=owner, name=name)
        tree = [
            self._blob_entry(repo, p, c.encode())
            for p, c in sorted((files or {"README.md": "demo\n"}).items())
        ]
        tree_sha = self._store_tree(repo, tree)
        sha = self._store_commit(repo, "initial commit", tree_sha, [], "octocat")
        repo.refs["main"] = sha
        self.repos[full_name] = repo
        return repo

    def inject(
        self,
        method: str,
        path_part: str,
        status: int,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Make the next ``times`` matching requests fail with ``status`` (or, with ``body``,
        answer what GitHub would not: the test of a read that must notice)."""
        fault = Fault(method.upper(), path_part, status, times, headers or {}, body)
        self.faults.append(fault)

    def push(self, full_name: str, branch: str, files: dict[str, str], author: str) -> str:
        """Simulate a person pushing a commit to ``branch``."""
        repo = self.repos[full_name]
        parent = repo.refs[branch]
        base = {e["path"]: e for e in repo.trees[repo.commits[parent]["tree"]]}
        for path, text in files.items():
            base[path] = self._blob_entry(repo, path, text.encode())
        tree_sha = self._store_tree(repo, sorted(base.values(), key=lambda e: e["path"]))
        sha = self._store_commit(repo, "hand edit", tree_sha, [parent], author)
        repo.refs[branch] = sha
        return sha

    def delete_issue(self, full_name: str, number: int) -> None:
        """Simulate a person deleting an issue (GitHub then answers 410 for it)."""
        self.repos[full_name].issues[number]["deleted"] = True

    def issue_url(self, api_url: str, full_name: str, number: int) -> str:
        """Where the fake serves the page of an issue."""
        return f"{api_url}/_ui/{full_name}/issues/{number}"

    # -- the issue page -----------------------------------------------------------------------
    async def _page(self, request: Request) -> Response:
        repo = self.repos[f"{request.path_params['owner']}/{request.path_params['name']}"]
        issue = repo.issues.get(request.path_params["number"])
        if issue is None or issue.get("deleted"):
            return HTMLResponse("<h1>This issue was deleted</h1>", status_code=410)
        return HTMLResponse(issue_page(issue, request.query_params.get("as", "alice")))

    async def _tick(self, request: Request) -> Response:
        """A person ticks or unticks task ``index`` of the issue (``?as=login``)."""
        full = f"{request.path_params['owner']}/{request.path_params['name']}"
        login = request.query_params.get("as", "alice")
        number, index = request.path_params["number"], request.path_params["index"]
        payload = self.tick(full, number, index, login)
        if self.webhook is not None:
            url, secret = self.webhook
            body, headers = signed(payload, "issues", str(uuid.uuid4()), secret)
            async with httpx.AsyncClient() as client:
                await client.post(url, content=body, headers=headers, timeout=10)
        return JSONResponse({"body": payload["issue"]["body"]})

    def tick(self, full_name: str, number: int, index: int, login: str) -> dict[str, Any]:
        """What GitHub does when ``login`` clicks task box ``index`` (from 0) of an issue: the
        body edited, and the ``issues.edited`` delivery that tells the App (returned)."""
        with self._lock:
            issue = self.repos[full_name].issues[number]
            before = str(issue.get("body") or "")
            issue["body"] = toggle_task(before, index)
        return issues_payload(full_name, issue, login, action="edited", previous_body=before)

    def open_pull(self, full_name: str, head: str, title: str, author: str) -> int:
        """Simulate a person opening a pull request from branch ``head``; its number."""
        repo = self.repos[full_name]
        number = 100 + len(repo.pulls)  # as the API numbers them
        repo.pulls[number] = {
            "number": number,
            "state": "open",
            "title": title,
            "body": "",
            "draft": False,
            "user": {"login": author},
            "head": {"ref": head, "sha": repo.refs[head]},
            "base": {"ref": repo.default_branch},
            "html_url": f"https://github.com/{full_name}/pull/{number}",
        }
        return number

    # -- request handling -------------------------------------------------------------------
    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        path = "/" + request.path_params["path"]
        self.requests.append((request.method, path))
        if self.validate and (problem := self._check(request, body)) is not None:
            status, message = problem
            self.violations.append(f"{request.method} {path}: {message}")
            return JSONResponse({"message": message}, status_code=status)
        for fault in self.faults:
            if fault.times > 0 and fault.method == request.method and fault.path_part in path:
                fault.times -= 1
                return JSONResponse(
                    {"message": f"injected {fault.status}"} if fault.body is None else fault.body,
                    status_code=fault.status,
                    headers=fault.headers,
                )
        payload = json.loads(body) if body else {}
        with self._lock:
            try:
                status, result = self._route(
                    request.method, path.strip("/").split("/"), dict(request.query_params), payload
                )
            except KeyError as exc:
                return JSONResponse({"message": f"Not Found: {exc}"}, status_code=404)
        if status >= 400:  # GitHub's errors always say where its documentation is
            result = {**result, "documentation_url": answers.DOCS}
        if self.validate and (odd := self._check_answer(request, body, status, result)):
            self.violations.append(f"answer to {request.method} {path}: {odd}")
        if status == 204:
            return Response(status_code=204)
        return JSONResponse(result, status_code=status)

    def _as_spec_request(self, request: Request, body: bytes) -> MockRequest:
        return MockRequest(
            BASE,
            request.method.lower(),
            slashes_encoded(request.url.path),
            args=dict(request.query_params),
            data=body or None,
            headers=dict(request.headers),
            content_type=request.headers.get("content-type", "application/json").split(";")[0],
        )

    def _check_answer(self, request: Request, body: bytes, status: int, result: Any) -> str | None:
        """What GitHub's description does not allow in this answer (None: nothing)."""
        answer = MockResponse(
            b"" if status == 204 else json.dumps(result).encode(),
            status_code=status,
            content_type="application/json",
        )
        try:
            openapi().validate_response(self._as_spec_request(request, body), answer)
        except Exception as exc:  # openapi-core's errors: the schema's own words, at a path
            errors = getattr(exc.__cause__, "schema_errors", None) or []
            found = [
                f"{'.'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in errors
            ]
            return "; ".join(found)[:2000] or f"{type(exc).__name__}: {exc}"
        return None

    def _check(self, request: Request, body: bytes) -> tuple[int, str] | None:
        from openapi_core.validation.request.exceptions import RequestValidationError

        try:
            openapi().validate_request(self._as_spec_request(request, body))
        except PathNotFound:
            return 404, "route not in GitHub's OpenAPI description"
        except RequestValidationError as exc:
            if "security" in type(exc).__name__.lower():
                return None
            return 422, f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # other openapi-core errors: operation not found, etc.
            return 404, f"{type(exc).__name__}: {exc}"
        return None

    def _route(
        self, method: str, parts: list[str], query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        if parts[:2] == ["app", "installations"] and parts[3:] == ["access_tokens"]:
            expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            return 201, answers.installation_token(f"ghs_fake{next(self._ids)}", expires)
        if parts[0] == "orgs" and parts[2:3] == ["teams"] and parts[4:5] == ["memberships"]:
            if parts[5] not in self.teams.get((parts[1], parts[3]), set()):
                return 404, {"message": "Not Found"}
            return 200, answers.membership(parts[1], parts[3], parts[5])
        if parts[0] != "repos":
            raise KeyError("/".join(parts))
        full = f"{parts[1]}/{parts[2]}"
        repo = self.repos[full]
        return self._repo_route(repo, method, parts[3:], query, body)

    def _repo_route(
        self, repo: Repo, method: str, rest: list[str], query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        handler = {
            ("GET", ""): self._get_repo,
            ("GET", "contents"): self._get_contents,
            ("GET", "collaborators"): self._get_permission,
            ("POST", "check-runs"): self._create_check_run,
            ("PATCH", "check-runs"): self._update_check_run,
            ("POST", "labels"): self._create_label,
            ("GET", "labels"): self._get_label,
        }.get((method, rest[0] if rest else ""))
        if handler is not None:
            return handler(repo, rest, query, body)
        if rest[0] == "git":
            return self._git(repo, method, rest[1:], body)
        if rest[0] == "pulls":
            return self._pulls(repo, method, rest[1:], query, body)
        if rest[0] == "issues":
            return self._issues(repo, method, rest[1:], query, body)
        raise KeyError("/".join(rest))

    def _get_repo(
        self, repo: Repo, rest: list[str], query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        return 200, answers.repository(repo.owner, repo.name, repo.default_branch)

    def _get_contents(
        self, repo: Repo, rest: list[str], query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        path = "/".join(rest[1:])
        files = repo.files_at(query.get("ref", repo.default_branch))
        if path not in files:
            return 404, {"message": "Not Found"}
        content = files[path]
        sha = git_sha("blob", content)
        return 200, answers.content_file(repo.owner, repo.name, path, sha, content)

    def _get_permission(
        self, repo: Repo, rest: list[str], query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        login = rest[1]
        return 200, answers.permission(login, repo.permissions.get(login, "none"))

    def _create_label(
        self, repo: Repo, rest: list[str], query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        if body["name"] in repo.repo_labels:
            return 422, {"message": "Validation Failed", "errors": [{"code": "already_exists"}]}
        label = answers.label(
            repo.owner,
            repo.name,
            body["name"],
            id=next(self._ids),
            color=body.get("color", "ededed"),
            description=body.get("description"),
        )
        repo.repo_labels[body["name"]] = label
        return 201, label

    def _get_label(
        self, repo: Repo, rest: list[str], query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if len(rest) < 2 or rest[1] not in repo.repo_labels:
            return 404, {"message": "Not Found"}
        return 200, repo.repo_labels[rest[1]]

    def _create_check_run(
        self, repo: Repo, rest: list[str], query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        run_id = next(self._ids)
        repo.check_runs[run_id] = {"id": run_id, **body}
        return 201, answers.check_run(repo.owner, repo.name, repo.check_runs[run_id])

    def _update_check_run(
        self, repo: Repo, rest: list[str], query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        run = repo.check_runs[int(rest[1])]
        run.update(body)
        repo.check_run_updates.append(body)
        return 200, answers.check_run(repo.owner, repo.name, run)

    def _issue_list(
        self, repo: Repo, method: str, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        if method == "POST":
            number = 500 + len(repo.issues)  # apart from pull requests (100+) and tests' (<100)
            issue = {
                "id": next(self._ids),
                "number": number,
                "title": body["title"],
                "body": body.get("body"),
                "state": "open",
                "labels": [{"name": n} for n in body.get("labels", [])],
                "user": {"login": "onex-nodegen[bot]", "type": "Bot"},
                "html_url": f"https://github.com/{repo.owner}/{repo.name}/issues/{number}",
            }
            repo.issues[number] = issue
            return 201, self._issue_json(repo, issue)
        wanted = {n for n in query.get("labels", "").split(",") if n}
        state = query.get("state", "open")
        found = [
            self._issue_json(repo, issue)
            for issue in repo.live_issues()
            if wanted <= {label["name"] for label in issue["labels"]}
            and state in ("all", issue["state"])
        ]
        return 200, found

    def _pulls(
        self, repo: Repo, method: str, rest: list[str], query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any]:
        if method == "GET" and not rest:
            head = query.get("head", "").split(":")[-1]
            found = [
                p
                for p in repo.pulls.values()
                if (not head or p["head"]["ref"] == head)
                and p["state"] == query.get("state", "open")
            ]
            return 200, [self._pull_json(repo, p, simple=True) for p in found]
        if method == "POST" and not rest:
            number = 100 + len(repo.pulls)  # issue numbers in tests stay below 100
            pull = {
                "number": number,
                "state": "open",
                "title": body["title"],
                "body": body.get("body", ""),
                "draft": bool(body.get("draft")),
                "head": {"ref": body["head"], "sha": repo.refs[body["head"]]},
                "base": {"ref": body["base"]},
                "html_url": f"https://github.com/{repo.owner}/{repo.name}/pull/{number}",
            }
            repo.pulls[number] = pull
            return 201, self._pull_json(repo, pull)
        number = int(rest[0])
        pull = repo.pulls[number]
        if method == "GET" and len(rest) == 1:
            return 200, self._pull_json(repo, pull)
        if method == "PATCH" and len(rest) == 1:
            pull.update({k: v for k, v in body.items() if k in ("title", "body", "state")})
            return 200, self._pull_json(repo, pull)
        if method == "POST" and rest[1:] == ["requested_reviewers"]:
            repo.reviewers.setdefault(number, []).extend(body.get("reviewers", []))
            return 201, self._pull_json(repo, pull, simple=True)
        raise KeyError("/".join(rest))

    def _pull_json(self, repo: Repo, pull: dict[str, Any], simple: bool = False) -> dict[str, Any]:
        number = pull["number"]
        labels, reviewers = repo.labels.get(number, []), repo.reviewers.get(number, [])
        return answers.pull_request(repo.owner, repo.name, pull, labels, reviewers, simple)

    def _issue_json(self, repo: Repo, issue: dict[str, Any]) -> dict[str, Any]:
        return answers.issue(repo.owner, repo.name, issue)

    def _issue(
        self, repo: Repo, method: str, issue: dict[str, Any], body: dict[str, Any]
    ) -> tuple[int, Any]:
        """GET or PATCH one issue (410 once deleted, as GitHub answers)."""
        if issue.get("deleted"):
            return 410, {"message": "This issue was deleted"}
        if method == "PATCH":
            issue.update({k: v for k, v in body.items() if k in ("title", "body", "state")})
            if "labels" in body:
                issue["labels"] = [{"name": n} for n in body["labels"]]
        return 200, self._issue_json(repo, issue)

    def _issues(
        self,
        repo: Repo,
        method: str,
        rest: list[str],
        query: dict[str, str],
        body: dict[str, Any],
    ) -> tuple[int, Any]:
        if not rest:
            return self._issue_list(repo, method, query, body)
        if rest[0] == "comments":
            comment_id = int(rest[1])
            if method == "PATCH" and len(rest) == 2:
                repo.comments[comment_id]["body"] = body["body"]
                return 200, answers.issue_comment(repo.owner, repo.name, repo.comments[comment_id])
            if method == "POST" and rest[2:] == ["reactions"]:
                repo.reactions.append((comment_id, body["content"]))
                return 201, answers.reaction(next(self._ids), body["content"])
            raise KeyError("/".join(rest))
        number = int(rest[0])
        if rest[1:] == [] and number in repo.issues:
            return self._issue(repo, method, repo.issues[number], body)
        if method == "POST" and rest[1:] == ["comments"]:
            comment_id = next(self._ids)
            repo.comments[comment_id] = {
                "id": comment_id,
                "issue": number,
                "body": body["body"],
                "html_url": f"https://github.com/c/{comment_id}",
            }
            return 201, answers.issue_comment(repo.owner, repo.name, repo.comments[comment_id])
        if method == "POST" and rest[1:] == ["labels"]:
            repo.labels.setdefault(number, []).extend(body.get("labels", []))
            return 200, [answers.label(repo.owner, repo.name, n) for n in repo.labels[number]]
        raise KeyError("/".join(rest))
