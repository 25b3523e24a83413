"""Terraform input variables pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.terraform import terraform_variables
from tests.core.understanding.spec_view import operations, warnings

RETENTION = """\
Effect node through the `s3_client`, operation `apply_retention`. Its inputs are our module's
variables (`number` here is always a whole number):

```hcl
variable "bucket" {
  type        = string
  description = "Target bucket, 3 to 63 characters"
}

variable "retention_days" {
  type    = number
  default = 30

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 3650
    error_message = "Between 1 and 3650."
  }
}

variable "storage_class" {
  type = string
  validation {
    condition     = contains(["STANDARD", "GLACIER"], var.storage_class)
    error_message = "Unsupported."
  }
}

variable "prefixes" {
  type    = list(string)
  default = null
}

variable "label" {
  type = string
  validation {
    condition = length(var.label) <= 20
    error_message = "Too long."
  }
}

variable "owner" {
  type = object({
    team  = string
    email = optional(string)
  })
}
```
"""


def test_variables_with_types_defaults_validations_and_an_object() -> None:
    assert operations(RETENTION) == {
        "apply_retention": {
            "in": {
                "bucket": "string{max_length=63,min_length=3}",
                "retention_days": "int{default=30,ge=1,le=3650}",
                "storage_class": "enum[glacier,standard]",
                "prefixes": "list[string]?",
                "label": "string{max_length=20}",
                "owner": "{email:string?,team:string}",
            },
            "out": {},
        }
    }
    assert warnings(RETENTION) == ()


def test_a_half_pasted_file_keeps_its_readable_variables() -> None:
    text = 'variable "a" {\n  type = string\n}\n\nvariable "b" {\n  type = bool\n  default ='
    (group,) = terraform_variables(text)
    assert [(f.name, f.typed.base) for f in group.fields] == [("a", "string"), ("b", "bool")]


def test_what_is_not_terraform_gives_nothing() -> None:
    for text in (
        'The variable "x" is set elsewhere.',
        'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}',
        "variable name {",
    ):
        assert terraform_variables(text) == [], text
