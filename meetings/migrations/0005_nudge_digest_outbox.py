"""Nudges and the HR digest become outbox rows, one per e-mail and recipient (``lib.outbox``).

A nudge's status moves onto one e-mail row per member of its pair; the digest's week row
stays (it keeps a week from being planned twice) and its e-mails get rows from now on."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def nudges_to_mails(apps, schema_editor):
    Nudge = apps.get_model("meetings", "Nudge")
    NudgeMail = apps.get_model("meetings", "NudgeMail")
    rows = []
    for nudge in Nudge.objects.select_related("pair__mentee", "pair__mentor").iterator():
        for enrolment in (nudge.pair.mentee, nudge.pair.mentor):
            rows.append(
                NudgeMail(
                    nudge=nudge, recipient_id=enrolment.person_id, status=nudge.status,
                    due_at=nudge.created_at, sent_at=nudge.sent_at,
                    attempts=1 if nudge.status == "sent" else 0,
                )
            )  # fmt: skip
    NudgeMail.objects.bulk_create(rows, batch_size=1000)


def mails_to_nudges(apps, schema_editor):
    Nudge = apps.get_model("meetings", "Nudge")
    for nudge in Nudge.objects.prefetch_related("mails").iterator(chunk_size=1000):
        statuses = {mail.status for mail in nudge.mails.all()}
        sent = [mail.sent_at for mail in nudge.mails.all() if mail.sent_at is not None]
        if statuses & {"pending", "claimed"}:
            nudge.status = "pending"
        elif "sent" in statuses:
            nudge.status, nudge.sent_at = "sent", max(sent, default=None)
        else:
            nudge.status = "skipped"
        nudge.save(update_fields=["status", "sent_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0004_reminder_pending_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="DigestSent", new_name="DigestWeek"),
        migrations.RenameField(model_name="digestweek", old_name="sent_at", new_name="planned_at"),
        migrations.CreateModel(
            name='DigestMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_at', models.DateTimeField()),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('claimed', 'Being sent'), ('sent', 'Sent'), ('skipped', 'Not needed'), ('failed', 'Failed')], default='pending', max_length=8)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('week', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mails', to='meetings.digestweek')),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['due_at'], name='meetings_digestmail_due_idx')],
                'constraints': [models.UniqueConstraint(fields=('week', 'recipient'), name='meetings_digest_mail_once')],
            },
        ),
        migrations.CreateModel(
            name='NudgeMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_at', models.DateTimeField()),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('claimed', 'Being sent'), ('sent', 'Sent'), ('skipped', 'Not needed'), ('failed', 'Failed')], default='pending', max_length=8)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('nudge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mails', to='meetings.nudge')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['due_at'], name='meetings_nudgemail_due_idx')],
                'constraints': [models.UniqueConstraint(fields=('nudge', 'recipient'), name='meetings_nudge_mail_once')],
            },
        ),
        migrations.RunPython(nudges_to_mails, mails_to_nudges),
        migrations.RemoveField(model_name="nudge", name="sent_at"),
        migrations.RemoveField(model_name="nudge", name="status"),
    ]
