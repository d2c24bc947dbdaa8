"""The posts of the Quality Manual as role groups.

Their permissions are set after every migrate from ``sapat.accounts.roles``
(each later app adds permissions of its own models).
"""

from django.db import migrations

ROLE_GROUPS = [
    "Director",
    "Deputy director",
    "Executive director",
    "PR director",
    "Founder",
    "Top management",
    "Quality manager",
    "Office manager",
    "System administrator",
    "Project manager",
    "Referent",
    "Expert",
    "Trainer",
    "Staff",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
