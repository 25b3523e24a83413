"""HTTP exchanges (raw dumps, curl calls) pasted into a request: what is sent is the input, what
comes back the output."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.http import http_bodies
from tests.core.understanding.spec_view import operations

DUMP = """\
Effect node through the `fraud_client`, operation `score_payment`. Captured from the sandbox:

```
HTTP/1.1 200 OK
Content-Type: application/json

{"score": 0.87, "decision": "review", "reasons": ["velocity"]}
```

(that was the answer to this request:)

```
POST /v2/score HTTP/1.1
Host: sandbox.example
Content-Type: application/json

{"payment_id": "5b8f0a52-2f7e-4a57-9d0c-1b0f6c9f3e11", "amount_cents": 129900,
 "customer_since": "2021-03-14", "is_3ds": true}
```
"""


def test_the_request_body_is_the_input_and_the_response_body_the_output() -> None:
    assert operations(DUMP) == {
        "score_payment": {
            "in": {
                "payment_id": "uuid",
                "amount_cents": "int",
                "customer_since": "date",
                "is_3ds": "bool",
            },
            "out": {"score": "float", "decision": "string", "reasons": "list[string]"},
        }
    }


def test_curl_sends_one_body_and_prints_the_other() -> None:
    text = """\
```bash
$ curl -X POST https://x.example/v1 -H "Content-Type: application/json" \\
    -d '{"template_id": "a", "copies": 2}'
{"document_url": "https://x.example/r.pdf", "page_count": 3}
```
"""
    assert [(g.role, [f.name for f in g.fields]) for g in http_bodies(text)] == [
        ("input", ["template_id", "copies"]),
        ("output", ["document_url", "page_count"]),
    ]


def test_a_half_pasted_dump_keeps_the_body_that_is_whole() -> None:
    text = 'POST /x HTTP/1.1\n\n{"a": 1}\n\nHTTP/1.1 200 OK\n\n{"b": '
    assert [(g.role, [f.name for f in g.fields]) for g in http_bodies(text)] == [("input", ["a"])]


def test_json_with_no_http_around_it_is_no_exchange() -> None:
    for text in (
        '{"a": 1}',
        'Returns HTTP 200 and {"b": 2}',
        "GET the list, HTTP/2 please",
        'GET the list first; then {"a": 1} comes back',
    ):
        assert http_bodies(text) == [], text
