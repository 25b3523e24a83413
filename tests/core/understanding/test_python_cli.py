"""A command-line tool's options (click, argparse) pasted into a request."""

from __future__ import annotations

from decimal import Decimal

from codegen_assets.core.understanding.schemas.python_cli import cli_options
from tests.core.understanding.spec_view import operations, warnings

MIGRATE = """\
Orchestrator through the `export_client`: its operation's inputs are the script's options:

```python
@click.command()
@click.option("--tenant-id", type=click.UUID, required=True)
@click.option("--target-region", type=click.Choice(["eu-west-1", "us-east-1"]), required=True)
@click.option("--batch-size", type=click.IntRange(100, 10000), default=1000, show_default=True)
@click.option("--ratio", type=click.FloatRange(min=0, max=1), default=0.5)
@click.option("--since", type=click.DateTime(), default=None, help="all rows if omitted")
@click.option("--label", "-l", multiple=True)
@click.option("--dry-run", is_flag=True)
@click.argument("source")
def migrate_tenant(tenant_id, target_region, batch_size, ratio, since, label, dry_run, source):
    ...
```
"""


def test_click_options_name_the_function_inputs() -> None:
    assert operations(MIGRATE) == {
        "migrate_tenant": {
            "in": {
                "tenant_id": "uuid",
                "target_region": "enum[eu-west-1,us-east-1]",
                "batch_size": "int{default=1000,ge=100,le=10000}",
                "ratio": "float{default=0.5,ge=0,le=1}",
                "since": "datetime?",
                "label": "list[string]?",
                "dry_run": "bool{default=false}",
                "source": "string",
            },
            "out": {},
        }
    }
    assert warnings(MIGRATE) == ()


def test_argparse_arguments_are_inputs() -> None:
    text = """\
parser.add_argument("--limit", type=int, default=10, help="at most 100")
parser.add_argument("--mode", choices=["fast", "safe"], required=True)
parser.add_argument("--verbose", action="store_true")
"""
    (group,) = cli_options(text)
    said = {f.name: f.typed for f in group.fields}
    assert (said["limit"].base, said["limit"].default, said["limit"].le) == (
        "int",
        10,
        Decimal(100),
    )
    assert said["mode"].enum == ("fast", "safe")
    assert (said["verbose"].base, said["verbose"].default) == ("bool", False)


def test_a_half_pasted_command_keeps_its_readable_options() -> None:
    text = '@click.option("--a", type=int)\n@click.option("--b", type=\n@click.option("--c")\n'
    found = [f.name for g in cli_options(text) for f in g.fields]
    assert found == ["a", "c"]


def test_what_is_not_a_command_line_gives_nothing() -> None:
    for text in (
        "Pick the option that suits you (click here).",
        "@click.option()\ndef f(): ...",
        "add_argument is how argparse does it",
    ):
        assert cli_options(text) == [], text
