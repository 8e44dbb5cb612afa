"""The retention notice: a pair's session content will be deleted; download your copy."""

from __future__ import annotations

from journal.models import RetentionNotice
from lib.links import absolute_url
from lib.mail import compose, send_once
from matching.membership import member_related, members
from people.models import User


def retention_notice_recipients(*, notice_id: int) -> list[int]:
    """The pair's members who can still sign in (and so download their export)."""
    notice = (
        RetentionNotice.objects.filter(pk=notice_id)
        .select_related(*(f"pair__{path}" for path in member_related()))
        .first()
    )
    if notice is None:
        return []
    return [p.pk for p in members(notice.pair) if p.is_active and not p.is_stand_in]


def retention_notice_send(*, notice_id: int, person_id: int) -> bool:
    notice = RetentionNotice.objects.filter(pk=notice_id).select_related("pair__program").first()
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if notice is None or person is None:
        return False
    context = {
        "full_name": person.full_name,
        "program": notice.pair.program.name,
        "deletes_after": notice.deletes_after,
        "export_url": absolute_url("people:data_export"),
    }
    send_once(compose("journal/email/retention_notice", to=person, context=context))
    return True
