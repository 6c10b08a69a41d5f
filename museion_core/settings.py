"""Settings files: one way to read TOML into a validated model and fail in one line.

``museion.toml``, declarative mapping files and reconciliation overrides are all TOML checked
by a pydantic model; each failure (missing file, bad TOML, unknown or wrong key) must become a
``ConfigError`` naming the file, the key and the fault, never a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ConfigError

__all__ = ["StrictModel", "load_toml_model", "parse_toml", "read_toml", "validate_model"]

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """A settings section: unknown keys are errors (a misspelt key must not be ignored) and
    values are immutable once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def read_toml(path: Path, *, what: str = "file", missing: str | None = None) -> str:
    """The text of a settings file; ``what`` names it in errors ("config file"), ``missing``
    replaces the message for a file that does not exist."""
    try:
        # utf-8-sig: Windows Notepad once started every UTF-8 file with a byte-order mark.
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        if missing is None:
            missing = f"the {what} does not exist"
        raise ConfigError(missing, file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the {what}: {exc}", file=str(path)) from exc


def parse_toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=file) from exc


def validate_model(
    model: type[M],
    data: Any,
    *,
    file: str,
    where: str = "",
    known: list[str] | None = None,
) -> M:
    """``data`` as ``model``; a validation failure is one ``ConfigError`` line whose key is
    ``where`` followed by the path inside ``data``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError.from_validation(exc, model, file=file, where=where, known=known) from None


def load_toml_model(
    path: Path, model: type[M], *, what: str = "file", missing: str | None = None
) -> tuple[M, str]:
    """Read, parse and validate a TOML file: the model and the text it was read from (which a
    mapping fingerprints)."""
    text = read_toml(path, what=what, missing=missing)
    return validate_model(model, parse_toml(text, str(path)), file=str(path)), text
