"""The command line, through click's runner, against a real server and database."""

from __future__ import annotations

import io
import re
import sys
from datetime import timedelta
from pathlib import Path

import click
import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console
from sqlalchemy import update

from pipeline import __version__
from pipeline.classify import LEARNED_VERSION
from pipeline.cli import cli, terminal
from pipeline.clock import utc_now
from pipeline.config import load_config
from pipeline.db.engine import make_engine
from pipeline.db.migrate import upgrade
from pipeline.db.models import Feed
from pipeline.db.store import Store
from tests.support.builders import Item, article_html, rss, serve_one_deal_from_two_outlets, unique_paragraphs
from tests.support.helpers import invoke, source, write_config

README = Path(__file__).parents[1] / "README.md"


@pytest.fixture
def served(httpserver: HTTPServer) -> dict[str, str]:
    httpserver.expect_request("/a").respond_with_data(
        article_html("A", unique_paragraphs("a")), content_type="text/html"
    )
    httpserver.expect_request("/good.xml").respond_with_data(
        rss([Item("Story A", httpserver.url_for("/a"), guid="a")])
    )
    httpserver.expect_request("/bad.xml").respond_with_data("down", status=503)
    return {"good": httpserver.url_for("/good.xml"), "bad": httpserver.url_for("/bad.xml")}


def test_version() -> None:
    assert invoke("--version") == (0, f"dealpulse, version {__version__}\n")


def test_fetch_prints_a_summary_and_status_shows_health(
    tmp_path: Path, database_url: str, served: dict[str, str]
) -> None:
    config = str(write_config(tmp_path, database_url, served))
    code, output = invoke("--config", config, "fetch")
    assert code == 0
    assert re.search(r"feeds ok\s*│\s*1", output)
    assert re.search(r"feeds failed\s*│\s*1", output)
    assert re.search(r"new articles\s*│\s*1", output)
    assert "HTTP 503 Service Unavailable" in output

    code, output = invoke("--config", config, "status")
    assert code == 0
    good = next(line for line in output.splitlines() if "│ good" in line)
    bad = next(line for line in output.splitlines() if "│ bad" in line)
    assert re.search(r"│ ok\s*│\s*200\s*│\s*1\s*│", good)
    assert re.search(r"│ error\s*│\s*503\s*│\s*0\s*│", bad)
    assert "HTTP 503 Service Unavailable" in bad


def test_fetch_one_feed(tmp_path: Path, database_url: str, served: dict[str, str]) -> None:
    config = str(write_config(tmp_path, database_url, served))
    code, output = invoke("--config", config, "fetch", "--feed", "good")
    assert code == 0
    assert "1 feed " in output


def test_unknown_feed_name_is_a_configuration_error(
    tmp_path: Path, database_url: str, served: dict[str, str]
) -> None:
    config = str(write_config(tmp_path, database_url, served))
    code, output = invoke("--config", config, "fetch", "--feed", "nope")
    assert code == 2
    assert "configuration error" in output
    assert "no feed named 'nope' (known: good, bad)" in output


def test_feeds_check_reports_failures_and_stores_nothing(tmp_path: Path, served: dict[str, str]) -> None:
    database = tmp_path / "never.db"
    config = str(write_config(tmp_path, f"sqlite:///{database}", served))
    code, output = invoke("--config", config, "feeds", "check")
    assert code == 1
    assert "1 of 2 feeds failed the check" in output
    assert re.search(r"good\s*│ ok\s*│ 200\s*│ 1", output)
    assert not database.exists()


def test_feeds_list(tmp_path: Path, database_url: str, served: dict[str, str]) -> None:
    code, output = invoke("--config", str(write_config(tmp_path, database_url, served)), "feeds", "list")
    assert code == 0
    assert "good" in output
    assert served["bad"] in output


def test_db_upgrade_with_the_url_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no feeds.yaml here: the database URL alone is enough
    database = tmp_path / "fresh.db"
    code, output = invoke("--database-url", f"sqlite:///{database}", "db", "upgrade")
    assert code == 0
    assert "up to date" in output
    assert database.exists()


def test_broken_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - name: a\n    url: https://a.example.com/\n    intervall: 5m\n")
    code, output = invoke("--config", str(path), "fetch")
    assert code == 2
    assert output == f"Error: configuration error: {path}, line 4: feed 'a': intervall: unknown key\n"


