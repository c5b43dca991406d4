"""The `dealpulse` command's entry point (and `python -m pipeline`), kept light to import on purpose.

Every worker process re-imports the main script (multiprocessing does, so functions defined in it can be
found). The console script's only import is this module: if it were `pipeline.cli`, each worker would load
the whole application (SQLAlchemy, aiohttp, APScheduler, rich), about a second of CPU per worker at every
start and every recycle of the pool, instead of the forkserver's parsers alone."""


def main() -> None:
    from pipeline.cli import main as cli_main  # noqa: PLC0415 - imported late on purpose (see above)

    cli_main()


if __name__ == "__main__":
    main()
