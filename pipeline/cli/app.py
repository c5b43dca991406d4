"""The `dealpulse` command group: its global options, and DealPulse's errors turned into one line and an exit
code. The commands are added by the modules of this package, by what they are for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from pipeline import __version__
from pipeline.cli import terminal
from pipeline.config import (
    DEFAULT_CONFIG_PATH,
    Config,
    Settings,
    database_url,
    load_config,
    load_settings_only,
)
from pipeline.errors import ConfigError, DealPulseError


@dataclass(frozen=True, slots=True)
class Options:
    config_path: Path | None
    database_url: str | None

    def config(self) -> Config:
        return load_config(self.config_path, overrides={"database_url": self._database_url()})

    def _database_url(self) -> str | None:
        if self.database_url is None:
            return None
        try:
            return database_url(self.database_url)
        except ValueError as exc:
            raise ConfigError(f"--database-url: {exc}") from None

    def settings(self) -> Settings:
        """Settings for commands that can run without a feeds file (db upgrade)."""
        path = self.config_path or DEFAULT_CONFIG_PATH
        if self.config_path is not None or path.exists():
            return self.config().settings
        settings = load_settings_only()
        url = self._database_url()
        return settings.model_copy(update={"database_url": url}) if url else settings


class DealPulseGroup(click.Group):
    """Turns DealPulse's own errors into a one-line message and an exit code: 2 for configuration, 1 else."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise ConfigFailure(f"configuration error: {exc}") from None
        except DealPulseError as exc:
            raise CommandFailure(str(exc)) from None


class CommandFailure(click.ClickException):
    exit_code = 1


class ConfigFailure(click.ClickException):
    exit_code = 2


@click.group(cls=DealPulseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dealpulse")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    envvar="DEALPULSE_CONFIG",
    help="The feeds file (default: ./feeds.yaml; env DEALPULSE_CONFIG).",
)
@click.option(
    "--database-url", help="SQLAlchemy database URL; overrides DEALPULSE_DATABASE_URL and the file."
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, database_url: str | None) -> None:
    """DealPulse follows AI deals in the news: it fetches feeds, stores each story's full text, finds the
    investments, partnerships and launches in them, and mails a daily digest of the new deals."""
    ctx.obj = Options(config_path, database_url)
    for console in (terminal.out, terminal.err):
        if not console.is_terminal:  # piped or captured: tables as wide as their content, not 80 columns
            console.width = max(console.width, 200)


def main() -> None:
    cli(prog_name="dealpulse")
