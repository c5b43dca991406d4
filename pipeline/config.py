"""Settings and feeds: feeds.yaml plus DEALPULSE_* environment variables, validated into typed records.

Precedence, highest first: command-line flags, DEALPULSE_* environment variables, the `settings:` block of
feeds.yaml, the defaults below. Every error names the file and line, or the variable, and the field.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from pipeline import __version__
from pipeline.errors import ConfigError
from pipeline.feedhealth import DEFAULT_BACKOFF
from pipeline.records import EVENT_TYPES, EventType, FeedSource, Recipient
from pipeline.urls import is_http_url

ENV_PREFIX = "DEALPULSE_"
DEFAULT_CONFIG_PATH = Path("feeds.yaml")
MIN_INTERVAL = timedelta(minutes=1)
MAX_INTERVAL = timedelta(days=7)
# Variables with the prefix that are read elsewhere, not settings.
_NON_SETTING_VARIABLES = {"DEALPULSE_CONFIG", "DEALPULSE_TEST_DATABASE_URL"}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_duration(value: object) -> timedelta:
    """A duration from minutes (a number) or text such as "45s", "30m", "2h", "1h30m", "1d".

    Raises ValueError with a message fit for a person.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        return timedelta(minutes=value)
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        parts = _DURATION_PART.findall(text)
        if parts and "".join(n + u for n, u in parts).lower() == text.lower():
            return timedelta(seconds=sum(float(n) * _UNIT_SECONDS[u.lower()] for n, u in parts))
    raise ValueError(f"{value!r} is not a duration like 30m, 2h, 1h30m or a number of minutes")


def _interval(value: object) -> timedelta:
    duration = parse_duration(value)
    if not MIN_INTERVAL <= duration <= MAX_INTERVAL:
        raise ValueError(f"{value!r} is outside the allowed range of 1 minute to 7 days")
    return duration


