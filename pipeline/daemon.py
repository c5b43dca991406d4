"""The daemon: an APScheduler 3 loop that fetches each feed on its own interval and sends the digests.
A thin shell over ingest and the digest service.

Jobs are re-added at every start with fixed ids (the scheduler keeps them in memory only); the database
decides whether a feed is due, so a restart does not refetch early and several daemons sharing one
PostgreSQL fetch each feed once per interval. The digest job runs every DIGEST_TICK (and at start): the
ledger decides which recipient's digest is due, in their zone, so a late start, a DST change or a second
daemon changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.clock import utc_now
from pipeline.config import Config
from pipeline.digest.service import DIGEST_TICK, TEST_DIGEST_TICK, DigestService
from pipeline.ingest import Ingestor
from pipeline.metrics import Metrics
from pipeline.notify import NotificationService
from pipeline.records import FeedSource, FeedState
from pipeline.stopping import STOP_SIGNALS
from pipeline.text import plural

log = logging.getLogger(__name__)
# Spread the first fetches of a freshly started daemon over this many seconds.
START_SPREAD_SECONDS = 10.0
# A stop signal this soon after the first is the same request: `timeout` and `kill -- -PGID` deliver one
# signal twice, to the daemon and again through its process group.
REPEAT_WINDOW_SECONDS = 1.0


class StopAction(Enum):
    STOP = "stop"  # pause the scheduler, let in-flight work finish (up to shutdown_grace)
    SAME = "same"  # the request already being served, delivered again
    FORCE = "force"  # asked again: cancel in-flight work now


def stop_action(first_request_at: float | None, now: float) -> StopAction:
    """What a stop signal received at `now` means, given when the first one came (None: none yet). Pure."""
    if first_request_at is None:
        return StopAction.STOP
    if now - first_request_at < REPEAT_WINDOW_SECONDS:
        return StopAction.SAME
    return StopAction.FORCE


def jitter_for(interval: timedelta) -> float:
    """Seconds of random jitter for a feed: a tenth of its interval, at most a minute."""
    return min(60.0, interval.total_seconds() / 10)


class WebPage(Protocol):
    """The web page the daemon serves beside its work, and the metrics it keeps for it."""

    @property
    def metrics(self) -> Metrics: ...

    async def start(self, scheduler_running: Callable[[], bool]) -> web.AppRunner: ...


class FeedSchedule(Protocol):
    """What the daemon reads and claims of the feeds table."""

    def states(self, names: Iterable[str] | None = None) -> list[FeedState]: ...

    def claim_due(
        self, name: str, now: datetime, interval: timedelta, early: timedelta
    ) -> FeedState | None: ...


class Daemon:
    def __init__(
        self,
        config: Config,
        feeds: FeedSchedule,
        ingestor: Ingestor,
        digests: DigestService | None = None,
        *,
        database: str = "",
        web: WebPage | None = None,
        notifications: NotificationService | None = None,
    ) -> None:
        self._config = config
        self._feeds = feeds
        self._database = database  # for the start-up line, its password hidden
        self._web = web
        self._notifications = notifications
        self._ingestor = ingestor
        self._digests = digests
        self._in_flight: set[asyncio.Task[object]] = set()
        self.stopping = asyncio.Event()
        self._forced = asyncio.Event()  # a second stop request: do not wait out the grace
        self._stop_requested_at: float | None = None

    async def run(self) -> None:
        """Run until SIGTERM or SIGINT, then let in-flight fetches finish (up to shutdown_grace; a second
        signal, a second or more after the first, cancels them at once)."""
        settings = self._config.settings
        scheduler = AsyncIOScheduler(
            timezone="UTC",
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(settings.misfire_grace.total_seconds()),
            },
        )
        due = {state.name: state.next_fetch_at for state in self._feeds.states()}
        now = utc_now()
        feeds = [feed for feed in self._config.feeds if feed.enabled]
        start_spread = 0.0 if settings.test_mode else START_SPREAD_SECONDS
        digest_tick = TEST_DIGEST_TICK if settings.test_mode else DIGEST_TICK
        for feed in feeds:
            spread = timedelta(seconds=random.uniform(0, start_spread))  # noqa: S311 - not security
            first = max(now, due.get(feed.name) or now) + spread
            scheduler.add_job(
                self._fetch_job,
                IntervalTrigger(seconds=feed.interval.total_seconds(), jitter=jitter_for(feed.interval)),
                args=[feed],
                id=f"feed:{feed.name}",
                name=f"fetch {feed.name}",
                replace_existing=True,
                next_run_time=first,
            )
        if self._digests is not None and self._config.recipients:
            scheduler.add_job(
                self._digest_job,
                IntervalTrigger(seconds=digest_tick.total_seconds()),
                id="digests",
                name="send due digests",
                replace_existing=True,
                next_run_time=now,
            )
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self._request_stop, sig)
        # listening first: a taken address stops the start before any job runs
        runner = (
            await self._web.start(lambda: scheduler.running and not self.stopping.is_set())
            if self._web
            else None
        )
        scheduler.start()
        recipients = len(self._config.recipients) if self._digests is not None else 0
        log.info(
            "daemon started: %d %s scheduled, %d digest %s, database %s",
            len(feeds),
            plural(len(feeds), "feed"),
            recipients,
            plural(recipients, "recipient"),
            self._database,
        )
        try:
            await self.stopping.wait()
        finally:
            # Pause, drain, then shut down: APScheduler's asyncio executor cancels running jobs on
            # shutdown, which would cut in-flight fetches short.
            scheduler.pause()
            # the handlers stay during the drain: a repeated signal must not kill the process mid-write
            await self._drain(settings.shutdown_grace)
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)
            scheduler.shutdown(wait=False)
            if runner is not None:
                await runner.cleanup()
        log.info("daemon stopped")

    def _request_stop(self, sig: signal.Signals) -> None:
        now = time.monotonic()
        action = stop_action(self._stop_requested_at, now)
        if action is StopAction.STOP:
            self._stop_requested_at = now
            log.info(
                "received %s: stopping after in-flight fetches (%d); send it again to cancel them now",
                sig.name,
                len(self._in_flight),
            )
            self.stopping.set()
        elif action is StopAction.SAME:
            log.info("received %s again: already stopping", sig.name)
        elif not self._forced.is_set():
            log.warning(
                "received %s again: cancelling %d in-flight fetches now", sig.name, len(self._in_flight)
            )
            self._forced.set()

    async def _drain(self, grace: float) -> None:
        """Wait for the in-flight jobs until they end, the grace runs out or a second stop request comes;
        then cancel what still runs."""
        running = set(self._in_flight)
        if not running:
            return
        all_done = asyncio.ensure_future(asyncio.wait(running))  # cancelling this wait cancels no job
        forced = asyncio.ensure_future(self._forced.wait())
        await asyncio.wait({all_done, forced}, timeout=grace, return_when=asyncio.FIRST_COMPLETED)
        all_done.cancel()
        forced.cancel()
        pending = {task for task in running if not task.done()}
        for task in pending:
            task.cancel()  # a cancelled fetch leaves no half-written article: each is one transaction
        if pending:
            why = "on a second stop request" if self._forced.is_set() else f"after {grace:.0f} s"
            log.warning("cancelled %d fetches still running %s", len(pending), why)
            await asyncio.wait(pending)

    @contextlib.contextmanager
    def _tracked(self, job: str) -> Iterator[None]:
        """Count the running job as in flight, so that a shutdown waits for it. A job the shutdown cancels
        ends quietly: APScheduler would log the cancellation as a failed job, with a traceback."""
        task = asyncio.current_task()
        assert task is not None
        self._in_flight.add(task)
        try:
            yield
        except asyncio.CancelledError:
            if not self.stopping.is_set():
                raise  # not the shutdown's doing
            log.info("%s cancelled by the stop", job)
        finally:
            self._in_flight.discard(task)

    async def _fetch_job(self, feed: FeedSource) -> None:
        if self.stopping.is_set():
            return
        with self._tracked(f"feed={feed.name} fetch"):
            try:
                early = timedelta(seconds=jitter_for(feed.interval) + 1)
                state = await asyncio.to_thread(
                    self._feeds.claim_due, feed.name, utc_now(), feed.interval, early
                )
                if state is None:
                    log.debug("feed=%s not due or claimed by another process", feed.name)
                    return
                started = time.monotonic()
                outcome = await self._ingestor.fetch_feed(state)
                if self._web is not None:
                    self._web.metrics.record_fetch(outcome, time.monotonic() - started)
            except Exception:  # the scheduler must keep running whatever one job does
                log.exception("feed=%s fetch job failed", feed.name)

    async def _digest_job(self) -> None:
        if self.stopping.is_set() or self._digests is None:
            return
        with self._tracked("digest job"):
            # a database or template error must not stop the scheduler; the next tick tries again
            try:
                deliveries = await asyncio.to_thread(self._digests.send_due, utc_now())
                if self._web is not None:
                    self._web.metrics.record_deliveries(d.outcome for d in deliveries)
            except Exception:
                log.exception("digest job failed")
            # after the digests: a destination that takes the digest's deals gets them the same tick
            if self._notifications is not None:
                try:
                    notified = await asyncio.to_thread(self._notifications.send_due, utc_now())
                    if self._web is not None:
                        self._web.metrics.record_notifications(n.outcome for n in notified)
                except Exception:
                    log.exception("notification job failed")
