"""Reads for the memo pages and API."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from memos.models import Diary, Memo
from memos.notes.cards import with_card_state

if TYPE_CHECKING:
    from accounts.models import User


def timeline(user: User, *, tag: str = "") -> QuerySet[Memo]:
    memos = Memo.objects.visible_to(user).active()
    if tag:
        memos = memos.tagged(tag)
    return with_card_state(memos.order_by("-pinned", "-created_at"))


def archive(user: User) -> QuerySet[Memo]:
    return with_card_state(Memo.objects.visible_to(user).archived())


def trash(user: User) -> QuerySet[Memo]:
    return with_card_state(Memo.objects.visible_to(user).trashed().order_by("-deleted_at"))


def tag_counts(user: User) -> list[dict[str, object]]:
    """The user's tags with how many memos (not in the trash) carry each, most used first."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT tag, count(*) FROM {Memo._meta.db_table}, unnest(tags) AS tag
            WHERE owner_id = %s AND NOT is_deleted GROUP BY tag ORDER BY count(*) DESC, tag
            """,
            [user.pk],
        )
        return [{"tag": tag, "count": count} for tag, count in cursor.fetchall()]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of `day` in the active (the user's) time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def memos_of_day(user: User, day: date) -> QuerySet[Memo]:
    """Memos written on `day` (in the user's time zone) or filed under it with diary_date."""
    start, end = day_bounds(day)
    memos = Memo.objects.visible_to(user).filter(is_deleted=False)
    return with_card_state(
        memos.filter(Q(created_at__gte=start, created_at__lt=end) | Q(diary_date=day)).order_by("created_at")
    )


def month_calendar(user: User, year: int, month: int) -> list[list[dict[str, object] | None]]:
    """Weeks of the month (Monday first); each day has its diary, if any, and how many memos it has."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    diaries = {d.date: d for d in Diary.objects.visible_to(user).filter(is_deleted=False, date__range=(first, last))}
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    counts: dict[date, int] = {}
    zone = timezone.get_current_timezone()
    for created in (
        Memo.objects.visible_to(user)
        .filter(is_deleted=False, created_at__gte=start, created_at__lt=end)
        .values_list("created_at", flat=True)
    ):
        local = timezone.localtime(created, zone).date()
        counts[local] = counts.get(local, 0) + 1
    weeks: list[list[dict[str, object] | None]] = []
    for week in calendar.Calendar().monthdatescalendar(year, month):
        weeks.append(
            [
                {"date": day, "diary": diaries.get(day), "memos": counts.get(day, 0)} if day.month == month else None
                for day in week
            ]
        )
    return weeks
