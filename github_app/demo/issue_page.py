"""An issue as the fake GitHub shows it in a browser: the body rendered as GitHub-flavoured
Markdown (markdown-it-py's GFM plugin), its task boxes clickable as on github.com."""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.gfm import gfm_plugin

from github_app.demo.local import example

# A task list item's box, as GitHub counts them (code blocks aside, which dashboards do not use).
TASK = re.compile(r"^(\s*[-*+] \[)([ xX])(\])", re.M)
_STYLE = """
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
       color: #1f2328; margin: 0; background: #fff; }
header { border-bottom: 1px solid #d1d9e0; padding: 16px 32px; background: #f6f8fa; }
h1.title { font-weight: 400; font-size: 26px; margin: 0; }
h1.title span { color: #59636e; }
.meta { margin-top: 8px; color: #59636e; }
.state { display: inline-block; padding: 2px 10px; border-radius: 2em; color: #fff;
         background: #1f883d; font-weight: 600; margin-right: 8px; }
.state.closed { background: #8250df; }
.label { display: inline-block; padding: 0 8px; border-radius: 2em; background: #ddf4ff;
         color: #0969da; font-size: 12px; font-weight: 600; margin-left: 4px; }
main { max-width: 1012px; margin: 24px 32px; border: 1px solid #d1d9e0; border-radius: 6px; }
main .who { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px;
            color: #59636e; border-radius: 6px 6px 0 0; }
article { padding: 8px 16px 16px; }
article h2 { font-size: 20px; border-bottom: 1px solid #d1d9e0; padding-bottom: 4px; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 4px 12px; }
tr:nth-child(2n) { background: #f6f8fa; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 6px; font-size: 85%; }
ul.contains-task-list { list-style: none; padding-left: 16px; }
li.task-list-item input { margin-right: 6px; }
"""
_SCRIPT = """
document.querySelectorAll("input.task-list-item-checkbox").forEach((box, index) => {
  box.addEventListener("change", async () => {
    box.disabled = true;
    await fetch(`${location.pathname}/tasks/${index}${location.search}`, {method: "POST"});
    document.body.dataset.edits = String(Number(document.body.dataset.edits || 0) + 1);
  });
});
"""


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML passes, as on GitHub, so the dashboard's hidden markers stay hidden comments.
    return MarkdownIt("commonmark", {"html": True}).use(gfm_plugin, tasklists_editable=True)


def render_markdown(text: str) -> str:
    """GitHub-flavoured Markdown as HTML, task boxes clickable."""
    return str(_markdown().render(text))


def toggle_task(body: str, index: int) -> str:
    """``body`` with its task box number ``index`` (from 0) ticked or unticked."""
    for position, match in enumerate(TASK.finditer(body)):
        if position == index:
            mark = " " if match.group(2) in "xX" else "x"
            return body[: match.start(2)] + mark + body[match.end(2) :]
    raise KeyError(f"the issue has no task number {index}")


def issue_page(issue: dict[str, Any], login: str) -> str:
    """The page of ``issue``, for a person signed in as ``login``."""
    state = str(issue.get("state", "open"))
    labels = "".join(
        f'<span class="label">{html.escape(str(label["name"]))}</span>'
        for label in issue.get("labels", [])
    )
    author = html.escape(str((issue.get("user") or {}).get("login", "")))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        f"<title>{html.escape(str(issue['title']))} · Issue #{issue['number']}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<header><h1 class='title'>{html.escape(str(issue['title']))} "
        f"<span>#{issue['number']}</span></h1>"
        f"<div class='meta'><span class='state {state}'>{state.capitalize()}</span>"
        f"{labels} · signed in as <b>{html.escape(login)}</b></div></header>"
        f"<main><div class='who'><b>{author}</b> opened this issue</div>"
        f"<article>{render_markdown(str(issue.get('body') or ''))}</article></main>"
        f"<script>{_SCRIPT}</script></body></html>"
    )


def issues_payload(
    full_name: str,
    issue: dict[str, Any],
    login: str,
    *,
    action: str = "edited",
    previous_body: str | None = None,
    installation: int = 42,
) -> dict[str, Any]:
    """An ``issues`` delivery shaped like @octokit/webhooks-examples, about ``issue``."""
    payload = example("issues", action)
    owner, name = full_name.split("/")
    payload["repository"].update(full_name=full_name, name=name)
    payload["repository"]["owner"]["login"] = owner
    payload["issue"].update(
        number=issue["number"],
        title=issue["title"],
        body=issue.get("body"),
        state=issue.get("state", "open"),
        labels=issue.get("labels", []),
        html_url=issue.get("html_url"),
    )
    payload["issue"]["user"].update(login="onex-nodegen[bot]", type="Bot")
    payload["sender"].update(login=login, type="User")
    payload["installation"] = {"id": installation, "node_id": "x"}
    if action == "edited":
        payload["changes"] = {} if previous_body is None else {"body": {"from": previous_body}}
    return payload
