"""The `dealpulse` command line, by command group. The only package that configures logging and wires the
parts together; `app` holds the group and its options, `terminal` what the commands print with."""

from pipeline.cli import digest, events, feeds, running  # noqa: F401 - each adds its commands to `cli`
from pipeline.cli.app import cli, main

__all__ = ["cli", "main"]
