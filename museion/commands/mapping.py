"""``museion mapping``: draft a mapping for a partner's file, or write the sheet template."""

from __future__ import annotations

import codecs
from pathlib import Path

import click
from rich.markup import escape

from museion_core.errors import ConfigError

from ..console import counted, err
from ..drafting import draft_mapping, encoding_hint
from ..sheet_template import template_bytes
from .common import reports_errors

__all__ = ["mapping"]


@click.group()
def mapping() -> None:
    """Draft a mapping for a partner's file, or write the spreadsheet template."""


def _sheet(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


@mapping.command()
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--sheet",
    help="The sheet to read: its name or number (default: the visible one with the most rows).",
)
@click.option(
    "--header-row",
    type=click.IntRange(1),
    default=None,
    help="The row that names the columns, as the spreadsheet numbers it (default: found "
    "among the first rows, else 1).",
)
@click.option("--name", help="The mapping's name (default: from the file's name).")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="The text encoding of a CSV/TSV or JSON file (cp1252, latin-1, utf-16, ...).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the mapping to this file (default: print it).",
)
@reports_errors
def draft(
    file: Path,
    *,
    sheet: str | None,
    header_row: int | None,
    name: str | None,
    encoding: str,
    output: Path | None,
) -> None:
    """Draft a commented TOML mapping for FILE (xlsx, xls, ods, csv, tsv, json, or a folder
    of such files) from its headers and values; columns it cannot place are listed as
    comments, and records it could not read are counted with the first one's reason."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ConfigError(f"--encoding: unknown text encoding {encoding!r}") from None
    drafted = draft_mapping(
        file, name=name, sheet=_sheet(sheet), header_row=header_row, encoding=encoding
    )
    for found in drafted.found:
        err.print(escape(found))
    if output is None:
        click.echo(drafted.text, nl=False)
    else:
        output.write_text(drafted.text, encoding="utf-8")
        err.print(f"wrote {output}")
    err.print(
        f"{counted(drafted.rows, 'record')} profiled: "
        f"{counted(len(drafted.placed), 'column')} placed, "
        f"{len(drafted.unplaced)} not placed"
        + (f" ({', '.join(drafted.unplaced[:8])})" if drafted.unplaced else "")
    )
    if drafted.not_records:
        n = len(drafted.not_records)
        err.print(
            f"{counted(n, 'row')} under the records {'is' if n == 1 else 'are'} not "
            f"{'a record' if n == 1 else 'records'} and not profiled (the harvest quarantines "
            f"{'it' if n == 1 else 'them'}); the first: {escape(drafted.not_records[0])}"
        )
    if drafted.items:
        err.print(
            f"the file wraps its records: they are the list under `{drafted.items}`; give the "
            f'source items = "{drafted.items}"'
        )
    if drafted.unreadable:
        err.print(
            f"[red]{counted(len(drafted.unreadable), 'record')} could not be read[/] and "
            f"{'is' if len(drafted.unreadable) == 1 else 'are'} not in the "
            f"profile; the first: {escape(drafted.unreadable[0])}"
            + ("" if encoding != "utf-8" else encoding_hint(drafted.unreadable[0]))
        )


@mapping.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@reports_errors
def template(out: Path) -> None:
    """Write the spreadsheet template (xlsx, header notes in English, French and Arabic) that
    the shipped `template` mapping reads without any editing."""
    if out.suffix.lower() != ".xlsx":  # a files source reads a file by its suffix
        raise ConfigError(f"the template is an Excel workbook: name it {out.stem}.xlsx")
    out.write_bytes(template_bytes())
    err.print(f'wrote {out}: fill one row per object, then use mapping = "template"')
