"""A wrong config fails at start with one line naming the file, the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from museion.config import load_config
from museion_core.errors import ConfigError
from tests.conftest import ConfigWriter, files_source
from tests.helpers.samples import sample_feeds

FEED = sample_feeds() / "cmoa"


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = caught.value.one_line()
    assert "\n" not in message
    return message


def test_a_good_config(write_config: ConfigWriter) -> None:
    config = load_config(write_config(files_source("cmoa", FEED, "cmoa", label="CMOA")))
    [source] = config.sources
    assert source.name == "cmoa"
    assert source.mapping.name == "cmoa"
    assert source.partner.label == "CMOA"
    assert config.data_dir.name == "store"
    assert config.data_dir.is_absolute()


def test_relative_locations_are_relative_to_the_config_file(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    (tmp_path / "feed").mkdir()
    config = load_config(write_config(files_source("a", "feed", "cmoa")))
    assert config.sources[0].location == str(tmp_path / "feed")


@pytest.mark.parametrize(
    ("source", "key", "message"),
    [
        (
            files_source("tate", FEED, "cmoa").replace('"files"', '"oai"'),
            "sources[1] (tate).kind",
            "unknown kind 'oai'",
        ),
        (
            files_source("tate", FEED, "tatte"),
            "sources[1] (tate).mapping",
            "unknown mapping 'tatte'",
        ),
        (
            files_source("tate", FEED, "cmoa").replace(f'location = "{FEED.as_posix()}"\n', ""),
            "sources[1] (tate).location",
            "required key is missing",
        ),
        (  # misspelt: not only "location is missing"
            files_source("tate", FEED, "cmoa").replace("location =", "locaton ="),
            "sources[1] (tate).locaton",
            "unknown key (did you mean 'location'?)",
        ),
        (
            files_source("Tate Gallery", FEED, "cmoa"),
            "sources[1] (Tate Gallery).name",
            "not a valid source name",
        ),
        (files_source("sparql", FEED, "cmoa"), "sources[1] (sparql).name", "reserved"),
        (
            files_source("tate", FEED, "cmoa").replace("label", "lable"),
            "sources[1] (tate).partner.lable",
            "unknown key (did you mean 'label'?)",
        ),
        (
            files_source("tate", FEED, "cmoa", encodng='"latin-1"'),
            "sources[1] (tate).encodng",
            "unknown key (did you mean 'encoding'?)",
        ),
        (
            files_source("tate", FEED, "cmoa", encoding='"klingon"'),
            "sources[1] (tate).encoding",
            "unknown text encoding 'klingon'",
        ),
    ],
)
def test_source_errors_name_the_key(
    write_config: ConfigWriter, source: str, key: str, message: str
) -> None:
    path = write_config(source)
    line = error_of(path)
    assert line.startswith(f"{path}: {key}: "), line
    assert message in line


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("source", "sources[1] (tate).language"),
        ("partner", "sources[1] (tate).partner.language"),
        ("mapping", "mapping.language"),
    ],
)
@pytest.mark.parametrize("empty", ['""', '" "'])
def test_an_empty_language_is_an_error_that_says_what_to_do(
    write_config: ConfigWriter, tmp_path: Path, where: str, key: str, empty: str
) -> None:
    """``language = ""`` for a source, its partner or a mapping: an empty tag is "no
    language" only for a text field of a mapping (``{ path = "x", language = "" }``), where
    the README says so. Here it is a config error naming the key and the source (or mapping
    file), which said "'' is not a valid BCP 47 language tag", as of a misspelt tag; it now
    says what to do."""
    mapping = tmp_path / "m.toml"
    head = f"language = {empty}\n" if where == "mapping" else ""
    mapping.write_text(f'[mapping]\nname = "m"\n{head}[object]\nid = "id"\ntitles = "t"\n')
    fragment = files_source("tate", FEED, mapping.as_posix(), label="Tate")
    if where == "source":
        fragment = fragment.replace("[sources.partner]", f"language = {empty}\n[sources.partner]")
    elif where == "partner":
        fragment += f"\nlanguage = {empty}"
    path = write_config(fragment)
    file = mapping if where == "mapping" else path
    assert error_of(path) == (
        f"{file}: {key}: {empty.replace(chr(34), chr(39))} names no language: give a "
        "BCP 47 language tag (e.g. en, de, fr-CA), or leave the key out"
    )


def test_partner_language_and_links_are_checked(write_config: ConfigWriter) -> None:
    source = files_source("tate", FEED, "cmoa") + '\nlanguage = "english!"'
    assert "partner.language: 'english!' is not a valid BCP 47 language tag" in error_of(
        write_config(source)
    )
    source = files_source("tate", FEED, "cmoa") + '\nhomepage = "www.tate.org.uk"'
    assert "partner.homepage: 'www.tate.org.uk' is not an http(s) IRI" in error_of(
        write_config(source)
    )


def test_duplicate_source_names(write_config: ConfigWriter) -> None:
    path = write_config(files_source("a", FEED, "cmoa"), files_source("a", FEED, "cmoa"))
    assert "sources[2] (a).name: source name 'a' is used twice" in error_of(path)


def test_missing_and_malformed_base_iri(write_config: ConfigWriter, tmp_path: Path) -> None:
    path = tmp_path / "museion.toml"
    path.write_text("[store]\npath = 'x'\n")
    assert error_of(path) == f"{path}: publish: required key is missing"
    bad = write_config(base_iri="data.example.org")
    assert "publish.base_iri: 'data.example.org' is not an absolute http(s) IRI" in error_of(bad)
    no_slash = write_config(base_iri="https://data.example.org/x")
    assert "must end with '/'" in error_of(no_slash)


def test_not_toml_and_no_file(tmp_path: Path) -> None:
    path = tmp_path / "museion.toml"
    path.write_text("[store\n")
    assert "not valid TOML" in error_of(path)
    assert "does not exist" in error_of(tmp_path / "missing.toml")


def test_unknown_top_level_section(write_config: ConfigWriter) -> None:
    path = write_config(extra="[publsh]\nx = 1\n")
    assert "publsh: unknown key" in error_of(path)


def test_a_key_named_like_a_type_is_a_key(tmp_path: Path) -> None:
    """Keys starting "int", "float", "bool" ("interval") were taken for pydantic's union
    branches and left out: "interval" at the top crashed the error message itself."""
    path = tmp_path / "museion.toml"
    path.write_text('interval = 3\n[store]\npath = "x"\n[publish]\nbase_iri = "https://e.org/"\n')
    assert error_of(path) == f"{path}: interval: unknown key"
    path.write_text('[store]\npath = "x"\nstrict = 1\n[publish]\nbase_iri = "https://e.org/"\n')
    assert error_of(path) == f"{path}: store.strict: unknown key"


def test_a_broken_mapping_file_is_named(write_config: ConfigWriter, tmp_path: Path) -> None:
    mapping = tmp_path / "mine.toml"
    mapping.write_text('[mapping]\nname = "mine"\n[object]\nid = "id"\ntitel = "title"\n')
    line = error_of(write_config(files_source("mine", FEED, "mine.toml")))
    assert line == f"{mapping}: object.titel: unknown key (did you mean 'titles'?)"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # a key under a union's model: no class name, a suggestion, and the faults counted
        (
            'titels = "t"\n[object.production.date]\ntxt = "d"\n',
            "object.production.date.txt: unknown key (did you mean 'text'?) (and 1 more)",
        ),
        (
            'titles = {path = "t", langauge = "fr"}\n',
            "object.titles.langauge: unknown key (did you mean 'language'?)",
        ),
        ('intitule = "t"\n', "object.intitule: unknown key (did you mean 'titles'?)"),
        (
            'titles = {path = "t", language = "xx-zz-invalid!"}\n',
            "object.titles.language: 'xx-zz-invalid!' is not a valid BCP 47 language tag "
            "(e.g. en, de, fr-CA)",
        ),
    ],
)
def test_a_mapping_fault_is_one_fault_said_as_the_file_writes_it(
    write_config: ConfigWriter, tmp_path: Path, body: str, said: str
) -> None:
    """A fault under a union's branch named pydantic's model ("date.DateModel.txt"), had no
    suggestion, and counted each branch's complaint ("and 3 more" for one bad tag)."""
    mapping = tmp_path / "mine.toml"
    mapping.write_text('[mapping]\nname = "mine"\n[object]\nid = "id"\n' + body)
    line = error_of(write_config(files_source("mine", FEED, "mine.toml")))
    assert line == f"{mapping}: {said}"


