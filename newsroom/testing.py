"""Builders for test data: sensible defaults, keyword overrides, only what a test reads."""

from __future__ import annotations

import itertools

from django.utils import timezone

_seq = itertools.count(1)


def make_contributor(**fields):
    from people.models import Contributor

    n = next(_seq)
    fields.setdefault("name", f"Writer {n}")
    fields.setdefault("slug", f"writer-{n}")
    return Contributor.objects.create(**fields)


def make_artist(**fields):
    from people.models import Artist

    n = next(_seq)
    fields.setdefault("name", f"Artist {n}")
    fields.setdefault("slug", f"artist-{n}")
    fields.setdefault("external_id", 900000 + n)
    return Artist.objects.create(**fields)


def make_project(**fields):
    from projects.models import MediaProject

    n = next(_seq)
    fields.setdefault("title", f"Project {n}")
    fields.setdefault("slug", f"project-{n}")
    fields.setdefault("kind", MediaProject.Kind.ALBUM)
    return MediaProject.objects.create(**fields)


def make_event(*, performers=(), **fields):
    """A tour date at a made-up venue, a week from now unless told; `performers` in billing
    order."""
    from events.models import Event, EventPerformer

    n = next(_seq)
    fields.setdefault("venue", f"Venue {n}")
    fields.setdefault("city", "Paris")
    fields.setdefault("country", "FR")
    fields.setdefault("timezone", "Europe/Paris")
    fields.setdefault("starts_at", timezone.now() + timezone.timedelta(days=7))
    event = Event.objects.create(**fields)
    for position, artist in enumerate(performers):
        EventPerformer.objects.create(event=event, artist=artist, position=position)
    return event


def make_article(*, contributors=(), tags=(), **fields):
    from articles.models import Article, Byline

    n = next(_seq)
    fields.setdefault("headline", f"Headline {n}")
    fields.setdefault("slug", f"headline-{n}")
    fields.setdefault("body", "A paragraph.")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timezone.timedelta(hours=1))
    article = Article.objects.create(**fields)
    for position, contributor in enumerate(contributors):
        Byline.objects.create(article=article, contributor=contributor, position=position)
    if tags:
        article.tags.add(*tags)
    return article


def make_story_with_everything(*, owner=None, **fields):
    """A story with every relation an article has: two bylines (the first tied to `owner`'s
    account when given), tags, a correction, a lead photo, a photo, an embed, an artist and a
    project in the body, and a related project."""
    from articles.models import Correction

    artist = make_artist()
    project = make_project()
    body_photo = make_image(size=(64, 48))
    fields.setdefault("lead_image", make_image(size=(64, 48)))
    fields.setdefault(
        "body",
        f'[artist id="{artist.external_id}"]{artist.name}[/artist] on '
        f'[project slug="{project.slug}"]{project.title}[/project].\n\n'
        f'[image id="{body_photo.pk}" /]\n\n'
        '[embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" /]',
    )
    if owner is not None:
        fields.setdefault("created_by", owner)
    contributors = [make_contributor(user=owner), make_contributor()]
    article = make_article(contributors=contributors, tags=["Tours", "Film"], **fields)
    article.related_projects.add(make_project())
    Correction.objects.create(
        article=article, text="An earlier version misstated the running time."
    )
    return article


def make_review(*, project=None, rating="8.4", **fields):
    """A published review of `project` (a new album when none is given) with `rating`."""
    from decimal import Decimal

    fields["reviewed_project"] = project or make_project()
    fields["rating"] = None if rating is None else Decimal(rating)
    return make_article(**fields)


