"""``museion`` run the way cron runs it: no terminal, no ``COLUMNS``, its output in a log."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.conftest import ConfigWriter, files_source
from tests.helpers.http import Response, serve
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


def test_a_source_left_to_its_partner_s_uploads_does_not_fail_the_nightly_harvest(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """A partner without a feed uploads its files; its source's location, where `museion
    harvest` would look, stays empty. Every nightly `museion harvest` failed that source: exit
    1 in cron, and "the latest harvest failed" above the partner's published upload."""
    empty = tmp_path / "exports" / "small-museum"
    empty.mkdir(parents=True)
    uploads = files_source("small-museum", empty, "cmoa", label="Small Museum")
    path = write_config(
        files_source("tate", FEEDS / "tate", "tate"),
        f'{uploads}\ntoken = "small-museum-upload-token-0123"',
    )
    sent = sorted((FEEDS / "cmoa").glob("*.json"))[:3]
    upload = cron("--config", str(path), "upload", "small-museum", *map(str, sent))
    assert upload.returncode == 0, upload.stderr
    nightly = cron("--config", str(path), "harvest")
    assert nightly.returncode == 0, nightly.stderr
    assert "error" not in nightly.stderr
    assert (
        f"small-museum: nothing to harvest at {empty}; the source takes its partner's uploads"
        in nightly.stderr
    )
    assert "tate: " in nightly.stderr  # the other sources were harvested
    report = json.loads(cron("--config", str(path), "report", "small-museum", "--json").stdout)
    assert "latest_harvest_failed" not in report
    assert report["run"]["status"] == "published"
    assert report["counts"]["read"] == 3
    named = cron("--config", str(path), "harvest", "small-museum")  # asked for: read, and says
    assert named.returncode == 1
    assert "error: source 'small-museum': the directory" in named.stderr


def test_stats_says_how_each_source_s_latest_run_ended(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """After a night's cron run, nothing but each source's page (or one `museion report` per
    source) said whether it published: `museion stats` counted records only."""
    mapping = tmp_path / "m.toml"
    mapping.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n')
    shrinking, moving = tmp_path / "shrinking", tmp_path / "moving"
    for folder, rows in ((shrinking, 20), (moving, 3)):
        folder.mkdir()
        lines = ["id,title", *(f"{n},Object {n}" for n in range(rows))]
        (folder / "objects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = write_config(
        files_source("steady", FEEDS / "cmoa", "cmoa"),
        files_source("shrinking", shrinking, str(mapping)),
        files_source("moving", moving, str(mapping)),
    )
    assert cron("--config", str(path), "harvest").returncode == 0
    (shrinking / "objects.csv").write_text("id,title\n1,Object 1\n", encoding="utf-8")
    (moving / "objects.csv").unlink()  # the partner's export is gone tonight
    night = cron("--config", str(path), "harvest")
    assert night.returncode == 1, night.stderr
    done = cron("--config", str(path), "stats", "--json")
    assert done.returncode == 0, done.stderr
    last = {row["source"]: row["last_run"] for row in json.loads(done.stdout)["sources"]}
    assert last["steady"]["status"] == "published"
    assert last["shrinking"]["status"] == "held"
    assert "records" in last["shrinking"]["reason"]
    assert last["moving"]["status"] == "failed"
    assert "holds no .json" in last["moving"]["reason"]
    assert all(run["at"].endswith("Z") for run in last.values())
    table = cron("--config", str(path), "stats").stdout
    assert re.search(r"│ steady .*│ published 20\d\d-\d\d-\d\dT[\d:]+Z │", table), table
    assert re.search(r"^moving: failed 20\S+Z: the directory .* holds no \.json", table, re.M)
    assert re.search(r"^shrinking: held 20\S+Z: ", table, re.M)


def test_a_harvest_turned_away_by_another_says_which_process_holds_the_data(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """Two cron lines overlapping (or an upload's run still going): the second harvest said
    "another museion process is writing to …" and no more; now it names the process."""
    mapping = tmp_path / "m.toml"
    mapping.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n')
    answered = threading.Event()

    def slow(_: BaseHTTPRequestHandler) -> Response:
        answered.wait(60)  # until the second harvest has been turned away
        return Response(200, b"id,title\na,Vase\n", {"Content-Type": "text/csv"})

    with serve({"/objects.csv": slow}) as partner:
        path = write_config(files_source("slow", f"{partner.url}/objects.csv", str(mapping)))
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        first = subprocess.Popen(
            [sys.executable, "-m", "museion", "--config", str(path), "harvest"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while not partner.hits.get("/objects.csv") and time.monotonic() < deadline:
                time.sleep(0.1)  # the first harvest holds the lock and waits for the partner
            second = cron("--config", str(path), "harvest")
        finally:
            answered.set()
            first.communicate(timeout=120)
    assert first.returncode == 0
    assert second.returncode == 1
    [line] = [line for line in second.stderr.splitlines() if line.strip()]
    assert re.fullmatch(
        rf"error: another museion process \(pid {first.pid} since 20[\d-]+T[\d:]+Z\) is "
        rf"writing to {re.escape(str(tmp_path))}/store; wait for it to end",
        line,
    ), line
