"""GitHub Actions workflow and action inputs pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.workflow_inputs import workflow_inputs
from tests.core.understanding.spec_view import operations, warnings

RELEASE = """\
Orchestrator through the `deploy_client`, operation `release.promote`. The node's inputs are the
same as the workflow's today (we only use `number` for whole numbers):

```yaml
on:
  workflow_dispatch:
    inputs:
      version:
        description: "Version to release"
        required: true
        type: string
      environment:
        required: true
        type: choice
        options: [staging, production]
      canary_percent:
        description: "Traffic share for the canary, 1-50"
        type: number
        default: 10
      skip_smoke_tests:
        type: boolean
        default: false
      ticket:
        type: string
jobs:
  release:
    runs-on: ubuntu-latest
```
"""


def test_dispatch_inputs_with_types_choices_defaults_and_descriptions() -> None:
    assert operations(RELEASE) == {
        "release_promote": {
            "in": {
                "version": "string",
                "environment": "enum[production,staging]",
                "canary_percent": "int{default=10,ge=1,le=50}",
                "skip_smoke_tests": "bool{default=false}",
                "ticket": "string?",
            },
            "out": {},
        }
    }
    assert warnings(RELEASE) == ()


def test_an_action_s_inputs_without_types_are_strings() -> None:
    text = "```yaml\nname: x\ninputs:\n  token:\n    required: true\n  path:\n    default: .\n```\n"
    (group,) = workflow_inputs(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("token", "string", False),
        ("path", "string", False),
    ]


def test_what_declares_no_inputs_gives_nothing() -> None:
    for text in (
        "```yaml\ninputs:\n  - a\n  - b\n```\n",  # a list, not declarations
        "```yaml\nsettings:\n  inputs: 3\n```\n",
        "```yaml\ninputs:\n  db:\n    host: x\n    port: 5432\n```\n",  # settings, no inputs
        "```yaml\non: [push\n  inputs: {\n```\n",  # no YAML
        "The workflow inputs are version and environment.",
    ):
        assert workflow_inputs(text) == [], text
