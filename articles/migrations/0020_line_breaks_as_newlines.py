from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace


def line_breaks_as_newlines(apps, schema_editor):
    """Bodies saved from the admin before kept the browser's CR LF line breaks: they become the
    newlines a save now stores, so the next save of such a story is not taken for an edit."""
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(body__contains="\r").update(
        body=Replace(Replace("body", Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_sqlite_search"),
    ]

    operations = [
        migrations.RunPython(line_breaks_as_newlines, migrations.RunPython.noop),
    ]
