"""Two Museion installations publishing to one real ``oxigraph serve``, each with its own base
IRI and its own ``[store] own_graphs``: each publish moves only its own pointer, and each
installation's readers read only its own data."""

from __future__ import annotations

from pathlib import Path

import pytest

from museion.cli import run_harvest
from museion.config import Config, load_config
from museion_core.errors import ConfigError
from store import RemoteReader
from store.protocol import SparqlClient
from tests.helpers.sparql_servers import oxigraph_serve
from tests.store.test_remote_checks import shop
from tests.store.test_remote_refusals import graphs_held, graphs_local

TITLE = "http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content"


def installation(folder: Path, url: str, base: str, own: str, titles: dict[int, str]) -> Config:
    """``shop`` (records 0–3) with ``own_graphs`` set in its ``[store]``."""
    config = shop(folder, url, range(4), base=base, titles=titles)
    text = config.path.read_text(encoding="utf-8")
    config.path.write_text(
        text.replace("[store]\n", f'[store]\nown_graphs = "{own}"\n', 1), encoding="utf-8"
    )
    return load_config(config.path)


def served(config: Config) -> set[str]:
    """The titles (and other texts) the installation's current version serves."""
    assert config.remote is not None
    reader = RemoteReader(config.remote)
    try:
        reader.refresh()
        rows = reader.select(
            f'SELECT DISTINCT ?t WHERE {{ ?x <{TITLE}> ?t FILTER REGEX(?t, "^[AB] ") }}'
        )
        return {str(row["t"]) for row in rows}
    finally:
        reader.close()


def test_two_installations_publish_to_one_server_and_each_reads_its_own(tmp_path: Path) -> None:
    """The versions and their pointer had one fixed prefix (``urn:museion:store:``): a
    second installation publishing to the same server moved the first one's pointer to its
    own version, and the first one's endpoint served the second one's data. With
    ``own_graphs`` set, each keeps its versions and pointer apart: both publish, twice, and
    each reads its own titles only; the default (unset) stays the old prefix."""
    with oxigraph_serve(tmp_path / "oxigraph") as srv:
        a_titles = {n: f"A {n}" for n in range(4)}
        b_titles = {n: f"B {n}" for n in range(4)}
        a_own, b_own = "urn:museum-a:store:", "urn:museum-b:store:"
        a = installation(tmp_path / "a", srv.url, "http://a.example/", a_own, a_titles)
        b = installation(tmp_path / "b", srv.url, "http://b.example/", b_own, b_titles)
        assert a.remote is not None
        assert a.remote.own == a_own
        for config in (a, b):
            [summary] = run_harvest(config)
            assert summary.status == "published", summary.reason
        assert served(a) == set(a_titles.values())
        assert served(b) == set(b_titles.values())

        a_titles[2] = "A two, changed"
        a = installation(tmp_path / "a", srv.url, "http://a.example/", a_own, a_titles)
        [again] = run_harvest(a)
        assert again.status == "published", again.reason
        assert served(a) == set(a_titles.values())
        assert served(b) == set(b_titles.values())  # b's pointer did not move
        client = SparqlClient(srv.endpoint())
        pointers = client.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            'FILTER STRENDS(STR(?g), ":store:pointer") }'
        )
        assert {str(row["g"]) for row in pointers} == {a_own + "pointer", b_own + "pointer"}
        client.close()


def test_changing_own_graphs_is_published_by_the_next_harvest(tmp_path: Path) -> None:
    """An installation that has published, its ``own_graphs`` then changed: the next harvest
    of the same feed writes nothing, but publishes a version under the new prefix, where its
    readers now look. It published nothing (the source unchanged), and the endpoint answered
    503 "nothing is published" for good. Found by a review."""
    with oxigraph_serve(tmp_path / "oxigraph") as srv:
        titles = {n: f"A {n}" for n in range(4)}
        first = shop(tmp_path / "a", srv.url, range(4), base="http://a.example/", titles=titles)
        [done] = run_harvest(first)
        assert done.status == "published", done.reason
        assert served(first) == set(titles.values())
        moved = installation(tmp_path / "a", srv.url, "http://a.example/", "urn:a:", titles)
        [again] = run_harvest(moved)
        assert (again.status, again.wrote_nothing) == ("published", True), again.reason
        assert served(moved) == set(titles.values())
        [steady] = run_harvest(moved)  # and once published there, nothing is due again
        assert (steady.wrote_nothing, steady.new_snapshot) == (True, False)


