from django.db import migrations

# SQLite only: the FTS5 table search reads there (see articles/search.py), one row per article
# with the article's id as its rowid, filled for the articles that exist. PostgreSQL keeps its
# search_vector column (migration 0011). The model state is unchanged.
CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_article_search USING fts5("
    "headline, dek, names, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
DROP = "DROP TABLE IF EXISTS articles_article_search"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(CREATE)
    from articles import search

    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        search.update_vectors(ids[start : start + 1000])


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_times_to_the_second"),
    ]

    operations = [migrations.RunPython(create, drop)]
