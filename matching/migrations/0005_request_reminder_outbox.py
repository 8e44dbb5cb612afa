"""A mentor's reminder of an unanswered request becomes an outbox row (``lib.outbox``); the
request's ``reminded_at`` moves onto it as a sent row."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def reminded_to_rows(apps, schema_editor):
    MentorshipRequest = apps.get_model("matching", "MentorshipRequest")
    RequestReminder = apps.get_model("matching", "RequestReminder")
    reminded = MentorshipRequest.objects.filter(reminded_at__isnull=False).select_related("mentor")
    RequestReminder.objects.bulk_create(
        [
            RequestReminder(
                request=request, recipient_id=request.mentor.person_id, status="sent",
                due_at=request.reminded_at, sent_at=request.reminded_at, attempts=1,
            )  # fmt: skip
            for request in reminded.iterator()
        ],
        batch_size=1000,
    )


def rows_to_reminded(apps, schema_editor):
    MentorshipRequest = apps.get_model("matching", "MentorshipRequest")
    RequestReminder = apps.get_model("matching", "RequestReminder")
    for row in RequestReminder.objects.filter(status="sent").iterator():
        MentorshipRequest.objects.filter(pk=row.request_id).update(reminded_at=row.sent_at)


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0004_proposal_score_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RequestReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_at', models.DateTimeField()),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('claimed', 'Being sent'), ('sent', 'Sent'), ('skipped', 'Not needed'), ('failed', 'Failed')], default='pending', max_length=8)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder', to='matching.mentorshiprequest')),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['due_at'], name='matching_reqreminder_due_idx')],
            },
        ),
        migrations.RunPython(reminded_to_rows, rows_to_reminded),
        migrations.RemoveField(model_name="mentorshiprequest", name="reminded_at"),
    ]