class Settings(BaseSettings):
    """Run-time settings. Each field is also the environment variable DEALPULSE_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", validate_default=True)

    data_dir: Path = Field(Path("data"), description="Folder for the SQLite database and the outbox.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite file in data_dir.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    user_agent: str = Field(
        f"DealPulse/{__version__} (AI deal news digest; feed reader)",
        description="Sent with every request, so site owners can tell who is fetching.",
    )
    allow_private_addresses: bool = Field(
        False,
        description="Allow fetching from loopback, private and link-local addresses (local use, tests).",
    )
    allow_public_addresses: bool = Field(
        True, description="Off: only allowed_networks are reachable (tests and benchmarks on loopback)."
    )
    allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description="Networks reachable even when private addresses are refused "
        "(in the environment: comma-separated, or a JSON list).",
    )
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to establish a connection.")
    request_timeout: float = Field(30.0, gt=0, description="Seconds for a whole request, redirects included.")
    max_feed_bytes: int = Field(10_000_000, gt=0)
    max_page_bytes: int = Field(5_000_000, gt=0)
    max_redirects: int = Field(5, ge=0, le=20)
    max_new_stories: int = Field(
        200, ge=1, description="New stories taken from one feed per cycle, newest first; the rest next cycle."
    )
    max_connections: int = Field(32, ge=1, description="Requests in flight at once, all hosts together.")
    max_connections_per_host: int = Field(4, ge=1, description="Requests in flight at once to one host.")
    extraction_workers: int = Field(0, ge=0, description="Processes for text extraction; 0: one per core.")
    default_interval: timedelta = Field(
        timedelta(minutes=30), description="Feed interval when a feed sets none."
    )
    misfire_grace: timedelta = Field(
        timedelta(minutes=10), description="How late a scheduled fetch may still run."
    )
    shutdown_grace: float = Field(30.0, ge=0, description="Seconds in-flight work gets to finish on SIGTERM.")
    backoff_max: timedelta = Field(
        DEFAULT_BACKOFF.backoff_max, description="Longest wait between fetches of a failing feed."
    )
    dead_after: timedelta = Field(DEFAULT_BACKOFF.dead_after, description="A feed failing this long is dead.")
    dead_retry: timedelta = Field(
        DEFAULT_BACKOFF.dead_retry, description="How often a dead feed is still tried."
    )
    # the digest e-mail
    mail_from: str = Field("DealPulse <dealpulse@localhost>", description="The digest's From address.")
    outbox_dir: Path | None = Field(
        None,
        description="Folder for digests as .eml files when no smtp_host is set; default data_dir/outbox.",
    )
    smtp_host: str | None = Field(None, description="Mail server; unset: digests go to the outbox folder.")
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls (port 587), tls (implicit, port 465) or none (local relays only)."
    )
    smtp_user: str | None = None
    smtp_password: SecretStr | None = Field(None, description="Environment only: DEALPULSE_SMTP_PASSWORD.")
    smtp_timeout: float = Field(30.0, gt=0, description="Seconds for each step of an SMTP conversation.")
    digest_grace: timedelta = Field(
        timedelta(hours=12),
        description="How late a digest may still go out (the daemon was down at send time).",
    )
    digest_send_empty: bool = Field(False, description="Send a 'no new deals' digest rather than none.")
    digest_max_age: timedelta | None = Field(
        None, description="Leave out deals first reported longer ago than this (e.g. 3d); default: off."
    )
    digest_min_confidence: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Deals less sure than this (0-1) are not in the digest's main list.",
    )
    digest_unconfirmed: Literal["list", "hide"] = Field(
        "list",
        description="Deals below digest_min_confidence: listed at the end as 'Also reported' (list), or not.",
    )
    digest_settings_hint: str = Field(
        "To change what you receive, edit your entry under recipients: in DealPulse's feeds.yaml.",
        description="The footer's line on how to change settings.",
    )
    unsubscribe_url: str | None = Field(
        None, description="https URL for List-Unsubscribe (one-click, RFC 8058); {address} is replaced."
    )
    unsubscribe_mailto: str | None = Field(None, description="Address for List-Unsubscribe by mail.")
    web_listen: str | None = Field(
        None,
        description="HOST:PORT where the daemon serves its web page, /healthz and /metrics (e.g. "
        "127.0.0.1:8080); unset: no web page. Another address than loopback needs web_token.",
    )
    web_token: SecretStr | None = Field(
        None, description="Environment only: DEALPULSE_WEB_TOKEN, asked of every request off loopback."
    )
    test_mode: bool = Field(
        False,
        description="For test suites and trials, never in service: a dead sender's lease ends 0.5 s after "
        "the SMTP deadline (not 5 s), feeds start at once (not spread over 10 s), the daemon looks for due "
        "digests every second (not 30 s), and an undelivered digest is retried after a second (not a "
        "minute).",
    )

    @field_validator("default_interval", mode="before")
    @classmethod
    def _check_interval(cls, value: object) -> timedelta:
        return value if isinstance(value, timedelta) else _interval(value)

    @field_validator(
        "misfire_grace",
        "digest_grace",
        "digest_max_age",
        "backoff_max",
        "dead_after",
        "dead_retry",
        mode="before",
    )
    @classmethod
    def _check_duration(cls, value: object) -> timedelta | None:
        return value if value is None or isinstance(value, timedelta) else parse_duration(value)

    @field_validator("allowed_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):  # from the environment: "10.0.0.0/8, ::1/128" or '["10.0.0.0/8"]'
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except ValueError:
                    raise ValueError(f"{value!r} is not a JSON list of networks") from None
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("web_listen")
    @classmethod
    def _check_web_listen(cls, value: str | None) -> str | None:
        if value is None:
            return None
        listen_address(value)
        return value.strip()

    @model_validator(mode="after")
    def _token_off_loopback(self) -> Settings:
        if self.web_listen:
            try:
                web_address(self.web_listen, has_token=self.web_token is not None)
            except ValueError as exc:
                raise ValueError(f"web_listen {exc}") from None
        return self

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        return None if value is None else database_url(value)

    @field_validator("mail_from", "unsubscribe_mailto")
    @classmethod
    def _check_address(cls, value: str | None) -> str | None:
        return None if value is None else mail_address(value)

    @field_validator("unsubscribe_url")
    @classmethod
    def _check_unsubscribe_url(cls, value: str | None) -> str | None:
        if value is not None and not is_http_url(value):
            raise ValueError(f"{value!r} is not an absolute http(s) URL")
        return value

    @property
    def outbox(self) -> Path:
        return self.outbox_dir or self.data_dir / "outbox"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment outranks the file's settings block, which arrives as init arguments.
        return (env_settings, init_settings)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dealpulse.db').resolve()}"


class _FeedModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    url: str
    interval: timedelta | None = None
    enabled: bool = True
    tags: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not is_http_url(value.strip()):
            raise ValueError(f"{value!r} is not an absolute http(s) URL")
        return value.strip()

    @field_validator("interval", mode="before")
    @classmethod
    def _check_interval(cls, value: object) -> timedelta | None:
        return None if value is None else _interval(value)


class _RecipientModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str
    timezone: str = "UTC"
    send_at: time = time(7, 0)
    types: list[EventType] = Field(default_factory=lambda: list(EVENT_TYPES), min_length=1)
    min_usd: float | None = Field(None, ge=0)
    companies: list[str] = Field(default_factory=list)
    notify: list[str] = Field(default_factory=list)
    notify_when: Literal["digest", "each"] = "digest"

    @field_validator("notify")
    @classmethod
    def _check_notify(cls, value: list[str]) -> list[str]:
        for url in value:
            notification_url(url)
        return [url.strip() for url in value]

    @field_validator("address")
    @classmethod
    def _check_address(cls, value: str) -> str:
        return mail_address(value)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (like Europe/Berlin or UTC)") from None
        return value

    @field_validator("send_at", mode="before")
    @classmethod
    def _check_send_at(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 07:30 as the number 450 (minutes, in base 60)
            value = f"{value // 60:02d}:{value % 60:02d}" if 0 <= value < 24 * 60 else value
        if isinstance(value, str) and not re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
            raise ValueError(f"{value!r} is not a time of day like 07:30")
        return value


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: dict[str, Any] = Field(default_factory=dict)
    feeds: list[_FeedModel] = Field(default_factory=list)
    recipients: list[_RecipientModel] = Field(default_factory=list)

    @field_validator("settings", "feeds", "recipients", mode="before")
    @classmethod
    def _nothing_is_empty(cls, value: object, info: ValidationInfo) -> object:
        """A key with nothing under it (`feeds:`, as a new file has) is empty, not an error."""
        if value is not None:
            return value
        return {} if info.field_name == "settings" else []


@dataclass(frozen=True, slots=True)
class Config:
    """Everything loaded at start-up: where it came from, the settings and the feeds."""

    path: Path
    settings: Settings
    feeds: tuple[FeedSource, ...]
    recipients: tuple[Recipient, ...] = ()

    def feed(self, name: str) -> FeedSource:
        for feed in self.feeds:
            if feed.name == name:
                return feed
        raise ConfigError(
            f"{self.path}: no feed named {name!r} (known: {', '.join(f.name for f in self.feeds)})"
        )


def load_config(path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read and validate feeds.yaml and the environment. Raises ConfigError naming file, line and field."""
    path = path or Path(os.environ.get("DEALPULSE_CONFIG", DEFAULT_CONFIG_PATH))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (pass --config PATH or set DEALPULSE_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    raw, lines = _load_yaml(path, text)
    try:
        model = _FileModel.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc, raw, lines)) from None
    settings = _load_settings(path, model.settings, lines)
    if overrides:
        settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    feeds = _feed_sources(path, model, lines, settings.default_interval)
    return Config(path=path, settings=settings, feeds=feeds, recipients=_recipients(path, model, lines))


