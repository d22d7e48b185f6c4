"""Suggested artist links: which plain-text mentions become [artist] tags."""

import pytest

from articles.artist_links import Candidate, apply, suggest

KANYE = Candidate("Kanye West", 'id="1230523"', "1")
SPIKE = Candidate("Spike Jonze", 'slug="spike-jonze"', "2")
FUTURE = Candidate("Future", 'slug="future"', "3")
YES = Candidate("Yes", 'slug="yes"', "4")
KANYE_ALONE = Candidate("Kanye", 'slug="kanye"', "5")
ALL = [KANYE, SPIKE, FUTURE, YES, KANYE_ALONE]

CASES = [
    (
        "Spike Jonze and Kanye West collaborated. Kanye West again.",
        '[artist slug="spike-jonze"]Spike Jonze[/artist] and '
        '[artist id="1230523"]Kanye West[/artist] collaborated. Kanye West again.',
    ),
    # Names that are ordinary words: exact capitals, whole words, not where a sentence starts.
    ("The future is here. Yes, it is.", "The future is here. Yes, it is."),
    ("Future plans. Yes.", "Future plans. Yes."),
    (
        "A song by Future and Yes.",
        'A song by [artist slug="future"]Future[/artist] and [artist slug="yes"]Yes[/artist].',
    ),
    ("Futures and Yesterday", "Futures and Yesterday"),
    ("- Future\n> Yes", "- Future\n> Yes"),
    # The longest name wins.
    ("Kanye West", '[artist id="1230523"]Kanye West[/artist]'),
    # Inside tags, links and addresses nothing is suggested.
    (
        '[artist id="1230523"]Kanye West[/artist] and Spike Jonze',
        '[artist id="1230523"]Kanye West[/artist] and '
        '[artist slug="spike-jonze"]Spike Jonze[/artist]',
    ),
    (
        "[Kanye West](https://example.com/) https://example.com/Kanye West",
        "[Kanye West](https://example.com/) https://example.com/Kanye West",
    ),
    (
        '[project slug="x"]Spike Jonze film[/project]',
        '[project slug="x"]Spike Jonze film[/project]',
    ),
    ("*Kanye West*", '*[artist id="1230523"]Kanye West[/artist]*'),
    ("", ""),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_suggestions_applied(body, expected):
    assert apply(body, suggest(body, ALL)) == expected


def test_artists_already_linked_are_not_suggested():
    body = 'Spike Jonze and [artist slug="spike-jonze" /] later.'
    assert suggest(body, ALL, linked={"2"}) == []


def test_a_stale_suggestion_is_not_applied():
    body = "Kanye West"
    found = suggest(body, ALL)
    assert apply("Kanye Wes", found) == "Kanye Wes"


def test_suggesting_is_linear():
    body = "Kanye West said so. " * 20000 + "[artist " * 10000
    found = suggest(body, ALL)
    assert [s.text for s in found] == ["Kanye West"]


# The admin action: proposals shown in place, accepted ones saved through the body check with a
# revision, and only on stories the user may change.

CHANGELIST = "admin:articles_article_changelist"
SEED_TEXT = (
    "The last time Spike Jonze and Kanye West collaborated, 'Ye ended up bound, gagged, stuffed "
    "in a trunk. Landay did say that it's a decidedly Jonze-ian event."
)


@pytest.fixture
def artists(db):
    from newsroom.testing import make_artist

    return [
        make_artist(name="Kanye West", slug="kanye-west", external_id=1230523),
        make_artist(name="Spike Jonze", slug="spike-jonze", external_id=None),
    ]


def act(client, articles, **extra):
    from django.urls import reverse

    data = {"action": "suggest_artist_links", "_selected_action": [a.pk for a in articles]}
    return client.post(reverse(CHANGELIST), {**data, **extra})


def test_the_action_shows_each_suggestion_in_place(admin_client, artists):
    from newsroom.testing import make_article

    stories = [make_article(body=SEED_TEXT) for _ in range(3)]
    response = act(admin_client, stories[:1])
    page = response.content.decode()
    assert "<del>Spike Jonze</del><ins>[artist slug=&quot;spike-jonze&quot;]Spike Jonze" in page
    assert "<del>Kanye West</del>" in page
    # The same queries for one story and for three: artists and mentions are read in bulk.
    # (Before any action the admin keeps each story's first revision, one look-up a story.)
    act(admin_client, stories)
    one, three = _queries(admin_client, stories[:1]), _queries(admin_client, stories)
    assert len(three) == len(one)


def _queries(client, stories):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        act(client, stories)
    return [q["sql"] for q in captured.captured_queries if "reversion_" not in q["sql"]]


def test_accepted_suggestions_are_saved_with_a_revision(admin_client, artists):
    from reversion.models import Version

    from newsroom.testing import make_article

    story = make_article(body=SEED_TEXT)
    key = f"{story.pk}:{SEED_TEXT.index('Kanye West')}:{artists[0].pk}"
    act(admin_client, [story], apply="1", suggestion=[key])
    story.refresh_from_db()
    assert story.body == SEED_TEXT.replace("Kanye West", '[artist id="1230523"]Kanye West[/artist]')
    assert [a.slug for a in story.artists.all()] == ["kanye-west"]
    version = Version.objects.get_for_object(story).first()
    assert version.revision.comment == "Artist links added: Kanye West."


def test_writers_get_suggestions_only_for_their_own_stories(artists):
    from articles.models import Article
    from newsroom.testing import make_article, member

    user, client = member("writer", "Writers")
    theirs = make_article(body=SEED_TEXT, status=Article.Status.DRAFT, created_by=user)
    published = make_article(body=SEED_TEXT)
    keys = [f"{a.pk}:{SEED_TEXT.index('Kanye West')}:{artists[0].pk}" for a in (theirs, published)]
    response = act(client, [theirs, published], apply="1", suggestion=keys)
    assert response.status_code == 302
    theirs.refresh_from_db()
    published.refresh_from_db()
    assert "[artist" in theirs.body
    assert published.body == SEED_TEXT
