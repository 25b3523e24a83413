"""Secrets out of the process environment, and out of anything posted to GitHub.

A long-running server reads its secrets once and re-executes itself without them: the secret
variables travel to the new process image through a pipe, so they are absent from its
``/proc/<pid>/environ`` (which ``os.environ.pop`` would not change) and from the environment of
anything it starts. Settings classes built on ``HeldSettings`` still see them. ``redact`` removes
every configured secret value from text before it leaves the process.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
)
from pydantic_settings.sources.utils import parse_env_vars

HANDOFF_FD = "NODEGEN_SECRETS_FD"
_SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|PRIVATE_KEY|TOKEN|CREDENTIAL|API_KEY", re.I)
_URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.I)
_MAX_HANDOFF = 60_000  # below a pipe's buffer: the write never blocks before exec
MASK = "***"
MIN_REDACTED_LENGTH = 4
_held: dict[str, str] = {}


def is_secret_variable(name: str, value: str) -> bool:
    """A variable holding a credential: by its name, or a URL with a password in it."""
    return bool(value) and (
        _SECRET_NAME.search(name) is not None or _URL_PASSWORD.match(value) is not None
    )


def secret_variables(environ: Mapping[str, str]) -> dict[str, str]:
    """The secret variables of ``environ``."""
    return {k: v for k, v in environ.items() if k != HANDOFF_FD and is_secret_variable(k, v)}


def held() -> Mapping[str, str]:
    """Secrets this process received in a hand-off (kept in memory, not in its environment)."""
    return dict(_held)


def reexec_without_secrets(argv: list[str]) -> None:
    """Replace this process with ``argv`` minus the secret variables, which follow in a pipe.

    Returns without doing anything when there is nothing to remove; otherwise never returns.
    """
    secrets = secret_variables(os.environ)
    if not secrets:
        return
    payload = json.dumps(secrets).encode("utf-8")
    if len(payload) > _MAX_HANDOFF:
        raise ValueError(
            f"secret variables total {len(payload)} bytes; pass large secrets as files "
            "(NODEGEN_GITHUB_PRIVATE_KEY_PATH, NODEGEN_GITHUB_WEBHOOK_SECRET_PATH)"
        )
    read_end, write_end = os.pipe()
    os.write(write_end, payload)
    os.close(write_end)
    os.set_inheritable(read_end, True)
    env = {k: v for k, v in os.environ.items() if k not in secrets}
    env[HANDOFF_FD] = str(read_end)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, env)


def receive_handoff() -> None:
    """In the re-executed process: take the secrets from the pipe into memory."""
    fd = os.environ.pop(HANDOFF_FD, None)
    if fd is None:
        return
    with os.fdopen(int(fd), "rb") as pipe:
        _held.update(json.loads(pipe.read().decode("utf-8")))


class _HeldEnvSource(EnvSettingsSource):
    """The environment plus the secrets held in memory."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        merged = {**_held, **os.environ}
        return parse_env_vars(
            merged, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


class HeldSettings(BaseSettings):
    """Settings that also read secrets held after ``reexec_without_secrets``."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init arguments, then the environment with held secrets, then files."""
        return (init_settings, _HeldEnvSource(settings_cls), dotenv_settings, file_secret_settings)


def secret_values(extra: Iterable[str] = ()) -> list[str]:
    """Every configured secret value (environment, held, ``extra``), and each line of
    multi-line ones such as a PEM key, longest first."""
    values: set[str] = set()
    sources = [*secret_variables(os.environ).values(), *_held.values(), *extra]
    for value in sources:
        values.add(value)
        values.update(line.strip() for line in value.splitlines())
        password = urlsplit(value).password if "://" in value else None
        if password:
            values.add(password)
    return sorted((v for v in values if len(v) >= MIN_REDACTED_LENGTH), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***``."""
    for value in secrets:
        if value in text:
            text = text.replace(value, MASK)
    return text


def redact_json(data: Any, secrets: list[str], keys: frozenset[str]) -> Any:
    """``data`` with the strings under ``keys`` (at any depth) redacted."""
    if isinstance(data, dict):
        return {
            k: (
                redact(v, secrets)
                if k in keys and isinstance(v, str)
                else redact_json(v, secrets, keys)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [redact_json(item, secrets, keys) for item in data]
    return data
