"""The journal's line on its members' home pages: goals that have waited too long.

Named in the settings' ``MENTORING_HOME_NOTICES``
(see ``lib.home_notices``). It counts goals, and says nothing
of what they are: the home page is the person's own, but what a goal says belongs on the
journal page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from journal.models import Goal, GoalUpdate
from lib.home_notices import HomeNotice, OwnPair

# A goal that is open and has had no progress note for this long gets a line on home.
STALE_GOAL_DAYS = 30


def stale_goal_notices(pairs: tuple[OwnPair, ...]) -> list[HomeNotice]:
    cutoff = timezone.now() - dt.timedelta(days=STALE_GOAL_DAYS)
    last_update = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at")
    counts = dict(
        Goal.objects.filter(
            pair_id__in=[pair.pk for pair in pairs],
            status__in=(Goal.Status.NOT_STARTED, Goal.Status.IN_PROGRESS),
            created_at__lt=cutoff,
        )
        .annotate(last_update=Subquery(last_update.values("created_at")[:1]))
        .filter(Q(last_update__isnull=True) | Q(last_update__lt=cutoff))
        .order_by()
        .values("pair_id")
        .annotate(stale=Count("pk"))
        .values_list("pair_id", "stale")
    )
    return [
        HomeNotice(
            text=ngettext(
                "With %(name)s: a goal has had no update for over %(days)s days.",
                "With %(name)s: %(count)s goals have had no update for over %(days)s days.",
                counts[pair.pk],
            )
            % {"name": pair.counterpart_name, "count": counts[pair.pk], "days": STALE_GOAL_DAYS},
            link_label=gettext("Review your goals"),
            url=reverse("journal:pair", args=[pair.pk]) + "#goals",
        )
        for pair in pairs
        if pair.pk in counts
    ]
