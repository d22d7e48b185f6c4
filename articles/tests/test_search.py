"""Search: ranked results, names of linked artists and projects, escaped highlighted snippets.
One interface, two backends: PostgreSQL's full-text search where the suite runs on PostgreSQL
(DATABASE_URL=postgres://…), SQLite's FTS5 otherwise. The tables of cases below run on
whichever database the suite runs on, and expect the same answers from both."""

import pytest
from django.db import connection
from django.utils import timezone

from articles import search
from articles.models import Article
from newsroom.testing import make_article, make_artist, make_project

pytestmark = pytest.mark.django_db


def results(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response


def headlines(response):
    return [article.headline for article in response.context["articles"]]


def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's search index: run with DATABASE_URL=postgres://…")


def needs_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 table: this run is on another database")


# Lines of the seed story, the headline of a few stories, and where each word sits.
SEED_BODY = (
    "The last time Spike Jonze and Kanye West collaborated, 'Ye ended up bound, gagged, stuffed "
    "in a trunk and on the receiving end of some serious shovel-related violence. This time, "
    "who knows what will happen?\n\nWell, we've got some details.\n\nLast week, news began "
    "to trickle out that West and director Jonze — who teamed up last year for the eye-popping "
    '(and brain-warping) "Flashing Lights" video — were working together once again, this '
    'time on a video for West\'s "See You in My Nightmares." Intrigued, MTV News decided to '
    "follow up, reaching out to reps for both parties for comment on the collaboration."
)


@pytest.fixture
def stories():
    cudi = make_artist(name="Kid Cudi")
    make_article(
        headline="Kanye West/ Spike Jonze Collaborate On 'Short Film'",
        dek="Producer reveals exclusive details on project featuring Kanye's "
        "'See You in My Nightmares.'",
        body=SEED_BODY,
    )
    # One word in one field of each of four stories of the same length, and in none of the
    # others, so that only where it sits ranks them.
    make_article(headline="Falsetto week in review", dek="Songs of the week.", body="Radio.")
    make_article(headline="Week in review", dek="Falsetto songs of the week.", body="Radio.")
    make_article(
        headline="Week in review",
        dek="Songs of the week.",
        body=f'Radio, falsetto and [artist id="{cudi.external_id}"]him[/artist].',
    )
    make_article(
        headline="Week in music",
        dek="Songs of the week.",
        body=f'Radio and [artist id="{cudi.external_id}"]a guest[/artist].',
    )
    make_article(headline="Album tours", dek="A film crew follows the tour.", body="Plain.")
    make_article(
        headline="Airplay",
        body="The song is near the top. A short film came out, the film was short.",
    )
    about = make_article(headline="Heartbreak week", body="No names in the text.")
    about.related_projects.add(make_project(title="808s & Heartbreak"))
    make_article(headline="Secret falsetto", status=Article.Status.DRAFT)
    make_article(
        headline="Later falsetto", published_at=timezone.now() + timezone.timedelta(days=1)
    )


SEED = "Kanye West/ Spike Jonze Collaborate On 'Short Film'"

# A list: these stories in this order; a set: these stories in any order.
SEARCHES = [
    # The headline weighs most, then the dek, then the body.
    ("falsetto", ["Falsetto week in review", "Week in review", "Week in review"]),
    ("kid cudi", {"Week in review", "Week in music"}),
    ("heartbreak", ["Heartbreak week"]),
    # Every word must appear, in any field; stemming finds other forms.
    ("kanye trunk", [SEED]),
    ("kanye radio", []),
    ("tour", ["Album tours"]),
    ("touring crews", ["Album tours"]),
    # Web-search syntax: a quoted phrase, "or", "-word".
    ('"short film"', {SEED, "Airplay"}),
    ('"film short"', []),
    ("film -trunk", {"Album tours", "Airplay"}),
    ("trunk or crew", {SEED, "Album tours"}),
    # Drafts and stories scheduled for later are never found.
    ("secret", []),
    ("later", []),
    # FTS5's own syntax is plain text: never an error, the words searched as words.
    ("airplay*", ["Airplay"]),
    ('"airplay', ["Airplay"]),
    ('airplay"', ["Airplay"]),
    ('"airplay song', ["Airplay"]),
    ("^airplay", ["Airplay"]),
    ("airplay^2", []),
    ("headline:airplay", []),
    ("dek:airplay", []),
    ("(airplay)", ["Airplay"]),
    ("{airplay}", ["Airplay"]),
    ("NEAR(song top)", ["Airplay"]),
    ("NEAR(song top, 2)", []),
    ("airplay -", ["Airplay"]),
    ("airplay + song", ["Airplay"]),
    ("-", []),
    ('"', []),
    ('""', []),
    ("*", []),
    ("'", []),
]


def test_search_finds_and_ranks(client, stories):
    wrong = []
    for query, expected in SEARCHES:
        found = headlines(results(client, query))
        if (set(found) if isinstance(expected, set) else found) != expected:
            wrong.append((query, found))
    assert wrong == []


def test_the_search_entry_follows_saves_renames_and_deletes():
    artist = make_artist(name="Kid Cudi")
    article = make_article(
        headline="Sessions", body=f'[artist id="{artist.external_id}"]him[/artist]'
    )
    assert list(Article.objects.search("cudi")) == [article]
    artist.name = "Scott Mescudi"
    artist.save()
    assert list(Article.objects.search("mescudi")) == [article]
    assert list(Article.objects.search("cudi")) == []
    article.headline = "Falsetto sessions"
    article.save()
    assert list(Article.objects.search("falsetto")) == [article]
    article.delete()
    assert list(Article.objects.all().search("falsetto")) == []


def test_the_migration_fills_the_sqlite_index_for_existing_stories():
    needs_sqlite()
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0019_sqlite_search")
    article = make_article(headline="Falsetto sessions")
    # What the migration uses of a schema editor, inside the test's transaction (SQLite's
    # schema editor refuses to open in one); SQLite rolls the DDL back with it.
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    migration.drop(apps, editor)
    migration.create(apps, editor)
    assert list(Article.objects.search("falsetto")) == [article]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, headline FROM {search.FTS_TABLE}")
        assert cursor.fetchall() == [(article.pk, "Falsetto sessions")]


@pytest.mark.parametrize(
    "query, marked",
    [
        ("details", ["details"]),
        ("violence", ["violence"]),
        ("collaboration", ["collaborated", "collaboration"]),
        ("flashing lights", ["Flashing", "Lights"]),
    ],
)
def test_snippets_mark_the_words_and_cut_at_word_boundaries(client, stories, query, marked):
    import re

    from articles.search import START, STOP

    response = results(client, query)
    seed = Article.objects.get(headline=SEED)
    snippet = str(
        next(found for story, found in response.context["results"] if story.pk == seed.pk)
    )
    found = re.findall(r"<mark>(.*?)</mark>", snippet)
    assert found and set(found) <= set(marked)
    passages = snippet.replace("<mark>", "").replace("</mark>", "")
    body = SEED_BODY.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")
    assert START not in passages and STOP not in passages
    for passage in passages.split("…"):
        passage = passage.strip("\u2009 ")
        if not passage:
            continue
        at = body.find(passage)
        assert at != -1, passage
        # Whole words: each passage starts and ends at the text's edges or at a space.
        assert at == 0 or body[at - 1].isspace(), passage
        end = at + len(passage)
        assert end == len(body) or body[end].isspace(), passage


def test_a_headline_match_ranks_above_a_body_match(client):
    make_article(headline="Tour dates announced", body="Nothing about it.")
    make_article(headline="Quiet week", body="A long story that mentions a falsetto once.")
    make_article(headline="Falsetto returns", body="Plain words.")
    found = headlines(results(client, "falsetto"))
    assert found == ["Falsetto returns", "Quiet week"]


def test_the_name_of_a_linked_artist_or_related_project_finds_the_story(client):
    artist = make_artist(name="Spike Jonze")
    make_article(
        headline="A new film", body=f'[artist id="{artist.external_id}"]He[/artist] made it.'
    )
    about = make_article(headline="Album news", body="No names in the text.")
    about.related_projects.add(make_project(title="Heartbreak Sessions"))
    assert headlines(results(client, "jonze")) == ["A new film"]
    assert headlines(results(client, "heartbreak")) == ["Album news"]


def test_drafts_never_show_in_search(client):
    make_article(headline="Secret falsetto", status=Article.Status.DRAFT)
    assert headlines(results(client, "falsetto")) == []


def test_snippets_mark_the_words_and_escape_the_text(client):
    make_article(
        headline="Studio notes",
        body="Before the <script>alert(1)</script> part, the falsetto came back & stayed.",
    )
    html = results(client, "falsetto").content.decode()
    snippet = html[html.index('class="search-snippet"') :]
    snippet = snippet[: snippet.index("</p>")]
    assert "<mark>falsetto</mark>" in snippet
    assert "<script>" not in html
    assert "&amp;" in snippet


def names(response):
    return (
        [artist.name for artist in response.context["artists"]],
        [project.title for project in response.context["projects"]],
    )


def test_names_hold_every_word_in_any_case_and_only_published_stories_reach_them(client):
    mentioned = make_artist(name="Spike Jonze")
    make_artist(name="Spike Lee")  # linked to no story
    draft_only = make_artist(name="Spike Secret")
    later_only = make_artist(name="Spike Tomorrow")
    make_article(body=f'[artist id="{mentioned.external_id}" /]')
    make_article(body=f'[artist id="{draft_only.external_id}" /]', status=Article.Status.DRAFT)
    make_article(
        body=f'[artist id="{later_only.external_id}" /]',
        published_at=timezone.now() + timezone.timedelta(days=1),
    )
    related = make_project(title="Heartbreak Sessions", release_year=2008)
    mentioned_project = make_project(title="Heartbreak Live", release_year=2009)
    make_article().related_projects.add(related)
    make_article().projects.add(mentioned_project)
    make_article(status=Article.Status.DRAFT).related_projects.add(
        make_project(title="Heartbreak Demos")
    )
    assert names(results(client, "sPIKE")) == (["Spike Jonze"], [])
    assert names(results(client, "jonze spike")) == (["Spike Jonze"], [])
    assert names(results(client, "spike lee")) == ([], [])
    # Newest release first, as projects are listed everywhere.
    assert names(results(client, "HEARTBREAK")) == ([], ["Heartbreak Live", "Heartbreak Sessions"])


def test_wildcards_in_a_search_are_plain_characters(client):
    for name in ("AC_DC", "ACxDC", "100% Pure", "100 Pure", "Back\\slash"):
        make_article(body=f'[artist id="{make_artist(name=name).external_id}" /]')
    assert names(results(client, "ac_dc"))[0] == ["AC_DC"]
    assert names(results(client, "100%"))[0] == ["100% Pure"]
    assert names(results(client, "k\\s"))[0] == ["Back\\slash"]


def test_at_most_five_names_of_each_kind_in_name_order(client):
    artists = [make_artist(name=f"Echo {letter}") for letter in "GFEDCBA"]
    make_article(body=" ".join(f'[artist id="{a.external_id}" /]' for a in artists))
    assert names(results(client, "echo"))[0] == [f"Echo {letter}" for letter in "ABCDE"]


def test_name_look_ups_use_the_trigram_indexes_and_the_search_index_takes_saves_directly():
    needs_postgres()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('artist_name_search_idx', 'project_title_search_idx')"
        )
        found = dict(cursor.fetchall())
        assert set(found) == {"artist_name_search_idx", "project_title_search_idx"}
        assert all("gin_trgm_ops" in definition for definition in found.values())
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'article_search_vector_idx'"
        )
        assert "fastupdate=off" in cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(
                "EXPLAIN SELECT id FROM people_artist WHERE UPPER(name::text) LIKE UPPER(%s) "
                "ESCAPE '\\'",
                ["%kanye%"],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "artist_name_search_idx" in plan


def test_search_queries_do_not_grow_with_results(client):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    counts = []
    for batch in (1, 14):
        for n in range(batch):
            make_article(headline=f"Falsetto {n}", body="The falsetto is back.")
        with CaptureQueriesContext(conn) as captured:
            response = results(client, "falsetto")
        counts.append(len(captured.captured_queries))
    assert len(headlines(response)) == 15
    # On SQLite, each list of names first counts the names its trigrams find.
    assert counts[0] == counts[1] <= (9 if connection.vendor == "sqlite" else 7)


def test_full_text_search_uses_the_gin_index():
    needs_postgres()
    make_article(headline="Falsetto")
    queryset = search.matching(Article.objects.all(), "falsetto")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = queryset.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "article_search_vector_idx" in plan


def test_a_search_matching_more_than_can_be_ranked_shows_the_newest(client, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr("articles.views.SEARCH_RANKED_UP_TO", 3)
    now = timezone.now()
    make_article(headline="Falsetto everywhere", published_at=now - timedelta(days=9))
    for n in range(4):
        make_article(
            headline=f"Story {n}",
            body="A falsetto, once.",
            published_at=now - timedelta(days=n + 1),
        )
    response = results(client, "falsetto")
    # More than three match: the newest three, not ranked, and no count of them all.
    assert headlines(response) == ["Story 0", "Story 1", "Story 2"]
    assert "More than 3 stories for &ldquo;falsetto&rdquo;, the newest first." in (
        response.content.decode()
    )
    assert response.context["page_obj"].paginator.num_pages == 1


def test_a_search_matching_as_many_as_can_be_ranked_is_ranked(client, monkeypatch):
    monkeypatch.setattr("articles.views.SEARCH_RANKED_UP_TO", 3)
    make_article(headline="Falsetto everywhere")  # the oldest
    make_article(headline="Story 1", body="A falsetto, once.")
    make_article(headline="Story 2", body="A falsetto, once.")
    response = results(client, "falsetto")
    assert headlines(response)[0] == "Falsetto everywhere"
    assert "3 stories for &ldquo;falsetto&rdquo;</p>" in response.content.decode()


def test_rederiving_an_article_rewrites_its_search_entry():
    import io

    from django.core.management import call_command

    article = make_article(headline="Sessions", body="The falsetto is back.")
    # A change that bypassed the save (an import writing rows directly).
    Article.objects.filter(pk=article.pk).update(body="The vocoder is back.")
    assert list(Article.objects.search("vocoder")) == []
    call_command("rederive_articles", stdout=io.StringIO())
    assert list(Article.objects.search("vocoder")) == [article]
    assert list(Article.objects.search("falsetto")) == []


# SQLite's ways through many matches: none may change what is found.


def mention(artist):
    return f'[artist id="{artist.external_id}" /]'


def test_a_word_in_most_stories_finds_the_newest_the_same_way(client, monkeypatch):
    from articles import search as searching

    for n in range(6):
        make_article(headline=f"Chorus {n}", body="A chorus.")
    make_article(headline="Draft chorus", body="A chorus.", status=Article.Status.DRAFT)
    monkeypatch.setattr("articles.views.SEARCH_RANKED_UP_TO", 2)  # newest first, unranked
    gathered = headlines(results(client, "chorus"))
    monkeypatch.setattr(searching, "EVERYWHERE", 1)  # each story looked for among the matches
    assert headlines(results(client, "chorus")) == gathered
    assert gathered[:2] == ["Chorus 5", "Chorus 4"] and "Draft chorus" not in gathered


@pytest.mark.parametrize("few", [1000, 1])
def test_names_are_found_the_same_through_trigrams_or_in_order(client, monkeypatch, few):
    from articles import search as searching

    monkeypatch.setattr(searching, "FEW_NAMES", few)
    names = ["The Falsettos", "Falsetto Choir", "Falsetto Kings", "Quiet Ones"]
    artists = [make_artist(name=name) for name in names]
    make_article(body=" ".join(mention(artist) for artist in artists))
    draft_only = make_artist(name="Falsetto Draft")
    make_article(body=mention(draft_only), status=Article.Status.DRAFT)
    found, _ = searching.names_matching(["FALSETTO"], 10)
    assert [artist.name for artist in found] == [
        "Falsetto Choir",
        "Falsetto Kings",
        "The Falsettos",
    ]
    # A renamed artist is found under the new name at once (kept by triggers).
    artists[3].name = "Quiet Falsetto"
    artists[3].save()
    found, _ = searching.names_matching(["falsetto", "quiet"], 10)
    assert [artist.name for artist in found] == ["Quiet Falsetto"]
    # Short words and LIKE's own wildcards are read in order, never through the trigrams.
    assert searching.names_matching(["fa"], 10)[0]
    assert searching.names_matching(["%"], 10)[0] == []


def test_name_indexes_come_back_after_their_table_is_remade():
    from articles import search as searching

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's trigram tables of names")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_artist_name_search_insert")
    searching.ensure_name_indexes()
    artist = make_artist(name="Brand New")
    make_article(body=mention(artist))
    assert [a.name for a in searching.names_matching(["brand"], 5)[0]] == ["Brand New"]


def segments():
    """How many segments the SQLite search index is in (each has its own leaves in `_idx`)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT segid) FROM {search.FTS_TABLE}_idx")
        return cursor.fetchone()[0]


def test_migrate_and_bulk_loads_merge_the_sqlite_index_into_one_segment():
    needs_sqlite()
    from articles.apps import tend_search_indexes

    for n in range(6):
        make_article(headline=f"Falsetto {n}")
    assert segments() > 1
    tend_search_indexes(sender=None)  # what runs after every `migrate`
    assert segments() == 1
    assert len(Article.objects.search("falsetto")) == 6
    make_article(headline="Falsetto again")
    from articles import services

    services.derive_all()  # what `import_site` runs after loading
    assert segments() == 1
    assert len(Article.objects.search("falsetto")) == 7
