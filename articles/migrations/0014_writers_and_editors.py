from django.db import migrations

# Writers draft stories and submit them for review; editors do everything with the newsroom's
# content. Which stories a writer may change (their own, while not published) is checked in
# ArticleAdmin; these are the model permissions each group starts with.
APPS = ["articles", "people", "projects", "images", "taggit"]
EDITORS = {
    "articles": ["article", "byline", "correction", "taggedarticle"],
    "people": ["artist", "contributor", "discipline"],
    "projects": ["mediaproject", "credit", "projectrelation"],
    "images": ["image"],
    "taggit": ["tag"],
}
WRITERS = {
    ("articles", "article"): ["add", "change", "view"],
    ("articles", "byline"): ["add", "change", "delete", "view"],
    ("articles", "correction"): ["add", "change", "view"],
    ("images", "image"): ["add", "change", "view"],
    ("people", "artist"): ["view"],
    ("people", "contributor"): ["view"],
    ("projects", "mediaproject"): ["view"],
    ("taggit", "tag"): ["view"],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for label in APPS:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app, models in EDITORS.items():
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app, content_type__model__in=models
            )
        )
    writers, _ = Group.objects.get_or_create(name="Writers")
    for (app, model), actions in WRITERS.items():
        writers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Writers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_created_by"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("images", "0002_image_file_natural_key"),
        ("people", "0004_external_id_help"),
        ("projects", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
