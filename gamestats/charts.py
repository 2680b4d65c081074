"""Bar charts drawn as inline SVG on the server: no chart library, no external service, works without JS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext

from gamestats.stats import Day

WIDTH, HEIGHT, TOP = 600, 160, 10


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    height: float
    error_y: float
    error_height: float
    title: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    first_label: str = ""
    last_label: str = ""


def daily_bars(days: list[Day]) -> Chart:
    """Commands per day as bars, each with its errors drawn over its foot."""
    peak = max((d.total for d in days), default=0)
    slot = WIDTH / max(len(days), 1)
    scale = (HEIGHT - TOP) / peak if peak else 0
    bars = []
    for n, d in enumerate(days):
        height, error_height = d.total * scale, d.errors * scale
        bars.append(
            Bar(
                x=round(n * slot + 1, 2),
                width=round(max(slot - 2, 1), 2),
                y=round(HEIGHT - height, 2),
                height=round(height, 2),
                error_y=round(HEIGHT - error_height, 2),
                error_height=round(error_height, 2),
                title=_bar_title(d),
            )
        )
    labels = (_day(days[0].day), _day(days[-1].day)) if days else ("", "")
    return Chart(bars, peak, first_label=labels[0], last_label=labels[1])


def _day(day: date) -> str:
    return date_format(day, "MONTH_DAY_FORMAT")


def _bar_title(day: Day) -> str:
    commands = ngettext("%(count)s command", "%(count)s commands", day.total) % {
        "count": number_format(day.total, force_grouping=True)
    }
    errors = ngettext("%(count)s error", "%(count)s errors", day.errors) % {
        "count": number_format(day.errors, force_grouping=True)
    }
    return gettext("%(day)s: %(commands)s, %(errors)s") % {"day": _day(day.day), "commands": commands, "errors": errors}
