"""``museion`` run the way cron runs it: no terminal, no ``COLUMNS``, its output in a log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ConfigWriter, files_source
from tests.helpers.samples import sample_feeds

FEEDS = sample_feeds()


def cron(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a crontab line runs it: stdin, stdout and stderr are not terminals, and
    the environment has no COLUMNS."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run(
        [sys.executable, "-m", "museion", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**env, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )


def test_a_log_has_each_message_on_one_line_and_whole_table_cells(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """Rich broke every line at 80 columns when it wrote to a file: a failed source's error
    came in two or three pieces in the cron log (``grep error:`` found half of it), and
    ``museion stats`` cut the sources' names ("city-muse…")."""
    empty = tmp_path / "exports" / "a-partner-whose-export-is-missing"
    empty.mkdir(parents=True)
    path = write_config(
        files_source(
            "carnegie-museum-of-art-pittsburgh",
            FEEDS / "cmoa",
            "cmoa",
            label="Carnegie Museum of Art, Pittsburgh, Pennsylvania",
        ),
        files_source("a-partner-whose-export-is-missing", empty, "cmoa"),
    )
    harvest = cron("--config", str(path), "harvest")
    assert harvest.returncode == 1, harvest.stderr
    errors = [line for line in harvest.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, harvest.stderr
    assert errors[0].startswith("error: source 'a-partner-whose-export-is-missing': the directory")
    assert errors[0].endswith(".xlsx, .xls or .ods file"), harvest.stderr
    summary = next(
        line for line in harvest.stderr.splitlines() if line.startswith("carnegie-museum")
    )
    assert summary.endswith(" s)"), harvest.stderr  # "(… triples written, 0.4 s)": one line
    stats = cron("--config", str(path), "stats")
    assert stats.returncode == 0, stats.stderr
    row = next(line for line in stats.stdout.splitlines() if "carnegie" in line)
    assert "carnegie-museum-of-art-pittsburgh" in row
    assert "Carnegie Museum of Art, Pittsburgh, Pennsylvania" in row
    assert "…" not in stats.stdout
