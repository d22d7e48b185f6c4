import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from articles.models import Article
from newsroom.testing import make_article, make_artist, make_contributor, make_image, make_project

pytestmark = pytest.mark.django_db


def oembed(client, url, **params):
    return client.get("/oembed/", {"url": url, **params})


def discovered(client, path):
    html = client.get(path).content.decode()
    found = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert found, f"no oEmbed link on {path}"
    return unescape(found.group(1))


def test_story_link_gives_a_rich_card(client):
    writer = make_contributor(name="MTV News")
    story = make_article(
        headline="Kanye West, Spike Jonze collaborate",
        dek="A short film.",
        contributors=[writer],
        lead_image=make_image(size=(1600, 900)),
    )
    endpoint = discovered(client, story.get_absolute_url())
    assert endpoint.startswith("http://testserver/oembed/?")
    assert parse_qs(urlsplit(endpoint).query)["url"] == [
        f"http://testserver{story.get_absolute_url()}"
    ]
    response = client.get(endpoint)
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["title"] == story.headline and data["author_name"] == "MTV News"
    assert data["provider_name"]
    assert story.headline in data["html"] and "A short film." in data["html"]
    assert data["thumbnail_url"].startswith("http://testserver/media/renditions/")
    assert data["thumbnail_width"] <= data["width"] == 600
    assert "<script" not in data["html"]


def test_maxwidth_is_honoured(client):
    story = make_article(lead_image=make_image(size=(1600, 900)))
    url = f"http://testserver{story.get_absolute_url()}"
    data = oembed(client, url, maxwidth=400).json()
    assert data["width"] <= 400 and data["thumbnail_width"] <= 400
    narrow = oembed(client, url, maxwidth=250).json()
    assert narrow["width"] == 250 and "thumbnail_url" not in narrow


def test_artist_and_project_pages_answer(client):
    artist, project = make_artist(summary="A rapper."), make_project(title="Runaway")
    for record, title in ((artist, artist.name), (project, "Runaway")):
        data = client.get(discovered(client, record.get_absolute_url())).json()
        assert data["title"] == title and data["type"] == "rich"


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/articles/no-such-story/",
        "http://testserver/tags/news/",
        "https://elsewhere.example/articles/x/",
        "javascript:alert(1)",
    ],
)
def test_unknown_addresses_are_404(client, url):
    response = oembed(client, url)
    assert response.status_code == 404 and response.json()["detail"]


def test_unpublished_story_is_404(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert oembed(client, f"http://testserver{draft.get_absolute_url()}").status_code == 404


def test_bad_requests(client):
    story = make_article()
    url = f"http://testserver{story.get_absolute_url()}"
    assert oembed(client, url, format="xml").status_code == 501
    assert oembed(client, url, maxwidth="wide").status_code == 400
    assert client.get("/oembed/").status_code == 400


def test_hostile_headline_is_escaped_in_the_card(client):
    hostile = '<img src=x onerror=alert(1)> & "quoted"'
    story = make_article(headline=hostile)
    data = oembed(client, f"http://testserver{story.get_absolute_url()}").json()
    assert data["title"] == hostile
    assert "<img src=x" not in data["html"] and "&lt;img src=x" in data["html"]
