"""``/generate-node`` comment commands: untrusted text in, a validated command out."""

from __future__ import annotations

import re
import shlex
from typing import Literal

from pydantic import BaseModel, ConfigDict

from codegen_assets.core.models import NodeType
from codegen_assets.core.understanding.contract import contract_text_spec, is_contract
from codegen_assets.core.understanding.line_reader.text import clean_prompt

COMMAND = "/generate-node"
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
HELP = """\
**`/generate-node`** turns a plain-language request into a validated ONEX v2.0 node and opens a
pull request with it, its tests and a validation report.

```
/generate-node <what the node should do>
/generate-node --type effect --name store_effect --no-intelligence --output-dir nodes <prompt>
/generate-node retry     # run the last request on this issue again
/generate-node confirm   # generate the draft spec I answered with (and its recommendations)
/generate-node           # followed by a ```yaml spec block: generate exactly that spec
/generate-node refine add operation archive_state with input reason (string)
                         # on a generated PR: regenerate with amended requirements
/generate-node help
```
Options: `--type effect|compute|reducer|orchestrator`, `--name NAME`, `--no-intelligence`,
`--output-dir PATH` (a relative path in this repository). Defaults come from `.github/nodegen.yml`.
"""


_YAML_BLOCK = re.compile(r"^[ \t]*```[ \t]*(?:yaml|yml)[^\n]*\n(.*?)^[ \t]*```", re.M | re.S)


def contract_request(prompt: str) -> str:
    """``prompt``, or, when a ```yaml block in it holds an ONEX contract (``node_type`` and
    ``handler_routing`` or ``input_model``), the spec file of that contract: the node is
    generated from the contract as ``omninode-generate --from-contract`` would. A contract that
    cannot be read raises ContractError naming the key."""
    for block in _YAML_BLOCK.findall(prompt):
        if is_contract(block):
            return contract_text_spec(block, "the contract in the comment")
    return prompt


class CommandError(ValueError):
    """A comment that names the command but cannot be run; the message is shown to the user."""


class Command(BaseModel):
    """A parsed command."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: Literal["generate", "help", "retry", "refine", "confirm"]
    prompt: str = ""
    node_type: NodeType | None = None
    name: str | None = None
    enable_intelligence: bool = True
    output_dir: str | None = None


def safe_repo_path(path: str) -> str:
    """A relative repository path of plain segments; anything else is refused."""
    parts = [p for p in path.strip().rstrip("/").split("/") if p]
    if (
        path.strip().startswith("/")
        or not parts
        or any(not _SAFE_SEGMENT.match(p) or p in (".", "..") for p in parts)
    ):
        raise CommandError(f"--output-dir {path!r} is not a plain relative path in the repository")
    return "/".join(parts)


def _options(tokens: list[str]) -> tuple[dict[str, object], list[str]]:
    options: dict[str, object] = {}
    rest = list(tokens)
    while rest and rest[0].startswith("--"):
        flag = rest.pop(0)
        if flag == "--no-intelligence":
            options["enable_intelligence"] = False
            continue
        if flag not in ("--type", "--name", "--output-dir") or not rest:
            raise CommandError(f"unknown or incomplete option {flag!r}; see `/generate-node help`")
        value = rest.pop(0)
        if flag == "--type":
            if value not in {t.value for t in NodeType}:
                raise CommandError("--type must be one of effect, compute, reducer, orchestrator")
            options["node_type"] = NodeType(value)
        elif flag == "--name":
            options["name"] = value
        else:
            options["output_dir"] = safe_repo_path(value)
    return options, rest


_SPEC_BLOCK = re.compile(
    r"```(?:ya?ml)?[ \t]*\n(?P<spec>(?:(?!```).)*?^spec_version\s*:.*?)```", re.S | re.M
)


def spec_block(text: str) -> str | None:
    """The spec file in a ```yaml block of ``text`` (it sets ``spec_version``), if any."""
    found = _SPEC_BLOCK.search(text)
    return found.group("spec") if found else None


def parse_command(body: str) -> Command | None:
    """The command in a comment body, or None when the comment has none. A ```yaml block with
    a spec file (an edited draft) is a request to generate exactly that spec."""
    text = clean_prompt(body)
    edited = spec_block(text)
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith(COMMAND)), None)
    if start is None:
        return Command(action="generate", prompt=edited) if edited else None
    first = lines[start].strip()[len(COMMAND) :]
    if first and not first[0].isspace():
        return None  # e.g. /generate-nodes
    try:
        tokens = shlex.split(first)
    except ValueError:
        tokens = first.split()
    if tokens[:1] == ["help"]:
        return Command(action="help")
    if tokens[:1] == ["retry"]:
        return Command(action="retry")
    if tokens[:1] == ["confirm"]:
        return Command(action="confirm")
    if tokens[:1] == ["refine"]:
        instructions = "\n".join([" ".join(tokens[1:]), *lines[start + 1 :]]).strip()
        if not instructions:
            raise CommandError("`refine` needs instructions, e.g. `refine add operation ping`")
        return Command(action="refine", prompt=instructions)
    options, words = _options(tokens)
    prompt = edited or "\n".join([" ".join(words), *lines[start + 1 :]]).strip()
    if not prompt:
        raise CommandError("the command needs a description of the node; see `/generate-node help`")
    return Command.model_validate({"action": "generate", "prompt": prompt, **options})
