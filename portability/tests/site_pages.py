"""Run inside a site's own process (`manage.py shell -c`): builds content with every relation,
or prints every public page and feed of the site as JSON. The restore test compares two
sites' pages this way."""

from __future__ import annotations

import json
import re
import sys
from collections import deque
from urllib.parse import urlsplit

# Paths a reader can reach; the crawl follows links to these alone.
PUBLIC = (
    "/articles/",
    "/artists/",
    "/contributors/",
    "/projects/",
    "/tags/",
    "/feeds/",
    "/reviews/",
)
SEEDS = ["/", "/artists/", "/projects/", "/feeds/latest/", "/feeds/latest/atom/", "/robots.txt"]
LIMIT = 400
_HREF = re.compile(r'(?:href|src)="([^"]+)"|<(?:loc|link)>([^<]+)</')


def build() -> None:
    import reversion
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article
    from newsroom.testing import make_article, make_full_story, make_project

    call_command("seed", verbosity=0)
    editor = get_user_model().objects.create_user("editor", "editor@example.com", "pw-x-12345")
    story = make_full_story(count=2, dek="With every relation.")
    undated, dated = make_project(title="Undated"), make_project(title="Dated", release_year=2009)
    story.related_projects.add(undated, dated)
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Second reading")
        story.dek = "With every relation, revised."
        story.save()
    make_article(status=Article.Status.DRAFT, body=story.body)
    make_article(published_at=timezone.now() + timezone.timedelta(days=3))


def pages() -> dict[str, str]:
    from django.test import Client

    from newsroom.testing import sitemap_locations

    client = Client()
    todo = deque(SEEDS + ["/sitemap.xml"])
    todo += [urlsplit(loc).path for loc in sitemap_locations(client)]
    seen: dict[str, str] = {}
    while todo and len(seen) < LIMIT:
        path = todo.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = f"{response.status_code} {response.content.decode('utf-8', 'replace')}"
        for match in _HREF.finditer(seen[path]):
            link = urlsplit((match.group(1) or match.group(2)).replace("&amp;", "&"))
            if link.netloc not in ("", "testserver") or not link.path.startswith(PUBLIC):
                continue
            todo.append(link.path + (f"?{link.query}" if link.query else ""))
    return seen


def main(action: str) -> None:
    if action == "build":
        build()
    else:
        json.dump(pages(), sys.stdout)
