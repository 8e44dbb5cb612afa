"""No person is double-booked: on PostgreSQL, an exclusion constraint over active
attendance rows (needs btree_gist for the equality on person_id). SQLite has no such
constraint; the service checks inside its IMMEDIATE write transaction instead."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE meetings_attendance ADD CONSTRAINT meetings_attendance_no_overlap
    EXCLUDE USING gist (person_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (active)
    """,
]
BACKWARD = ["ALTER TABLE meetings_attendance DROP CONSTRAINT meetings_attendance_no_overlap"]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
