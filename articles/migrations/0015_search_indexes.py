from django.db import migrations

# PostgreSQL only (see articles/search.py).
#
# The search vector's GIN index takes new entries straight into its tree. With GIN's default
# "fast update", saves go to a pending list instead, which every search reads from end to end
# until a vacuum merges it: after a bulk import of 10,000 stories that list held 4,000 entries
# and made each search read 400 pages instead of 8. A newsroom writes seldom and searches
# often, so each save pays the few milliseconds instead.
#
# The names a search shows (artists, projects) are matched with UPPER(...) LIKE '%word%', which
# a b-tree cannot serve; trigram indexes on the same expressions can.
FORWARD = [
    "ALTER INDEX article_search_vector_idx SET (fastupdate = off)",
    "SELECT gin_clean_pending_list('article_search_vector_idx'::regclass)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS artist_name_search_idx ON people_artist "
    "USING GIN ((UPPER(name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS project_title_search_idx ON projects_mediaproject "
    "USING GIN ((UPPER(title::text)) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS project_title_search_idx",
    "DROP INDEX IF EXISTS artist_name_search_idx",
    "ALTER INDEX article_search_vector_idx RESET (fastupdate)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_writers_and_editors"),
        ("people", "0004_external_id_help"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