def image_bytes(size=(1600, 1200), *, fmt="JPEG", color="#884422") -> bytes:
    """A generated test picture: a plain field with a lighter square at its centre, so crops
    can be told apart."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    width, height = size
    ImageDraw.Draw(image).rectangle(
        (width * 3 // 8, height * 3 // 8, width * 5 // 8, height * 5 // 8), fill="#eeeeee"
    )
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def make_image(*, size=(1600, 1200), name="photo.jpg", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.models import Image

    n = next(_seq)
    fields.setdefault("title", f"Image {n}")
    fields.setdefault("alt_text", f"Test picture {n}")
    image = Image(**fields)
    image.file = SimpleUploadedFile(name, image_bytes(size))
    image.save()
    return image


def form_values(html: str, form_id: str) -> dict[str, str | list[str]]:
    """What a browser would submit from the form `form_id` in `html`, unchanged: inputs with
    their values (checked boxes only), textareas, and the selected options of selects."""
    from html.parser import HTMLParser

    values: dict[str, list[str]] = {}

    class Reader(HTMLParser):
        in_form = False
        textarea: str | None = None
        select: str | None = None
        text = ""

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.in_form = attrs.get("id") == form_id
            if not self.in_form:
                return
            name = attrs.get("name")
            if tag == "input" and name:
                kind = attrs.get("type", "text")
                if kind in ("submit", "button", "image", "reset", "file"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                values.setdefault(name, []).append(attrs.get("value") or "")
            elif tag == "textarea" and name:
                self.textarea, self.text = name, ""
            elif tag == "select" and name:
                self.select = name
                values.setdefault(name, [])
            elif tag == "option" and self.select and "selected" in attrs:
                values[self.select].append(attrs.get("value") or "")

        def handle_endtag(self, tag):
            if tag == "form":
                self.in_form = False
            elif tag == "textarea" and self.textarea:
                # A textarea's first newline is markup, not content.
                text = self.text[1:] if self.text.startswith("\n") else self.text
                values.setdefault(self.textarea, []).append(text)
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, data):
            if self.textarea:
                self.text += data

    reader = Reader(convert_charrefs=True)
    reader.feed(html)
    return {name: found[0] if len(found) == 1 else found for name, found in values.items()}


def post_change_form(client, obj, **changes):
    """Open `obj`'s admin change form and save it as the browser would, with `changes` typed in."""
    from django.urls import reverse

    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    data = form_values(page.content.decode(), f"{opts.model_name}_form")
    data.update(changes, _save="Save")
    return client.post(url, data)


def sitemap_locations(client) -> list[str]:
    """Every address the sitemaps list: the index at /sitemap.xml, then each page it names."""
    from urllib.parse import urlsplit
    from xml.etree import ElementTree

    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    found = []
    for page in ElementTree.fromstring(index.content).iter(f"{ns}sitemap"):
        address = urlsplit(page.find(f"{ns}loc").text)
        response = client.get(address.path, {"p": address.query[2:]} if address.query else {})
        assert response.status_code == 200, address
        found += [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{ns}loc")]
    return found


def make_full_story(*, count=1, photos=None, **fields):
    """A published story with `count` of every relation: bylines, tags, corrections, artists
    (each credited on a project) and projects named in the body, contributors named in the
    body, related projects, a lead photo, body photos (`photos`, or new small ones) and an
    embedded video."""
    from articles.models import Correction
    from projects.models import Credit

    artists = [make_artist() for _ in range(count)]
    projects = [make_project() for _ in range(count)]
    for artist, project in zip(artists, projects, strict=True):
        Credit.objects.create(project=project, artist=artist, role="performer")
    writers = [make_contributor() for _ in range(count)]
    photos = photos or [make_image(size=(40, 30)) for _ in range(count)]
    body = "\n\n".join(
        [f'[artist id="{a.external_id}"]{a.name}[/artist] in *a paragraph*.' for a in artists]
        + [f'[project slug="{p.slug}"]{p.title}[/project]' for p in projects]
        + [f'[contributor slug="{w.slug}"]{w.name}[/contributor]' for w in writers]
        + [f'[image id="{photo.pk}" /]' for photo in photos]
        + ['[embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" /]']
    )
    fields.setdefault("body", body)
    fields.setdefault("lead_image", photos[0])
    story = make_article(
        contributors=writers, tags=[f"Tag {next(_seq)}" for _ in range(count)], **fields
    )
    story.related_projects.set([make_project() for _ in range(count)])
    for n in range(count):
        Correction.objects.create(article=story, text=f"Correction {n}.")
    return story


def member(name, group):
    """A staff user in `group` ("Writers", "Editors"), and a client signed in as them."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client