def _recipients(path: Path, model: _FileModel, lines: dict[tuple[Any, ...], int]) -> tuple[Recipient, ...]:
    seen: dict[str, int] = {}
    recipients = []
    for index, entry in enumerate(model.recipients):
        key = entry.address.lower()
        if key in seen:
            line = lines.get(("recipients", index, "address"), "?")
            first = lines.get(("recipients", seen[key]), "?")
            raise ConfigError(
                f"{path}, line {line}: recipient {entry.address!r}: address: listed twice, "
                f"first on line {first}"
            )
        seen[key] = index
        recipients.append(
            Recipient(
                address=entry.address,
                timezone=entry.timezone,
                send_at=entry.send_at,
                types=tuple(t for t in EVENT_TYPES if t in entry.types),
                min_usd=entry.min_usd,
                companies=tuple(entry.companies),
                notify=tuple(entry.notify),
                notify_when=entry.notify_when,
            )
        )
    return tuple(recipients)


def notification_url(value: str) -> str:
    """An Apprise URL (slack://, msteams://, json://, ntfy:// ...), or ValueError saying why not. Checked
    by Apprise itself, which makes no request to check it."""
    import apprise  # noqa: PLC0415 - 85 ms at start-up, paid only by a file that lists notify: URLs

    if apprise.Apprise.instantiate(value.strip()) is None:
        # the URL itself may hold a token (slack://T1/B2/...): only its scheme is shown
        scheme = value.strip().split("://", 1)[0] if "://" in value else "(none)"
        raise ValueError(
            f"a {scheme}:// URL that Apprise does not take (unknown service, or its tokens are missing; "
            "see https://github.com/caronc/apprise/wiki)"
        )
    return value.strip()


