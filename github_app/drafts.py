"""The answer to a request that was not understood well enough to run: what was read, the names
no fact holds, at most three questions (each with the answer the draft already takes), and the
draft spec to confirm or edit."""

from __future__ import annotations

from codegen_assets.core.models import NodeSpec
from codegen_assets.core.understanding.understood import understood_markdown

MAX_QUESTIONS = 3
DRAFT_MARKER = "<!-- nodegen:draft-spec -->"


def questions(spec: NodeSpec) -> list[str]:
    """Where the reading hesitated, as questions with the recommended answer (what the draft
    does): names no fact holds first, then an operation the request did not name."""
    found = []
    for item in spec.unplaced:
        name = item.split(" (in: ", 1)[0]
        found.append(
            f"What is `{name}`: an input, an output, a dependency, a topic, or nothing the node "
            "holds? *Recommended: leave it out* (the draft does)."
        )
    for op in spec.operations:
        if [f.name for f in op.inputs] == ["payload"]:
            found.append(
                f"What does `{op.name}` take? *Recommended: one object, `payload`* (the draft "
                "does); list its fields in the spec to type them."
            )
    return found[:MAX_QUESTIONS]


def draft_reply(login: str, spec: NodeSpec, draft: str) -> str:
    """The comment that answers a request the App will not run as it stands."""
    asked = questions(spec)
    listed = "".join(f"{i}. {q}\n" for i, q in enumerate(asked, start=1))
    unplaced = "".join(f"- `{item.split(' (in: ', 1)[0]}`\n" for item in spec.unplaced)
    return (
        f"{DRAFT_MARKER}\n@{login} I did not understand enough of this request to generate the "
        f"node you asked for, so no run started. This is what I read:\n\n"
        f"{understood_markdown(spec)}\n"
        + (f"**Names I did not place in any fact:**\n{unplaced}\n" if unplaced else "")
        + (f"**Questions** (each with the answer the draft takes):\n{listed}\n" if asked else "")
        + "**The draft spec.** Reply `/generate-node confirm` to generate it as it is (with the "
        "recommended answers), or reply with an edited copy in a ```yaml block:\n\n"
        f"```yaml\n{draft}```\n"
    )
