"""Ordered registries through which apps offer something to an app below them.

An app registers in its AppConfig.ready(), so the app that uses the registry never
imports the apps that fill it (the network home's panels, the demo data, the calendar
feed's deadlines)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


class Registry:
    def __init__(self):
        self._entries: list[tuple[int, Callable]] = []

    def register(self, func: Callable, *, order: int = 100) -> Callable:
        if all(existing is not func for _, existing in self._entries):
            self._entries.append((order, func))
            self._entries.sort(key=lambda pair: pair[0])
        return func

    def __iter__(self):
        return (func for _, func in self._entries)


#: Callables (request, network) → HTML for the network home, or "" when they have nothing.
panels = Registry()
#: Callables (context, stdout) → context that load each app's demo data, in order.
demo_loaders = Registry()
#: Callables (context, stdout) that add each app's rows to the generated networks of
#: `load_demo --scale N`; the context is made by `partners.demo_scale.generate`.
demo_scale_loaders = Registry()


@dataclass(frozen=True)
class CalendarItem:
    """One all-day entry of a person's calendar feed, e.g. a deadline they owe.

    `uid` stays the same for the same thing (a calendar app updates it in place), `url` is
    the address on this site (a path), `description` plain text."""

    uid: str
    date: dt.date
    summary: str
    description: str
    url: str


#: Callables (user) → iterable of `CalendarItem` that the person's calendar feed carries
#: beside their meetings and calls.
calendar_items = Registry()
