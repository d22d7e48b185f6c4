"""[event id="…" /]: a tour date placed in a story."""

import html5lib
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article, Correction
from articles.rendering import render_body
from events.models import Event
from newsroom.testing import make_article, make_artist, make_contributor, make_event, make_image

from .conftest import venue_time

pytestmark = pytest.mark.django_db


def strict_parse(html):
    html5lib.HTMLParser(strict=True).parseFragment(html)


def test_an_event_tag_on_its_own_line_is_a_card(artist):
    event = make_event(
        performers=[artist, make_artist(name="Support Act")],
        venue="Salle Une",
        city="Lyon",
        starts_at=venue_time("Europe/Paris", 2031, 6, 12, 20, 30),
        ticket_url="https://tickets.example/une",
    )
    html = str(render_body(f'Before.\n\n[event id="{event.pk}" /]\n\nAfter.'))
    strict_parse(html)
    assert html.startswith("<p>Before.</p>")
    assert html.endswith("<p>After.</p>")
    assert '<figure class="event-card">' in html
    assert "<strong>Thursday 12 June 2031</strong>, 20:30 CEST" in html
    assert '<a href="/artists/jane-doe/">Jane Doe</a>' in html
    assert f'<a href="/events/{event.pk}/">Salle Une</a>, Lyon, France' in html
    assert '<a href="https://tickets.example/une" rel="noopener">Tickets</a>' in html


def test_an_event_tag_in_running_text_is_a_link(artist):
    event = make_event(
        performers=[artist],
        venue="Salle Une",
        starts_at=venue_time("Europe/Paris", 2031, 6, 12, 20),
    )
    html = str(render_body(f'See her at [event id="{event.pk}" /] this summer.'))
    link = f'<a href="/events/{event.pk}/">Salle Une, 12 June 2031</a>'
    assert html == f"<p>See her at {link} this summer.</p>"


def test_a_cancelled_date_says_so_and_sells_no_tickets(artist):
    event = make_event(
        performers=[artist], status=Event.Status.CANCELLED, ticket_url="https://tickets.example/x"
    )
    html = str(render_body(f'[event id="{event.pk}" /]'))
    assert "Cancelled" in html
    assert "tickets.example" not in html


@pytest.mark.parametrize("body", ['[event id="999999" /]', '[event id="abc" /]', "[event /]"])
def test_an_event_tag_that_finds_nothing_degrades_quietly(body):
    assert str(render_body(f"Before.\n\n{body}\n\nAfter.")) == "<p>Before.</p>\n<p>After.</p>"


def test_the_body_check_knows_the_event_tag(future_event):
    assert services.check_body(f'[event id="{future_event.pk}" /]') == []
    problems = [str(p) for p in services.check_body('[event id="999999" /]\n[event id="x1" /]')]
    assert problems == [
        'Line 1, column 1: [event id="999999" /] matches no event.',
        'Line 2, column 1: [event] id must be a number, not "x1".',
    ]


def test_event_card_text_is_escaped():
    event = make_event(
        performers=[make_artist(name="<script>x</script>")], venue='<img src=x onerror="y">'
    )
    html = str(render_body(f'[event id="{event.pk}" /]'))
    strict_parse(html)
    assert "<script>" not in html and "<img" not in html


def story_with_every_relation(body):
    """A published story with bylines, tags, a correction, a lead photo, a body photo, an
    embed, an artist and a project link, and `body` after them."""
    from newsroom.testing import make_project

    artist = make_artist(name="Mentioned Artist")
    project = make_project(title="Mentioned Album")
    photo = make_image(size=(800, 600))
    article = make_article(
        contributors=[make_contributor(), make_contributor()],
        tags=["tour"],
        lead_image=make_image(size=(1200, 800)),
        body=(
            f'[artist id="{artist.external_id}"]{artist.name}[/artist] on '
            f'[project id="{project.pk}"]{project.title}[/project].\n\n'
            f'[image id="{photo.pk}" /]\n\n'
            '[embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" /]\n\n' + body
        ),
    )
    article.related_projects.add(project)
    Correction.objects.create(article=article, text="A date was wrong.")
    return article


def test_a_story_shows_the_event_and_follows_its_changes(client, artist, future_event):
    article = story_with_every_relation(f'[event id="{future_event.pk}" /]')
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<figure class="event-card">' in page
    assert "Salle Une</a>, Lyon, France" in page
    future_event.venue = "Salle Deux"
    future_event.status = Event.Status.POSTPONED
    future_event.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Salle Deux</a>, Lyon, France" in page
    assert "Postponed" in page


def test_creating_the_event_a_tag_names_fixes_the_story(client, artist):
    article = make_article(body='Dates:\n\n[event id="987654" /]')
    assert "event-card" not in client.get(article.get_absolute_url()).content.decode()
    make_event(id=987654, performers=[artist], venue="Late Hall")
    assert "Late Hall" in client.get(article.get_absolute_url()).content.decode()


def test_the_seed_story_is_unchanged_by_tour_dates(client):
    call_command("loaddata", "seed_story", verbosity=0)
    article = Article.objects.get()
    before = client.get(article.get_absolute_url()).content.decode()
    assert "event-card" not in before
    # A date for someone else changes nothing on the seed story's page.
    make_event(performers=[make_artist()])
    assert client.get(article.get_absolute_url()).content.decode() == before


def test_feeds_carry_the_card_with_absolute_links(artist, future_event):
    from articles.rendering import absolutize

    html = absolutize(
        str(render_body(f'[event id="{future_event.pk}" /]', feed=True)), "https://example.com"
    )
    assert f'href="https://example.com/events/{future_event.pk}/">Salle Une</a>, Lyon' in html
    assert 'href="https://example.com/artists/jane-doe/"' in html


@pytest.mark.parametrize("count", [1, 8])
def test_dates_in_a_story_cost_a_fixed_number_of_queries(client, count):
    without = story_with_every_relation("")
    events = [make_event(performers=[make_artist(), make_artist()]) for _ in range(count)]
    article = story_with_every_relation(
        "\n\n".join(f'[event id="{event.pk}" /]' for event in events)
    )

    def cold_queries(story):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(story.get_absolute_url()).content.decode()
        return len(queries), html

    base, _ = cold_queries(without)
    # The dates and their line-ups, loaded once for the cards and the structured data.
    queries, html = cold_queries(article)
    assert queries == base + 2
    assert html.count('<figure class="event-card">') == count
    assert html.count('"@type": "MusicEvent"') == count
    # Then, with everything kept, none.
    with CaptureQueriesContext(connection) as warm:
        assert client.get(article.get_absolute_url()).content.decode() == html
    assert len(warm) == 0
