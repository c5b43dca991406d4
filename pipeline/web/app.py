"""The web app (aiohttp): thin handlers that read the store in a thread and render a template. Read-only:
nothing here writes to the database. Off loopback every request must give the token (a bearer token,
or `?token=` for a browser's first visit, then a cookie)."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from pipeline.clock import utc_now
from pipeline.db.figures import last_fetch_at
from pipeline.db.ledger import Ledger
from pipeline.db.store import Store
from pipeline.dealexport import DEALS_FEED_TITLE, deal_json, deals_atom, deals_json_feed
from pipeline.deals import short_money
from pipeline.digest.render import amount_line, roles_line, summary
from pipeline.feedhealth import status_problem, status_result
from pipeline.metrics import CONTENT_TYPE, Metrics
from pipeline.records import EVENT_TYPES, INVESTMENT_SUBTYPES, FeedResult
from pipeline.web.health import judge

PAGE_SIZE = 50
TOKEN_COOKIE = "dealpulse_token"  # noqa: S105 - the cookie's name, not a secret

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("pipeline.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_templates.filters["money"] = short_money


@dataclass
class WebContext:
    """What the pages read, and how: the store and ledger, the metrics, the token, and the daemon's state
    when the app runs inside the daemon."""

    store: Store
    metrics: Metrics
    token: str | None = None
    scheduler_running: Callable[[], bool] | None = None
    late_after: timedelta | None = None
    clock: Callable[[], datetime] = utc_now
    started_at: datetime = field(default_factory=utc_now)
    ledger: Ledger = field(init=False)  # of the store's database, made once

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.store.engine)


CONTEXT = web.AppKey("context", WebContext)


def make_app(context: WebContext) -> web.Application:
    app = web.Application(middlewares=[_token_check])
    app[CONTEXT] = context
    app.add_routes(
        [
            web.get("/", deals_page),
            web.get("/deals/{id:\\d+}", deal_page),
            web.get("/feeds", feeds_page),
            web.get("/digests", digests_page),
            web.get("/deals.atom", deals_atom_feed),
            web.get("/deals.json", deals_json),
            web.get("/healthz", healthz),
            web.get("/metrics", metrics),
        ]
    )
    return app


@web.middleware
async def _token_check(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    token = request.app[CONTEXT].token
    if token is None:
        return await handler(request)
    given = (
        request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        or request.query.get("token", "")
        or request.cookies.get(TOKEN_COOKIE, "")
    )
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise web.HTTPUnauthorized(text="a token is needed: Authorization: Bearer TOKEN, or ?token=TOKEN\n")
    response = await handler(request)
    if "token" in request.query:  # a browser's first visit: later pages and links go without it
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
    return response


@dataclass(frozen=True, slots=True)
class DealFilters:
    """The list's filters, from the query string; the same as a digest recipient's."""

    text: str = ""
    event_type: str | None = None
    min_usd: float | None = None
    companies: tuple[str, ...] = ()
    page: int = 1

    @classmethod
    def of(cls, query: Any) -> DealFilters:
        kind = query.get("type") or None
        if kind is not None and kind not in (*EVENT_TYPES, *INVESTMENT_SUBTYPES):
            raise web.HTTPBadRequest(
                text=f"type: {kind!r} is not one of {', '.join((*EVENT_TYPES, *INVESTMENT_SUBTYPES))}\n"
            )
        try:
            min_usd = float(query["min_usd"]) if query.get("min_usd") else None
            page = max(1, int(query.get("page") or 1))
        except ValueError:
            raise web.HTTPBadRequest(text="min_usd must be a number and page a whole number\n") from None
        companies = tuple(c.strip() for c in query.getall("company", []) if c.strip())
        return cls(query.get("q", "").strip()[:200], kind, min_usd, companies, page)

    def query(self, page: int | None = None) -> str:
        """The query string of these filters, at another page."""
        pairs = [("q", self.text)] if self.text else []
        pairs += [("type", self.event_type)] if self.event_type else []
        pairs += [("min_usd", f"{self.min_usd:g}")] if self.min_usd is not None else []
        pairs += [("company", c) for c in self.companies]
        chosen = self.page if page is None else page
        pairs += [("page", str(chosen))] if chosen != 1 else []
        return urlencode(pairs)


async def _deals(request: web.Request, filters: DealFilters, limit: int) -> list[Any]:
    """The filters' page of deals (pages of PAGE_SIZE), up to `limit` of them: one more than a page
    tells whether another follows."""
    context = request.app[CONTEXT]
    return await asyncio.to_thread(
        context.store.deals.page,
        text=filters.text,
        event_type=filters.event_type,
        min_usd=filters.min_usd,
        companies=filters.companies,
        limit=limit,
        offset=(filters.page - 1) * PAGE_SIZE,
    )


def _page(template: str, **values: Any) -> web.Response:
    body = _templates.get_template(template).render(**values)
    return web.Response(text=body, content_type="text/html", charset="utf-8")


async def deals_page(request: web.Request) -> web.Response:
    filters = DealFilters.of(request.query)
    deals = await _deals(request, filters, PAGE_SIZE + 1)
    more = len(deals) > PAGE_SIZE
    return _page(
        "deals.html.j2",
        title="Deals",
        filters=filters,
        kinds=(*EVENT_TYPES, *INVESTMENT_SUBTYPES),
        deals=[_view(d) for d in deals[:PAGE_SIZE]],
        next_query=filters.query(page=filters.page + 1) if more else None,
        previous_query=filters.query(page=filters.page - 1) if filters.page > 1 else None,
    )


async def deal_page(request: web.Request) -> web.Response:
    store = request.app[CONTEXT].store
    deal_id = int(request.match_info["id"])
    deal = await asyncio.to_thread(store.deals.one, deal_id)
    if deal is None:
        raise web.HTTPNotFound(text=f"no deal {deal_id}\n")
    changes = await asyncio.to_thread(store.deals.changes, deal_id)
    return _page(
        "deal.html.j2", title=deal.headline, deal=_view(deal), changes=changes, record=deal_json(deal)
    )


async def feeds_page(request: web.Request) -> web.Response:
    rows = await asyncio.to_thread(request.app[CONTEXT].store.feeds.statuses)
    feeds = [
        {
            "name": r.name,
            "url": r.url,
            "result": status_result(r),
            "problem": status_problem(r),
            "articles": r.articles,
            "last_fetch_at": r.last_fetch_at,
            "failing": r.last_result == FeedResult.ERROR or bool(r.disabled_reason),
        }
        for r in rows
    ]
    return _page("feeds.html.j2", title="Feeds", feeds=feeds)


async def digests_page(request: web.Request) -> web.Response:
    entries = await asyncio.to_thread(request.app[CONTEXT].ledger.entries, 200)
    return _page("digests.html.j2", title="Digests", entries=entries)


async def deals_atom_feed(request: web.Request) -> web.Response:
    filters = DealFilters.of(request.query)
    deals = await _deals(request, filters, PAGE_SIZE)
    body = deals_atom(
        deals, title=DEALS_FEED_TITLE, feed_url=str(request.url), now=request.app[CONTEXT].clock()
    )
    return web.Response(body=body, content_type="application/atom+xml", charset="utf-8")


async def deals_json(request: web.Request) -> web.Response:
    filters = DealFilters.of(request.query)
    deals = await _deals(request, filters, PAGE_SIZE)
    feed = deals_json_feed(deals, title=DEALS_FEED_TITLE, feed_url=str(request.url))
    return web.Response(text=json.dumps(feed, ensure_ascii=False), content_type="application/feed+json")


async def healthz(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]

    def look() -> tuple[str | None, datetime | None]:
        try:
            return None, last_fetch_at(context.store.engine)
        except Exception as exc:  # any failure to read is the database's unhealthiness, in words
            return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}", None

    error, fetched_at = await asyncio.to_thread(look)
    health = judge(
        database_error=error,
        scheduler_running=context.scheduler_running() if context.scheduler_running else None,
        last_fetch_at=fetched_at,
        started_at=context.started_at,
        now=context.clock(),
        late_after=context.late_after,
    )
    body = {"status": "ok" if health.healthy else "unhealthy", **health.checks}
    return web.json_response(body, status=200 if health.healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    body = await asyncio.to_thread(request.app[CONTEXT].metrics.exposition)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def _view(deal: Any) -> dict[str, Any]:
    return {
        "deal": deal,
        "amount": amount_line(deal) if deal.type == "investment" else None,
        "roles": roles_line(deal),
        "summary": summary(deal),
    }