def test_unreachable_database_is_one_line_and_exit_1(tmp_path: Path, served: dict[str, str]) -> None:
    config = str(write_config(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:9/none", served))
    code, output = invoke("--config", config, "status")
    assert code == 1
    assert output.startswith("Error: cannot read the database at")
    assert output.count("\n") == 1
    code, output = invoke("--config", config, "db", "upgrade")
    assert code == 1
    assert output.startswith("Error: cannot bring the schema up to date")
    assert output.count("\n") == 1


def test_readme_documents_every_command() -> None:
    readme = README.read_text()
    missing = []
    for name, command in cli.commands.items():
        names = [f"{name} {sub}" for sub in getattr(command, "commands", {})] or [name]
        missing += [n for n in names if f"dealpulse {n}" not in readme]
    assert missing == []


def test_readme_documents_every_setting() -> None:
    from pipeline.config import Settings

    readme = README.read_text()
    assert [name for name in Settings.model_fields if f"| `{name}` |" not in readme] == []


@pytest.fixture
def deal_feeds(httpserver: HTTPServer) -> dict[str, str]:
    return serve_one_deal_from_two_outlets(httpserver)


def test_deals_lists_merged_deals_with_filters(
    tmp_path: Path, database_url: str, deal_feeds: dict[str, str]
) -> None:
    import csv
    import io
    import json

    config = str(write_config(tmp_path, database_url, deal_feeds))
    assert invoke("--config", config, "fetch")[0] == 0
    code, output = invoke("--config", config, "deals", "--format", "json")
    assert code == 0
    (deal,) = json.loads(output)
    assert (deal["type"], deal["subtype"], deal["amount"], deal["currency"], deal["outlets"]) == (
        "investment",
        "funding",
        42e6,
        "USD",
        2,
    )
    assert deal["headline"] == "Quillmark raises USD 42M"
    assert sorted(s["outlet"] for s in deal["sources"]) == ["Press", "Wire"]
    assert {s["url"] for s in deal["sources"]} == {u.replace(".xml", "/q") for u in deal_feeds.values()}
    # a second outlet raises the deal above either report's own confidence
    assert 0 < max(s["confidence"] for s in deal["sources"]) < deal["confidence"] <= 1
    above = deal["confidence"] + 0.001
    assert json.loads(invoke("--config", config, "deals", "--format", "json", "--min-confidence", "0")[1])
    assert (
        json.loads(invoke("--config", config, "deals", "--format", "json", "--min-confidence", str(above))[1])
        == []
    )
    assert json.loads(
        invoke("--config", config, "deals", "--format", "json", "--company", "Quillmark Ltd")[1]
    )
    assert json.loads(invoke("--config", config, "deals", "--format", "json", "--type", "launch")[1]) == []
    assert json.loads(invoke("--config", config, "deals", "--format", "json", "--min-usd", "1e9")[1]) == []
    assert (
        json.loads(invoke("--config", config, "deals", "--format", "json", "--since", "2099-01-01")[1]) == []
    )
    rows = list(csv.DictReader(io.StringIO(invoke("--config", config, "deals", "--format", "csv")[1])))
    assert rows[0]["parties"].startswith("Quillmark")
    assert set(rows[0]["source_urls"].split()) == {s["url"] for s in deal["sources"]}
    assert float(rows[0]["confidence"]) == deal["confidence"]
    code, output = invoke("--config", config, "deals")
    assert code == 0
    assert "Quillmark raises USD 42M" in output
    # a subtype is a type too
    assert (
        len(json.loads(invoke("--config", config, "deals", "--format", "json", "--type", "funding")[1])) == 1
    )
    assert (
        json.loads(invoke("--config", config, "deals", "--format", "json", "--type", "acquisition")[1]) == []
    )


def test_reclassify_reports_what_changed(
    tmp_path: Path, database_url: str, deal_feeds: dict[str, str]
) -> None:
    from sqlalchemy import update

    from pipeline.db.engine import make_engine
    from pipeline.db.models import Article

    config = str(write_config(tmp_path, database_url, deal_feeds))
    assert invoke("--config", config, "fetch")[0] == 0
    code, output = invoke("--config", config, "reclassify")
    assert code == 0
    assert output.strip().endswith(
        f"2 articles read with classifier {LEARNED_VERSION}: 0 events added, 0 removed, 0 changed"
    )
    engine = make_engine(database_url)
    with engine.begin() as connection:  # one article now tells a different story
        connection.execute(
            update(Article)
            .where(Article.guid == "p")
            .values(
                title="OpenAI unveils Sora, a text-to-video model",
                summary="",
                text="OpenAI unveiled Sora on Monday.",
            )
        )
    engine.dispose()
    code, output = invoke("--config", config, "reclassify", "--since", "2000-01-01")
    assert code == 0
    assert re.search(r"^\+ article \d+: launch: OpenAI \[Sora", output, re.MULTILINE)
    assert re.search(r"^- article \d+: funding: Quillmark", output, re.MULTILINE)
    assert "1 events added, 1 removed, 0 changed" in output
    code, output = invoke("--config", config, "deals", "--format", "json")
    import json

    deals = {d["type"]: d for d in json.loads(output)}
    assert len(deals["investment"]["sources"]) == 1  # recounted
    assert deals["launch"]["product"].startswith("Sora")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "'not a url' is not a database URL (like sqlite:///"),
        (
            "mysql://root@127.0.0.1/test",
            "mysql is not supported: DealPulse stores its data in SQLite or PostgreSQL",
        ),
        (
            "postgresql+asyncpg://x@127.0.0.1/db",
            "postgresql+asyncpg is not supported: use postgresql+psycopg://",
        ),
    ],
)
def test_a_database_url_dealpulse_cannot_use_is_a_one_line_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = invoke("--database-url", url, "db", "upgrade")
    assert (code, output.count("\n")) == (2, 1)
    assert output.startswith(f"Error: configuration error: --database-url: {message}")
    monkeypatch.setenv("DEALPULSE_DATABASE_URL", url)
    code, output = invoke("db", "upgrade")
    assert (code, output.count("\n")) == (2, 1)
    assert output.startswith("Error: configuration error: environment variable DEALPULSE_DATABASE_URL=")
    assert message in output