def test_a_mapping_file_that_is_not_there_names_the_source_s_key(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """With twelve sources, "error: …/city-museum.toml: the mapping file does not exist" did
    not say which source's key named it."""
    path = write_config(files_source("city-museum", FEED, "city-museum.toml"))
    assert error_of(path) == (
        f"{path}: sources[1] (city-museum).mapping: "
        f"{tmp_path / 'city-museum.toml'}: the mapping file does not exist"
    )


def test_endpoint_section_is_validated(write_config: ConfigWriter) -> None:
    config = load_config(
        write_config(
            extra="[endpoint]\nquery_timeout = 5\nmax_rows = 100\n"
            'service_allowlist = ["https://query.wikidata.org/sparql"]\n'
            'admin_token = "0123456789abcdef0123"\n'
        )
    )
    assert config.endpoint.query_timeout == 5
    assert config.endpoint.max_rows == 100
    assert config.endpoint.service_allowlist == ["https://query.wikidata.org/sparql"]
    assert config.endpoint.port == 8000


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("query_timout = 5", "endpoint.query_timout: unknown key (did you mean 'query_timeout'?)"),
        ("query_timeout = 0", "endpoint.query_timeout"),
        ("max_rows = -1", "endpoint.max_rows"),
        ('admin_token = "short"', "endpoint.admin_token"),
        ('service_allowlist = ["wikidata"]', "endpoint.service_allowlist"),
    ],
)
def test_endpoint_section_errors(write_config: ConfigWriter, section: str, expected: str) -> None:
    assert expected in error_of(write_config(extra=f"[endpoint]\n{section}\n"))


