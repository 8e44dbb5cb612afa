"""Background work for meetings: thin tasks that reload by id and call a function."""

from __future__ import annotations

from meetings.models import Meeting
from meetings.notifications import meeting_update_send
from people.mail import email_task


@email_task("meetings.send_meeting_update")
def send_meeting_update(meeting_id: int, version: int) -> None:
    meeting_update_send(meeting_id=meeting_id, version=version)


def meeting_update_enqueue(meeting: Meeting) -> None:
    """A schedule hook: e-mail both people once the change is committed.

    Meetings logged afterwards already happened: nobody needs an invitation.
    """
    if not meeting.logged:
        send_meeting_update.delay_on_commit(meeting.pk, meeting.version)