def test_postgresql_without_its_driver_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were not installed
    code, output = invoke("--database-url", "postgresql://nobody@127.0.0.1:9/none", "db", "upgrade")
    assert (code, output.count("\n")) == (1, 1)
    assert "pip install 'dealpulse[postgres]'" in output


@pytest.mark.parametrize("value", ["127.0.0.0/8", "127.0.0.0/8, ::1/128", '["127.0.0.0/8", "::1/128"]'])
def test_allowed_networks_from_the_environment_as_a_list_or_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv("DEALPULSE_ALLOWED_NETWORKS", value)
    config = load_config(
        write_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", {"a": "http://127.0.0.1:9/a"})
    )
    expected = ["127.0.0.0/8", "::1/128"] if "::1" in value else ["127.0.0.0/8"]
    assert [str(network) for network in config.settings.allowed_networks] == expected


def test_allowed_networks_that_are_neither_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEALPULSE_ALLOWED_NETWORKS", "[127.0.0.0/8")
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", {"a": "http://127.0.0.1:9/a"})
    code, output = invoke("--config", str(config), "db", "upgrade")
    assert (code, output.count("\n")) == (2, 1)
    assert "DEALPULSE_ALLOWED_NETWORKS" in output
    assert "not a JSON list of networks" in output


def test_relative_paths_in_the_feeds_file_are_relative_to_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served: dict[str, str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "feeds.yaml").write_text(
        "settings:\n  allow_public_addresses: false\n  allowed_networks: ['127.0.0.0/8']\n"
        f"feeds:\n  - name: good\n    url: {served['good']}\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(home)
    assert invoke("fetch")[0] == 0
    monkeypatch.chdir(elsewhere)  # as cron runs it
    code, output = invoke("--config", str(home / "feeds.yaml"), "status")
    assert code == 0, output
    assert "never fetched" not in output
    assert (home / "data" / "dealpulse.db").is_file()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    "command", [("status",), ("deals",), ("digest", "--list"), ("digest", "--preview", "p.html")]
)
def test_commands_that_only_read_create_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feeds.yaml").write_text("feeds:\n  - name: a\n    url: http://127.0.0.1:9/a\n")
    code, output = invoke(*command)
    database = tmp_path / "data" / "dealpulse.db"
    assert (code, output) == (
        1,
        f"Error: no database at {database}: run `dealpulse fetch` or `dealpulse run` first\n",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["feeds.yaml"]


def test_status_of_a_feed_stopped_mid_fetch_a_gone_feed_and_a_new_one(
    tmp_path: Path, database_url: str, served: dict[str, str]
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    store = Store(engine)
    store.feeds.sync([source("good", served["good"]), source("bad", served["bad"])], utc_now())
    assert store.feeds.claim_due("good", utc_now(), timedelta(minutes=30), timedelta(0)) is not None
    with engine.begin() as connection:
        connection.execute(update(Feed).where(Feed.name == "bad").values(disabled_reason="HTTP 410 Gone"))
    engine.dispose()
    config = write_config(tmp_path, database_url, {**served, "new": "http://127.0.0.1:9/new.xml"})
    code, output = invoke("--config", str(config), "status")
    assert code == 0, output
    lines = {line.split("│")[1].strip(): line for line in output.splitlines() if line.count("│") > 3}
    assert "not fetched yet (stopped mid-fetch)" in lines["good"]
    assert re.search(r"gone \(not fetched\).*│\s*never\s*│", lines["bad"])
    assert re.search(r"never fetched.*at the next fetch", lines["new"])


@pytest.fixture
def terminal_80(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The command's tables drawn in an 80-column terminal, into a buffer."""
    screen = io.StringIO()
    monkeypatch.setattr(
        terminal, "out", Console(file=screen, width=80, force_terminal=True, color_system=None)
    )
    return screen


def test_deals_and_status_fit_an_80_column_terminal_with_their_key_columns_whole(
    tmp_path: Path, database_url: str, deal_feeds: dict[str, str], terminal_80: io.StringIO
) -> None:
    feeds = {**deal_feeds, "broken": "http://127.0.0.1:9/" + "a-very-long-path/" * 8 + "feed.xml"}
    config = str(write_config(tmp_path, database_url, feeds))
    assert invoke("--config", config, "fetch")[0] == 0
    terminal_80.seek(0)
    terminal_80.truncate(0)
    assert invoke("--config", config, "deals")[0] == 0
    lines = terminal_80.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    (row,) = [line for line in lines if "Quillmark" in line]
    assert re.search(r"\d{4}-\d{2}-\d{2} .*funding .*42M", row)  # date, kind and amount whole
    terminal_80.seek(0)
    terminal_80.truncate(0)
    assert invoke("--config", config, "status")[0] == 0
    lines = terminal_80.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    broken = [line for line in lines if "broken" in line]
    assert len(broken) == 1  # one line, its error cut to fit, not wrapped over many
    assert "…" in broken[0]
    assert re.search(r"error\s*│", broken[0])


@pytest.mark.parametrize("text", ["", "feeds:\n", "settings:\nfeeds:\nrecipients:\n"])
def test_a_feeds_file_without_feeds_is_accepted_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feeds.yaml").write_text(text)
    code, output = invoke("fetch")
    assert code == 0, output
    assert "warning: no feeds in feeds.yaml: add some under `feeds:`" in output
    assert re.search(r"Fetch cycle: 0 feeds in", output)


def _commands(group: click.Group, prefix: str = "dealpulse") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found.update(_commands(command, path))
        else:
            found[path] = command
    return found


def _options(command: click.Command) -> set[str]:
    return {
        option
        for param in command.params
        if isinstance(param, click.Option)
        for option in param.opts
        if option.startswith("--") and option != "--help"
    }


def test_the_readme_command_reference_matches_every_command_s_help() -> None:
    """Each command of the CLI has a row in the README's table, and the options the rows name are the
    command's options, no more, no fewer."""
    table = README.read_text().split("## Commands", 1)[1].split("\n\n", 2)[1]
    documented: dict[str, set[str]] = {}
    for cell in re.findall(r"^\| `(dealpulse [^`]*)` \|", table, re.MULTILINE):
        words = cell.split()
        path = " ".join(w for w in words[:3] if re.fullmatch(r"[a-z]+", w))
        documented.setdefault(path, set()).update(re.findall(r"--[a-z-]+", cell))
    commands = _commands(cli)
    assert sorted(set(documented) - {"dealpulse"}) == sorted(commands)
    for path, command in commands.items():
        assert documented[path] == _options(command), path
    assert documented["dealpulse"] == {"--version"}