def test_endpoint_settings_take_the_admin_token_from_the_environment(
    write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from museion.serving import endpoint_settings

    config = load_config(write_config(extra='[endpoint]\nadmin_token = "from-the-config-file"\n'))
    assert endpoint_settings(config).admin_token == "from-the-config-file"
    monkeypatch.setenv("MUSEION_ADMIN_TOKEN", "from-the-environment")
    settings = endpoint_settings(config, max_rows=7, query_timeout=None)
    assert settings.admin_token == "from-the-environment"
    assert settings.max_rows == 7
    assert settings.query_timeout == 30
    assert settings.published_dir == config.data_dir / "published"


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_data_directory_is_a_config_error(tmp_path: Path, value: str) -> None:
    """``path = ""`` put records.sqlite, working/ and published/ among the partner's files
    (``"."`` says so on purpose: the demo keeps its config inside its data)."""
    path = tmp_path / "museion.toml"
    path.write_text(
        f'[store]\npath = "{value}"\n[publish]\nbase_iri = "https://e.org/"\n', encoding="utf-8"
    )
    message = error_of(path)
    assert "store.path" in message
    assert "is empty" in message


def test_a_byte_order_mark_and_a_home_folder_are_read_as_meant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old Windows Notepad starts a UTF-8 file with a byte-order mark; a partner writes its
    exports' folder as "~/exports"."""
    monkeypatch.setenv("HOME", str(tmp_path))
    path = tmp_path / "museion.toml"
    text = (
        '[store]\npath = "~/data"\n[publish]\nbase_iri = "https://e.org/"\n\n[[sources]]\n'
        + files_source("cmoa", "~/exports", "cmoa")
        + "\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    config = load_config(path)
    assert config.data_dir == tmp_path / "data"
    assert config.sources[0].location == str(tmp_path / "exports")


def test_only_mappings_are_offered_as_mappings() -> None:
    """lido-unmapped.toml (the LIDO elements left out on purpose) was offered, and choosing it
    gave "mapping: required key is missing (and 25 more)"."""
    from mappings import available_mappings, get_mapping

    names = available_mappings()
    assert "lido-unmapped" not in names
    for name in names:
        get_mapping(name)  # each offered name loads


def test_a_trusted_proxy_network_is_written_as_its_network(tmp_path: Path) -> None:
    """uvicorn reads networks strictly: "172.17.0.1/16" was accepted, never trusted, and every
    client then appeared as the proxy, without a word."""
    path = tmp_path / "museion.toml"
    path.write_text(
        '[store]\npath = "s"\n[publish]\nbase_iri = "https://d.example.org/"\n'
        '[endpoint]\ntrusted_proxies = ["172.17.0.1/16"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"did you mean 172\.17\.0\.0/16\?"):
        load_config(path)


HTTP_KINDS = ["files", "jsonapi", "oaipmh", "rdf", "sparql"]


def http_source(kind: str, *lines: str) -> str:
    return "\n".join(
        [
            'name = "p"',
            f'kind = "{kind}"',
            'location = "https://partner.example/feed"',
            'mapping = "cmoa"',
            *lines,
            "[sources.partner]",
            'label = "P"',
        ]
    )


@pytest.mark.parametrize("kind", HTTP_KINDS)
@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["timout = 5"], "timout: unknown key (did you mean 'timeout'?)"),
        (["max_retry = 1"], "max_retry: unknown key (did you mean 'max_retries'?)"),
        (["timeout = 0"], "timeout: Input should be greater than 0"),
        (['timeout = "x"'], "timeout: Input should be a valid number, unable to parse string"),
        (["max_retries = -1"], "max_retries: Input should be greater than or equal to 0"),
        (["max_retries = 1.5"], "max_retries: Input should be a valid integer, got a number"),
        (["request_deadline = 0"], "request_deadline: Input should be greater than 0"),
        (["max_retries = -1", "timeout = 0"], "timeout: Input should be greater than 0 (and 1"),
    ],
)
def test_the_http_options_every_kind_shares_are_checked_alike(
    write_config: ConfigWriter, kind: str, lines: list[str], expected: str
) -> None:
    """``timeout``, ``max_retries`` and ``request_deadline`` are written once
    (``harvesters.base``) for the kinds that read over HTTP: the same bounds and the same
    words for each."""
    assert f"sources[1] (p).{expected}" in error_of(write_config(http_source(kind, *lines)))


@pytest.mark.parametrize(
    ("kind", "first"),
    [("files", "request_deadline"), *((kind, "max_retries") for kind in HTTP_KINDS[1:])],
)
def test_of_two_bad_http_options_the_kinds_own_order_says_which_is_named(
    write_config: ConfigWriter, kind: str, first: str
) -> None:
    """The shared options keep their place among each kind's keys (a base class would put
    them first): of two bad values, the one named is the one the kind declares first."""
    path = write_config(http_source(kind, "max_retries = -1", "request_deadline = 0"))
    assert f"sources[1] (p).{first}: Input should be greater than" in error_of(path)


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_the_http_options_defaults(write_config: ConfigWriter, kind: str) -> None:
    [source] = load_config(write_config(http_source(kind))).sources
    options = source.options.model_dump()
    assert (options["timeout"], options["max_retries"]) == (60.0, 3)
