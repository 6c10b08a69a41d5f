"""Shared fixtures: paths to test data, and configs that point at them; and the guard that
fails any test reaching beyond this machine (``tests.helpers.no_internet``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import no_internet
from tests.helpers.no_internet import _no_internet, pytest_runtest_protocol

__all__ = ["_no_internet", "pytest_runtest_protocol"]  # the guard's hooks, as this conftest's


def pytest_configure(config: pytest.Config) -> None:
    no_internet.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    no_internet.uninstall()


DATA = Path(__file__).parent / "data"
BASE = "https://data.example.org/"


@pytest.fixture
def data() -> Path:
    return DATA


ConfigWriter = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path) -> ConfigWriter:
    """Write a museion.toml into tmp_path; ``sources`` are TOML fragments of [[sources]]."""

    def write(
        *sources: str, base_iri: str = BASE, extra: str = "", directory: Path | None = None
    ) -> Path:
        text = f'[store]\npath = "store"\n\n[publish]\nbase_iri = "{base_iri}"\n\n{extra}\n'
        for source in sources:
            text += "\n[[sources]]\n" + source.strip() + "\n"
        path = (directory or tmp_path) / "museion.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def files_source(
    name: str, location: Path | str, mapping: str, label: str = "", **options: str
) -> str:
    """A [[sources]] fragment of kind files."""
    where = location if str(location).startswith("http") else Path(location).as_posix()
    lines = [
        f'name = "{name}"',
        'kind = "files"',
        f'location = "{where}"',
        f'mapping = "{mapping}"',
        *(f"{key} = {value}" for key, value in options.items()),
        "[sources.partner]",
        f'label = "{label or name.title()}"',
    ]
    return "\n".join(lines)
