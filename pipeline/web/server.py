"""The web page served: by the daemon beside its work (`web_listen`), or alone (`dealpulse serve`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from pipeline.config import Config, listen_address
from pipeline.db.figures import stored_figures
from pipeline.db.store import Store
from pipeline.errors import DealPulseError
from pipeline.metrics import Metrics
from pipeline.stopping import STOP_SIGNALS
from pipeline.web.app import WebContext, make_app
from pipeline.web.health import stale_after

log = logging.getLogger(__name__)


class WebError(DealPulseError):
    """The web page cannot listen where it was told to."""


class WebServer:
    def __init__(self, context: WebContext, listen: str) -> None:
        self._context = context
        self._host, self._port = listen_address(listen)

    @classmethod
    def of(cls, config: Config, store: Store, listen: str) -> WebServer:
        token = config.settings.web_token
        context = WebContext(
            store=store,
            metrics=Metrics(lambda: stored_figures(store.engine)),
            token=token.get_secret_value() if token else None,
            late_after=stale_after(config.feeds, config.settings.misfire_grace),
        )
        return cls(context, listen)

    @property
    def metrics(self) -> Metrics:
        return self._context.metrics

    async def start(self, scheduler_running: Callable[[], bool] | None = None) -> web.AppRunner:
        """Listen; returns the runner to clean up at the end. A taken or forbidden address is a one-line
        WebError."""
        self._context.scheduler_running = scheduler_running
        runner = web.AppRunner(make_app(self._context), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port).start()
        except OSError as exc:
            await runner.cleanup()
            raise WebError(f"web page on {self._host}:{self._port}: {exc.strerror or exc}") from None
        host = f"[{self._host}]" if ":" in self._host else self._host
        log.info("web page on http://%s:%d/ (/healthz, /metrics)", host, self._port)
        return runner

    async def serve_until_stopped(self) -> None:
        """Serve until SIGTERM or Ctrl-C (`dealpulse serve`)."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, stop.set)
        runner = await self.start()
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)
