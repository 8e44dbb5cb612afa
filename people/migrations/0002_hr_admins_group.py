from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "HR admins"
CODENAME = "administer_programs"


def create_hr_admins_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so
    # the group can hold the permission from the first migrate on.
    app_config = apps.get_app_config("people")
    app_config.models_module = True  # historical app configs have none; the function skips those
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="people", codename=CODENAME)
    )


def remove_hr_admins_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_hr_admins_group, remove_hr_admins_group)]
