from django.db import migrations

# Corrections are the newsroom's public record: only editors (the publish permission) add,
# change or delete them. Writers keep seeing them.
TAKEN = ["add_correction", "change_correction", "delete_correction"]


def take_from_writers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    writers = Group.objects.filter(name="Writers").first()
    if writers is not None:
        writers.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=TAKEN)
        )


def give_back_to_writers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    writers = Group.objects.filter(name="Writers").first()
    if writers is not None:
        writers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles",
                codename__in=["add_correction", "change_correction"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_former_addresses")]

    operations = [migrations.RunPython(take_from_writers, give_back_to_writers)]
