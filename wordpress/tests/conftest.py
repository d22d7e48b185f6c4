from pathlib import Path

import pytest
from django.core.management import call_command

from newsroom.testing import image_bytes, make_artist, make_contributor

FIXTURE = Path(__file__).parent / "fixtures" / "site.xml"


@pytest.fixture
def uploads(tmp_path):
    """A copy of the old site's wp-content/uploads, with the one photo the fixture's posts use."""
    folder = tmp_path / "uploads"
    (folder / "2009" / "03").mkdir(parents=True)
    (folder / "2009" / "03" / "press-photo.jpg").write_bytes(image_bytes((800, 600)))
    return folder


@pytest.fixture
def known_people(db):
    """What the site already has: Kanye West (whose artist shortcodes the old site used) and
    the MTV News desk."""
    return {
        "kanye": make_artist(name="Kanye West", slug="kanye-west", external_id=1230523),
        "desk": make_contributor(name="MTV News", slug="mtvnews", is_organization=True),
    }


def run_import(*paths, capsys=None, **options):
    call_command("import_wordpress", *(str(p) for p in (paths or [FIXTURE])), **options)
    if capsys is not None:
        return capsys.readouterr().out
    return None


def item(
    wp_id, title="A post", content="A paragraph.", *, post_type="post", status="publish", extra=""
):
    """One <item> as WordPress's exporter writes it."""
    return f"""
	<item>
		<title><![CDATA[{title}]]></title>
		<link>http://www.mtv.example/?p={wp_id}</link>
		<pubDate>Mon, 02 Mar 2009 17:00:00 +0000</pubDate>
		<dc:creator><![CDATA[mtvnews]]></dc:creator>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date_gmt><![CDATA[2009-03-02 17:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[post-{wp_id}]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>{extra}
	</item>"""


def export(*items, head='<?xml version="1.0" encoding="UTF-8" ?>'):
    """A WXR 1.2 file around `items`, as bytes."""
    return (
        f"""{head}
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>MTV News</title>
	<link>http://www.mtv.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>http://www.mtv.example</wp:base_site_url>
	<wp:base_blog_url>http://www.mtv.example</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[mtvnews]]></wp:author_login>
		<wp:author_display_name><![CDATA[MTV News]]></wp:author_display_name></wp:author>
{"".join(items)}
</channel>
</rss>
"""
    ).encode()
