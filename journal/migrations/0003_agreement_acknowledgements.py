"""An agreement's acknowledgements become one row per member of the pair (issue 14):
the two columns (mentee's, mentor's) are copied into rows, then dropped."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def columns_to_rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    Agreement = apps.get_model("journal", "Agreement")
    Acknowledgement = apps.get_model("journal", "AgreementAcknowledgement")
    rows = []
    agreements = Agreement.objects.select_related("pair__mentee", "pair__mentor").iterator()
    for agreement in agreements:
        for role in ("mentee", "mentor"):
            at = getattr(agreement, f"acknowledged_by_{role}_at")
            if at is not None:
                person_id = getattr(agreement.pair, role).person_id
                rows.append(Acknowledgement(agreement=agreement, person_id=person_id, acknowledged_at=at))
    Acknowledgement.objects.bulk_create(rows, batch_size=1000)


def rows_to_columns(apps, schema_editor):  # type: ignore[no-untyped-def]
    Acknowledgement = apps.get_model("journal", "AgreementAcknowledgement")
    for ack in Acknowledgement.objects.select_related("agreement__pair__mentee").iterator():
        agreement = ack.agreement
        role = "mentee" if agreement.pair.mentee.person_id == ack.person_id else "mentor"
        setattr(agreement, f"acknowledged_by_{role}_at", ack.acknowledged_at)
        agreement.save(update_fields=[f"acknowledged_by_{role}_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_shared_note_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AgreementAcknowledgement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("acknowledged_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("agreement", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="acknowledgements", to="journal.agreement")),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("agreement", "person"), name="journal_one_acknowledgement_per_member")],
            },
        ),
        migrations.RunPython(columns_to_rows, rows_to_columns),
        migrations.RemoveField(model_name="agreement", name="acknowledged_by_mentee_at"),
        migrations.RemoveField(model_name="agreement", name="acknowledged_by_mentor_at"),
    ]
