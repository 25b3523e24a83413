"""A local fake of the Consul agent HTTP API (register, deregister, list services).

No Consul server can be installed on the machines this project is built on, so tests run the
registration code against this fake; the deployment in ``deploy/`` uses a real Consul.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class FakeConsulAgent:
    """State of one agent; ``app`` is the ASGI application."""

    def __init__(self) -> None:
        self.services: dict[str, dict[str, Any]] = {}
        self.deregistered: list[str] = []
        self.app = Starlette(
            routes=[
                Route("/v1/agent/service/register", self._register, methods=["PUT"]),
                Route(
                    "/v1/agent/service/deregister/{service_id}", self._deregister, methods=["PUT"]
                ),
                Route("/v1/agent/services", self._list, methods=["GET"]),
            ]
        )

    async def _register(self, request: Request) -> Response:
        # Like the real agent, field names are matched case-insensitively.
        body = {key.lower(): value for key, value in json.loads(await request.body()).items()}
        if "name" not in body:
            return JSONResponse({"error": "Missing service name"}, status_code=400)
        self.services[body.get("id", body["name"])] = body
        return Response(status_code=200)

    async def _deregister(self, request: Request) -> Response:
        service_id = request.path_params["service_id"]
        if self.services.pop(service_id, None) is None:
            return Response(f'Unknown service ID "{service_id}"', status_code=404)
        self.deregistered.append(service_id)
        return Response(status_code=200)

    async def _list(self, _request: Request) -> JSONResponse:
        return JSONResponse(
            {
                sid: {"ID": sid, "Service": s["name"], "Tags": s.get("tags", [])}
                for sid, s in self.services.items()
            }
        )