@pytest.mark.parametrize(
    ("own", "said"),
    [
        ("museum a", "is not an IRI prefix"),
        ("urn:museum-a:store", "is not an IRI prefix"),
        ("http://a.example/", "overlap"),
        ("http://a.example/store/", "overlap"),
    ],
)
def test_own_graphs_must_be_a_prefix_apart_from_the_base_iri(
    tmp_path: Path, own: str, said: str
) -> None:
    """A prefix that is not one, or one the published graphs share (the versions would be
    taken for record graphs, or the record graphs for Museion's own), is refused in one line
    naming the key."""
    with pytest.raises(ConfigError) as caught:
        installation(tmp_path, "http://127.0.0.1:9", "http://a.example/", own, {})
    assert said in caught.value.one_line()
    assert "own_graphs" in caught.value.one_line()


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        ('own_graphs = "urn:a:"\n', 'own_graphs needs kind = "sparql"'),
        (
            'own_graphs = "urn:a:"\nquery_endpoint = "http://127.0.0.1:9/query"\n',
            'query_endpoint and own_graphs need kind = "sparql"',
        ),
    ],
)
def test_remote_keys_of_an_embedded_store_are_named(tmp_path: Path, keys: str, said: str) -> None:
    """Refused as "the endpoint keys need kind = "sparql"", which named no key, and
    own_graphs is none of the endpoints. Found by a review."""
    (tmp_path / "feed").mkdir()
    path = tmp_path / "museion.toml"
    path.write_text(
        f'[store]\npath = "store"\n{keys}[publish]\nbase_iri = "http://a.example/"\n'
        '[[sources]]\nname = "shop"\nkind = "files"\nlocation = "feed"\nmapping = "cmoa"\n'
        '[sources.partner]\nlabel = "Shop"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert said in caught.value.one_line()


def embedded(config: Config) -> Config:
    """The same installation with its ``[store]`` embedded (no remote keys)."""
    remote = ('kind = "sparql"', "query_endpoint", "update_endpoint", "graph_store_endpoint")
    text = config.path.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith(remote)]
    config.path.write_text("".join(kept), encoding="utf-8")
    return load_config(config.path)


def test_a_store_back_from_embedded_sends_the_server_what_it_missed(tmp_path: Path) -> None:
    """An installation published to a server, then embedded for a while (its records
    retitled), then pointed at the same server again: the working store's mark still named
    that server, so it was taken as mirrored there, and the next harvest of the unchanged
    feed published nothing: the server served the titles of before the switch, for good.
    Written embedded, the working store is no longer marked as mirrored anywhere, and the
    server is sent it whole by the next publish."""
    base = "http://switched.example/"
    first = {n: f"A {n}" for n in range(4)}
    retitled = {n: f"B {n}" for n in range(4)}
    with oxigraph_serve(tmp_path / "oxigraph") as upstream:
        config = shop(tmp_path / "museum", upstream.url, range(4), base=base, titles=first)
        [published] = run_harvest(config)
        assert published.status == "published", published.reason
        assert served(config) == set(first.values())
        alone = embedded(
            shop(tmp_path / "museum", upstream.url, range(4), base=base, titles=retitled)
        )
        assert alone.remote is None
        [offline] = run_harvest(alone)
        assert offline.status == "published", offline.reason
        back = shop(tmp_path / "museum", upstream.url, range(4), base=base, titles=retitled)
        [again] = run_harvest(back)
        assert again.status == "published", again.reason
        assert served(back) == set(retitled.values())
        working = graphs_local(back.data_dir / "working", base)
        assert graphs_held(upstream, base) == working