DEFAULT_WEB_LISTEN = "127.0.0.1:8080"


def listen_address(value: str) -> tuple[str, int]:
    """(host, port) of "HOST:PORT" ("127.0.0.1:8080", "[::1]:8080"), or ValueError saying why not."""
    match = re.fullmatch(r"\s*(?:\[([0-9a-fA-F:.]+)\]|([^:\s\[\]]+)):(\d{1,5})\s*", value)
    if not match or not 1 <= int(match.group(3)) <= 65535:
        raise ValueError(f"{value!r} is not HOST:PORT (like 127.0.0.1:8080 or [::1]:8080)")
    return match.group(1) or match.group(2), int(match.group(3))


def web_address(listen: str, *, has_token: bool) -> tuple[str, int]:
    """(host, port) the web page may listen on: HOST:PORT, and off loopback only with a token; else
    ValueError saying why."""
    host, port = listen_address(listen)
    if not is_loopback(host) and not has_token:
        raise ValueError(
            f"{listen.strip()} is not a loopback address: set DEALPULSE_WEB_TOKEN, "
            "which every request must then give"
        )
    return host, port


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def database_url(value: str) -> str:
    """A database URL DealPulse can use, or ValueError saying why not. postgresql:// means psycopg 3 (the
    driver the postgres extra installs), not SQLAlchemy's default psycopg2."""
    try:
        url = make_url(value.strip())
    except ArgumentError:
        raise ValueError(
            f"{value!r} is not a database URL (like sqlite:///data/dealpulse.db or "
            "postgresql://user@host/dbname)"
        ) from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"{backend} is not supported: DealPulse stores its data in SQLite or PostgreSQL")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "postgresql" and url.drivername != "postgresql+psycopg":
        raise ValueError(f"{url.drivername} is not supported: use postgresql+psycopg:// (psycopg 3)")
    return url.render_as_string(hide_password=False)


def mail_address(value: str) -> str:
    """A single e-mail address, optionally with a display name ("DealPulse <d@example.com>")."""
    text = value.strip()
    _, address = email.utils.parseaddr(text)
    if _CONTROL.search(value) or not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", address):
        raise ValueError(f"{value!r} is not an e-mail address")
    return text


def _load_settings(path: Path, block: dict[str, Any], lines: dict[tuple[Any, ...], int]) -> Settings:
    env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
    _check_unknown_environment(env)
    for secret in ("smtp_password", "web_token"):
        if secret in block:
            line = lines.get(("settings", secret))
            raise ConfigError(
                f"{path}, line {line}: settings.{secret}: a secret is not read from files; "
                f"set the environment variable {ENV_PREFIX}{secret.upper()}"
            )
    if path.is_file():
        block = relative_to_folder(block, path.resolve().parent)
    try:
        return Settings(**block)
    except SettingsError as exc:  # a value pydantic-settings could not even decode (a list that is not JSON)
        raise ConfigError(f"{exc} ({_variable_named(str(exc))})") from None
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            variable = ENV_PREFIX + field.upper()
            if variable in env:
                shown = "***" if "PASSWORD" in variable else repr(env[variable])  # never echo a secret
                messages.append(f"environment variable {variable}={shown}: {_message(error)}")
            else:
                line = lines.get(("settings", field)) or lines.get(("settings",))
                where = f"{path}, line {line}" if line else str(path)
                messages.append(f"{where}: settings.{field}: {_message(error)}")
        raise ConfigError("; ".join(messages)) from None


