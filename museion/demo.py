"""The demo: bundled samples of two real partner feeds, and the questions it answers."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from .config import Config, load_config

__all__ = ["DEMO_QUESTIONS", "demo_config", "examples_dir"]

DEMO_QUESTIONS = (
    ("Every work by Pablo Picasso held by either partner", "07-works-by-artist-across-partners"),
    ("Artists held by more than one partner", "03-artists-in-several-collections"),
    ("Objects per partner", "01-objects-per-partner"),
    ("Works made 1900–1950, with images (the first 25)", "04-works-by-period"),
    (
        "Works made 1900–1950 and wider than 1 m, in either collection",
        "05-wide-works-made-1900-1950",
    ),
)


def examples_dir() -> Path:
    return Path(str(resources.files("museion").joinpath("examples")))


def demo_config(data_dir: Path) -> Config:
    """Write the bundled example configuration into ``data_dir`` (store in that folder, feeds
    where Museion is installed), so that later commands can use it with ``--config``."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    text = (examples_dir() / "museion.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = ".*"', 'path = "."', text)
    text = re.sub(
        r'(?m)^location = "(\w+)"',
        lambda m: f'location = "{(examples_dir() / m.group(1)).as_posix()}"',
        text,
    )
    path = data_dir / "museion.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)
