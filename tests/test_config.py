"""feeds.yaml and DEALPULSE_* variables: good files load; each broken kind names file, line and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from pipeline.config import Settings, load_config, parse_duration
from pipeline.errors import ConfigError

GOOD = """\
settings:
  log_level: DEBUG
  max_connections_per_host: 2
feeds:
  - name: alpha          # a comment
    url: https://alpha.example.com/feed.xml
  - name: beta
    url: https://beta.example.com/rss
    interval: 1h30m
    enabled: false
    tags: [press, de]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    alpha, beta = config.feeds
    assert alpha.interval == timedelta(minutes=30)  # the default
    assert alpha.enabled
    assert beta.interval == timedelta(minutes=90)
    assert not beta.enabled
    assert beta.tags == ("press", "de")
    assert config.settings.log_level == "DEBUG"
    assert config.settings.max_connections_per_host == 2
    assert config.settings.effective_database_url.endswith("data/dealpulse.db")


def test_environment_overrides_the_settings_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALPULSE_LOG_LEVEL", "ERROR")
    monkeypatch.setenv("DEALPULSE_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("DEALPULSE_ALLOW_PRIVATE_ADDRESSES", "1")
    config = load_config(write(tmp_path, GOOD))
    assert config.settings.log_level == "ERROR"
    assert config.settings.effective_database_url == "sqlite:////tmp/elsewhere.db"
    assert config.settings.allow_private_addresses is True
    assert config.settings.max_connections_per_host == 2  # from the file, not overridden


def test_command_line_overrides_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALPULSE_DATABASE_URL", "sqlite:////tmp/env.db")
    config = load_config(write(tmp_path, GOOD), overrides={"database_url": "sqlite:////tmp/flag.db"})
    assert config.settings.effective_database_url == "sqlite:////tmp/flag.db"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feeds:\n  - name: a\n    url: [unclosed\n", r"feeds\.yaml, line \d: not valid YAML"),
        (
            "feeds:\n  - name: a\n    url: https://a.example.com/\n    colour: red\n",
            r"feeds\.yaml, line 4: feed 'a': colour: unknown key",
        ),
        (
            "feeds:\n  - name: a\n    interval: 5m\n",
            r"feeds\.yaml, line 2: feed 'a': url: required field is missing",
        ),
        (
            "feeds:\n  - name: a\n    url: https://a.example.com/\n  - name: a\n    url: https://b.example.com/\n",
            r"feeds\.yaml, line 4: feed 'a': name: duplicate name, first used on line 2",
        ),
        (
            "feeds:\n  - name: a\n    url: https://a.example.com/\n    interval: soon\n",
            r"line 4: feed 'a': interval: 'soon' is not a duration",
        ),
        (
            "feeds:\n  - name: a\n    url: https://a.example.com/\n    interval: 10s\n",
            r"line 4: feed 'a': interval: '10s' is outside the allowed range",
        ),
        (
            "feeds:\n  - name: a\n    url: https://a.example.com/\n    interval: -5\n",
            r"line 4: feed 'a': interval: -5 is outside the allowed range",
        ),
        (
            "feeds:\n  - name: a\n    url: ftp://a.example.com/\n",
            r"line 3: feed 'a': url: 'ftp://a.example.com/' is not",
        ),
        ("feeds:\n  - url: https://a.example.com/\n", r"line 2: feed #1: name: required field is missing"),
        ("settings:\n  log_level: LOUD\nfeeds: []\n", r"line 2: settings\.log_level: Input should be"),
        ("settings:\n  colour: red\nfeeds: []\n", r"line 2: settings\.colour: unknown key"),
        ("feeds: []\nfeeds: []\n", r"line 2: key 'feeds' repeats the one on line 1"),
        ("- just\n- a list\n", r"line 1: expected a mapping"),
        (
            "feeds:\n  - name: a\n    url: https://a.example.com/\n    enabled: perhaps\n",
            r"line 4: feed 'a': enabled: Input should be a valid boolean",
        ),
        (
            "feeds: []\nrecipients:\n  - address: ana@example.com\n    timezone: Europe/Berlinn\n",
            r"line 4: recipient 'ana@example.com': timezone: 'Europe/Berlinn' is not an IANA time zone",
        ),
        (
            "feeds: []\nrecipients:\n  - address: ana@example.com\n    send_at: 7h\n",
            r"line 4: recipient 'ana@example.com': send_at: '7h' is not a time of day like 07:30",
        ),
        (
            "feeds: []\nrecipients:\n  - address: ana@example.com\n    types: [funding]\n",
            r"line 4: recipient 'ana@example.com': types\.0: Input should be 'investment'",
        ),
        (
            "feeds: []\nrecipients:\n  - address: not-an-address\n",
            r"line 3: recipient 'not-an-address': address: 'not-an-address' is not an e-mail address",
        ),
        (
            "feeds: []\nrecipients:\n  - address: a@example.com\n  - address: A@example.com\n",
            r"line 4: recipient 'A@example.com': address: listed twice, first on line 3",
        ),
        (
            "settings:\n  smtp_password: hunter2\nfeeds: []\n",
            r"line 2: settings\.smtp_password: a secret is not read from files; "
            r"set the environment variable DEALPULSE_SMTP_PASSWORD",
        ),
        ("settings:\n  smtp_security: ssl\nfeeds: []\n", r"line 2: settings\.smtp_security: Input should be"),
        (
            'settings:\n  mail_from: "x@y.example.com\\r\\nBcc: z@z.example.com"\nfeeds: []\n',
            r"line 2: settings\.mail_from: .* is not an e-mail",
        ),
    ],
)
def test_broken_files_name_file_line_feed_and_field(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.yaml: file not found"):
        load_config(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEALPULSE_MAX_REDIRECTS", "many", r"environment variable DEALPULSE_MAX_REDIRECTS='many'"),
        ("DEALPULSE_LOG_LEVEL", "LOUD", r"environment variable DEALPULSE_LOG_LEVEL='LOUD'"),
        ("DEALPULSE_DATABSE_URL", "sqlite://", r"unknown environment variable DEALPULSE_DATABSE_URL"),
        ("DEALPULSE_ALLOWED_NETWORKS", '["not a network"]', r"DEALPULSE_ALLOWED_NETWORKS"),
    ],
)
def test_bad_environment_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, GOOD))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (30, timedelta(minutes=30)),
        (1.5, timedelta(seconds=90)),
        ("45s", timedelta(seconds=45)),
        ("2h", timedelta(hours=2)),
        ("1h30m", timedelta(minutes=90)),
        ("1d", timedelta(days=1)),
        ("15 m", timedelta(minutes=15)),
    ],
)
def test_parse_duration(value: object, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "h", "1x", "1h30", True, None, "m30"])
def test_parse_duration_rejects(value: object) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(value)


