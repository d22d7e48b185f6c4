import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Byline
from people.models import Artist, Contributor
from projects.models import Credit, MediaProject, ProjectRelation

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "seed-story.txt"
SLUG = "kanye-west-spike-jonze-collaborate-on-short-film"


def seed_paragraphs():
    if not SEED.exists():
        pytest.skip(f"The seed story text is not beside the checkout ({SEED}).")
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n")]
    return blocks[0], blocks[1], blocks[2:]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Byline, Artist, Contributor, MediaProject, Credit, ProjectRelation)
    }


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed_story", verbosity=0)


def test_loading_twice_changes_nothing(seeded):
    first = counts()
    article = Article.objects.get()
    call_command("loaddata", "seed_story", verbosity=0)
    assert counts() == first
    again = Article.objects.get()
    assert again.updated_at == article.updated_at
    assert list(again.artists.values_list("external_id", flat=True)) == [1230523]


def test_fixture_body_is_the_seed_story_verbatim(seeded):
    headline, dek, paragraphs = seed_paragraphs()
    article = Article.objects.get()
    assert article.headline == headline
    assert article.dek == dek
    assert article.body == "\n\n".join(paragraphs)
    assert '[artist id="1230523"]Kanye West[/artist]' in article.body
    assert article.is_published
    assert (article.published_at.year, article.published_at.month) == (2009, 3)


def test_fixture_people_and_projects(seeded):
    article = Article.objects.get()
    assert [c.name for c in article.contributors.all()] == ["MTV News"]
    assert set(Artist.objects.values_list("name", flat=True)) == {
        "Kanye West",
        "Spike Jonze",
        "Vincent Landay",
    }
    film = MediaProject.objects.get(kind=MediaProject.Kind.SHORT_FILM)
    assert film.running_time == "10\u201315 min"
    assert film.status == MediaProject.Status.IN_POST_PRODUCTION
    assert film.shoot_location == "Los Angeles"
    assert film.release_display == "No set release date"
    nightmares = MediaProject.objects.get(title="See You in My Nightmares")
    assert nightmares.outgoing_relations.filter(relation="featured_in", target=film).exists()
    album = MediaProject.objects.get(title="808s & Heartbreak")
    assert album.label == "Island Def Jam"
    assert set(album.incoming_relations.values_list("source__title", flat=True)) == {
        "See You in My Nightmares",
        "Amazing",
        "Paranoid",
        "Welcome to Heartbreak",
    }
    wild = MediaProject.objects.get(title="Where the Wild Things Are")
    assert set(wild.credits.values_list("artist__name", "role")) == {
        ("Spike Jonze", "director"),
        ("Vincent Landay", "producer"),
    }
    assert set(article.tags.names()) >= {"Kanye West", "Spike Jonze"}
    assert article.related_projects.count() == 5


def test_seed_story_page(client, seeded):
    headline, dek, paragraphs = seed_paragraphs()
    response = client.get(reverse("articles:detail", kwargs={"slug": SLUG}))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r"<h1>\s*Kanye West/ Spike Jonze Collaborate On &#x27;Short Film&#x27;\s*</h1>", html
    )
    assert "Producer reveals exclusive details" in html
    assert html.count("<p>", html.index('class="article-body"')) >= 7
    kanye = Artist.objects.get(external_id=1230523)
    link = f'<a class="artist-link" data-artist-id="1230523" href="{kanye.get_absolute_url()}"'
    assert link in html
    assert 'class="profile-card"' in html
    card = html[html.index('class="profile-card"') :]
    assert "Kanye West" in card[:2000]
    assert "808s &amp; Heartbreak" in card[:2000]
    assert 'href="/artists/kanye-west/"' in card[:2000]
    # Prose in brackets stays prose.
    assert "[a video for 'Nightmares']" in html
    assert '<time datetime="2009-03-02' in html
    assert 'href="/contributors/mtv-news/"' in html


def test_artist_page_lists_the_story(client, seeded):
    response = client.get("/artists/kanye-west/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/articles/{SLUG}/" in html
    assert "808s &amp; Heartbreak" in html


def test_legacy_address_redirects_permanently(client, seeded):
    response = client.get("/news/1608065/kanye-west-spike-jonze-collaborate-on-short-film/")
    assert response.status_code == 301
    assert response["Location"] == f"/articles/{SLUG}/"


def test_seed_command_loads_an_empty_database_and_leaves_edits_alone(db, capsys):
    call_command("seed", verbosity=0)
    article = Article.objects.get()
    article.headline = "Edited by an editor"
    article.save()
    call_command("seed")
    assert "was not loaded" in capsys.readouterr().out
    assert Article.objects.get().headline == "Edited by an editor"


def test_fixture_refers_to_records_by_slug_not_primary_key():
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "seed_story.json"
    objects = json.loads(fixture.read_text(encoding="utf-8"))
    assert all("pk" not in obj for obj in objects)
    credit = next(obj for obj in objects if obj["model"] == "projects.credit")
    assert credit["fields"]["artist"] == ["spike-jonze"]


def test_seed_loads_beside_existing_content_without_clashing(db):
    from newsroom.testing import make_article, make_artist

    make_artist(name="Someone Else", slug="someone-else", external_id=5)
    make_article(headline="An older story", slug="older-story")
    call_command("loaddata", "seed_story", verbosity=0)
    assert Artist.objects.get(slug="someone-else").name == "Someone Else"
    assert Article.objects.get(slug="older-story").headline == "An older story"
    assert Article.objects.filter(slug=SLUG).exists()
    assert Artist.objects.count() == 4
