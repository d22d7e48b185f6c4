from django.db import migrations

# Editors manage tour dates like the rest of the newsroom's content; writers see them.
MODELS = ["event", "eventperformer"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("events")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    events = Permission.objects.filter(
        content_type__app_label="events", content_type__model__in=MODELS
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*events)
    writers, _ = Group.objects.get_or_create(name="Writers")
    writers.permissions.add(*events.filter(codename__startswith="view_"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    events = Permission.objects.filter(content_type__app_label="events")
    for group in Group.objects.filter(name__in=["Editors", "Writers"]):
        group.permissions.remove(*events)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