def test_shipped_feeds_file_is_valid() -> None:
    config = load_config(Path(__file__).parents[1] / "feeds.yaml")
    assert len(config.feeds) >= 12
    assert all(feed.url.startswith("https://") for feed in config.feeds)
    assert [r.address for r in config.recipients] == ["you@localhost"]
    assert config.settings.smtp_host is None  # digests go to the outbox with nothing configured


def test_recipients_with_every_option(tmp_path: Path) -> None:
    text = (
        "feeds: []\nrecipients:\n  - address: Ana <ana@example.com>\n    timezone: America/New_York\n"
        "    send_at: 06:30\n    types: [launch, investment]\n    min_usd: 5e6\n    companies: [Mistral]\n"
        "  - address: bob@example.com\n"
    )
    ana, bob = load_config(write(tmp_path, text)).recipients
    assert (ana.timezone, ana.send_at.isoformat(), ana.types) == (
        "America/New_York",
        "06:30:00",
        ("investment", "launch"),
    )
    assert (ana.min_usd, ana.companies) == (5e6, ("Mistral",))
    assert (bob.timezone, bob.send_at.isoformat(), bob.types) == (
        "UTC",
        "07:00:00",
        ("investment", "partnership", "launch"),
    )


def test_smtp_password_from_the_environment_is_never_echoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALPULSE_SMTP_PASSWORD", "hunter2")
    config = load_config(write(tmp_path, GOOD))
    assert config.settings.smtp_password is not None
    assert config.settings.smtp_password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(config.settings)
    monkeypatch.setenv("DEALPULSE_SMTP_PORT", "hunter2")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, GOOD))
    assert "DEALPULSE_SMTP_PORT" in str(caught.value)


def test_the_web_page_listens_off_loopback_only_with_a_token() -> None:
    assert Settings(web_listen="127.0.0.1:8080").web_listen == "127.0.0.1:8080"
    assert Settings(web_listen="[::1]:8080").web_listen == "[::1]:8080"
    with pytest.raises(ValidationError, match=r"web_listen 0\.0\.0\.0:8080 is not a loopback address"):
        Settings(web_listen="0.0.0.0:8080")
    assert Settings(web_listen="0.0.0.0:8080", web_token=SecretStr("t")).web_listen == "0.0.0.0:8080"
    with pytest.raises(ValidationError, match="is not HOST:PORT"):
        Settings(web_listen="8080")
