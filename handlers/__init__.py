"""aiogram routers: thin handlers that parse an update, call a service, render a template and answer."""

from __future__ import annotations

from aiogram import Router

from handlers import ask, assess, browse, coming, family, feedback, misc, request, staff, start


def routers(config: object = None) -> list[Router]:
    """Fresh routers each call (a Router can be attached to one Dispatcher only), in the order they must match.

    Groups first (commands only there), then urgent text, which must win in every state, then the features
    (help requests, a family's own requests, child directors; `coming` answers them where no ledger is wired),
    free-text questions (outside forms) and the catch-all replies last. `config` is for scope filters to come.
    """
    return [
        misc.group_router(),
        ask.urgent_router(),
        misc.early_router(),
        start.router(),
        request.router(),
        family.router(),
        staff.router(),
        coming.router(),
        browse.router(),
        assess.router(),
        ask.router(),
        feedback.router(),
        misc.router(),
    ]