def relative_to_folder(block: Mapping[str, Any], folder: Path) -> dict[str, Any]:
    """The settings block with its relative paths (data_dir, outbox_dir, a SQLite file in database_url)
    taken from folder, the feeds file's own, and data_dir defaulting to folder/data: the same files
    whatever folder a command is run from (cron's is not the user's). The environment's paths are left
    to mean what they mean in the shell."""
    settled = dict(block)
    for key in ("data_dir", "outbox_dir"):
        value = settled.get(key)
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            settled[key] = folder / value
    settled.setdefault("data_dir", folder / "data")
    url = settled.get("database_url")
    if isinstance(url, str) and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        database = url.removeprefix("sqlite:///").split("?")[0]
        if database and database != ":memory:":
            settled["database_url"] = f"sqlite:///{folder / database}" + url[len("sqlite:///" + database) :]
    return settled


def _variable_named(message: str) -> str:
    found = re.search(r'field "(\w+)"', message)
    return f"environment variable {ENV_PREFIX}{found[1].upper()}" if found else "the environment"


def _check_unknown_environment(env: Mapping[str, str]) -> None:
    """A misspelt variable would otherwise be ignored without a word."""
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields} | _NON_SETTING_VARIABLES
    unknown = sorted(k for k in env if k not in known)
    if unknown:
        names = ", ".join(sorted(known - _NON_SETTING_VARIABLES))
        raise ConfigError(f"unknown environment variable {unknown[0]} (known: {names})")


def _feed_sources(
    path: Path, model: _FileModel, lines: dict[tuple[Any, ...], int], default_interval: timedelta
) -> tuple[FeedSource, ...]:
    seen: dict[str, int] = {}
    feeds = []
    for index, feed in enumerate(model.feeds):
        if feed.name in seen:
            first = lines.get(("feeds", seen[feed.name]), "?")
            line = lines.get(("feeds", index, "name"), "?")
            raise ConfigError(
                f"{path}, line {line}: feed {feed.name!r}: name: duplicate name, first used on line {first}"
            )
        seen[feed.name] = index
        feeds.append(
            FeedSource(
                name=feed.name,
                url=feed.url,
                interval=feed.interval or default_interval,
                enabled=feed.enabled,
                tags=tuple(feed.tags),
            )
        )
    return tuple(feeds)


def _load_yaml(path: Path, text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The document and the line (1-based) of every mapping key and sequence item, by path."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    if node is None:
        return {}, {}
    lines: dict[tuple[Any, ...], int] = {}
    for key_path, line in _walk(path, node, ()):
        lines.setdefault(key_path, line)
    data = yaml.SafeLoader(text).get_single_data()
    if not isinstance(data, dict):
        raise ConfigError(f"{path}, line 1: expected a mapping with 'feeds:' (and optionally 'settings:')")
    return data, lines


def _walk(path: Path, node: yaml.Node, prefix: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], int]]:
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in keys:
                raise ConfigError(f"{path}, line {line}: key {key!r} repeats the one on line {keys[key]}")
            keys[key] = line
            yield (*prefix, key), line
            yield from _walk(path, value_node, (*prefix, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield (*prefix, index), item.start_mark.line + 1
            yield from _walk(path, item, (*prefix, index))


# the lists of feeds.yaml, with what an item is called in errors and the key that names it
_LISTS = {"feeds": ("feed", "name"), "recipients": ("recipient", "address")}


def _describe(path: Path, exc: ValidationError, raw: Any, lines: dict[tuple[Any, ...], int]) -> str:
    messages = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines), None)
        where = f"{path}, line {line}" if line else str(path)
        subject = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] in _LISTS and isinstance(loc[1], int):
            noun, naming_key = _LISTS[loc[0]]
            item = raw[loc[0]][loc[1]]
            name = item.get(naming_key) if isinstance(item, dict) else None
            label = f"{noun} {name!r}" if name else f"{noun} #{loc[1] + 1}"
            subject = f"{label}: {'.'.join(str(p) for p in loc[2:]) or 'entry'}"
        messages.append(f"{where}: {subject}: {_message(error)}")
    return "; ".join(messages)


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def load_settings_only() -> Settings:
    """Settings from the environment alone, for tools that have no feeds file (the alembic command line)."""
    return _load_settings(Path("<environment>"), {}, {})
