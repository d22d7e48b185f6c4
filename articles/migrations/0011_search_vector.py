from django.db import migrations

# PostgreSQL only: a tsvector column and its GIN index (see articles/search.py). The model does
# not declare the column, so other databases need nothing and the model state is unchanged.
ADD = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    "CREATE INDEX article_search_vector_idx ON articles_article USING GIN (search_vector)",
]
DROP = [
    "DROP INDEX IF EXISTS article_search_vector_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in ADD:
        schema_editor.execute(statement)
    from articles import search

    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        search.update_vectors(ids[start : start + 1000])


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_sensible_times"),
    ]

    operations = [migrations.RunPython(add_search_vector, drop_search_vector)]
