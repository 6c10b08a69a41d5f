"""The leaf package's shared pieces: one TOML loader that fails in one line, one strict model,
one BCP 47 validator, one reading of an instant's year."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, field_validator

from museion_core.errors import ConfigError
from museion_core.instants import instant_year
from museion_core.language import valid_language
from museion_core.settings import StrictModel, load_toml_model


class _Section(StrictModel):
    size: int = Field(default=1, ge=1)
    language: str | None = None

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return valid_language(value)


class _File(StrictModel):
    section: _Section = Field(default_factory=_Section)


def _error(path: Path, **options: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_toml_model(path, _File, what="settings file", **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_valid_file_gives_the_model_and_its_text(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text('[section]\nsize = 3\nlanguage = "EN_gb"\n', encoding="utf-8")
    model, text = load_toml_model(path, _File)
    assert model.section.size == 3
    assert model.section.language == "en-GB"
    assert text.startswith("[section]")


def test_each_fault_is_one_line_naming_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    assert _error(path) == f"{path}: the settings file does not exist"
    assert (
        _error(path, missing="no such file; try --config") == f"{path}: no such file; try --config"
    )
    path.write_text("[section\n", encoding="utf-8")
    assert _error(path).startswith(f"{path}: not valid TOML")
    path.write_text("[section]\nsise = 3\n", encoding="utf-8")
    assert _error(path) == f"{path}: section.sise: unknown key (did you mean 'size'?)"
    path.write_text("[section]\nsize = 0\n", encoding="utf-8")
    assert _error(path).startswith(f"{path}: section.size: Input should be greater than")
    path.write_text('[section]\nlanguage = "en_US!"\n', encoding="utf-8")
    assert _error(path) == (
        f"{path}: section.language: 'en_US!' is not a valid BCP 47 language tag "
        "(e.g. en, de, fr-CA)"
    )


def test_strict_models_are_frozen() -> None:
    section = _Section()
    with pytest.raises(ValueError, match="frozen"):
        section.size = 2


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("1900-12-31T23:59:59", 1900),
        ("-0500-01-01T00:00:00", -500),
        ("0000-01-01T00:00:00", 0),
        ("1642-06-01", 1642),
        ("1918", 1918),
        ("", None),
        (None, None),
        ("circa 1900", None),
    ],
)
def test_instant_year(value: str | None, year: int | None) -> None:
    assert instant_year(value) == year
