"""Reading WordPress exports: the shapes WordPress writes, and files that must be refused."""

import io
from pathlib import Path

import pytest

from wordpress import wxr

FIXTURE = Path(__file__).parent / "fixtures" / "site.xml"


def records(data: bytes, **kwargs):
    return list(wxr.read(io.BytesIO(data), **kwargs))


def wrap(items: str, head: bytes = b'<?xml version="1.0" encoding="UTF-8" ?>\n') -> bytes:
    return (
        head
        + (
            '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/">'
            f"<channel><wp:wxr_version>1.1</wp:wxr_version>{items}</channel></rss>"
        ).encode()
    )


def test_the_fixture_reads_as_wordpress_wrote_it():
    # Values come as written: names and titles keep the entities WordPress stores them with.
    found = list(wxr.read(FIXTURE))
    site = found[0]
    assert isinstance(site, wxr.Site)
    assert site.base_site_url == "http://www.mtv.example"
    assert site.wxr_version == "1.2"
    authors = [r for r in found if isinstance(r, wxr.Author)]
    assert [(a.login, a.display_name) for a in authors] == [
        ("mtvnews", "MTV News"),
        ("musicdesk", "MTV Music Desk"),
    ]
    terms = [r for r in found if isinstance(r, wxr.Term)]
    assert ("category", "hip-hop", "Hip-Hop &amp; Rap", "music") in [
        (t.taxonomy, t.slug, t.name, t.parent) for t in terms
    ]
    assert ("author", "cap-musicdesk") in [(t.taxonomy, t.slug) for t in terms]
    items = {r.post_id: r for r in found if isinstance(r, wxr.Item)}
    story = items[10]
    assert story.get("title") == "Kanye West/ Spike Jonze Collaborate On &#039;Short Film&#039;"
    assert story.get("wp:post_date_gmt") == "2009-03-02 17:00:00"
    assert story.get("excerpt:encoded").startswith("Producer reveals")
    assert story.get("content:encoded").startswith("The last time Spike Jonze")
    assert story.categories[:2] == [
        ("category", "hip-hop", "Hip-Hop &amp; Rap"),
        ("post_tag", "kanye-west", "Kanye West"),
    ]
    assert story.meta == {"_thumbnail_id": "20"}
    assert story.comments == 1
    assert items[20].meta["_wp_attached_file"] == "2009/03/press-photo.jpg"
    assert items[12].get("wp:post_date_gmt") == "0000-00-00 00:00:00"


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title></item></channel></rss>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<rss><channel><title>&lol9;</title></channel></rss>"""

PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<rss/>"""

DOCTYPE_ONLY = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd">
<rss/>"""


@pytest.mark.parametrize("data", [XXE, LAUGHS, PARAMETER, DOCTYPE_ONLY])
def test_a_dtd_or_entity_is_refused(data):
    with pytest.raises(wxr.WXRError, match="Refused"):
        records(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>hi</body></html>", "starts with <html>"),
        (b"<rss><channel><title>x</title></channel></rss>", "no wp: elements"),
        (wrap("<item><title>cut")[:-40], "Not a readable"),
        (b"", "Not a readable"),
    ],
)
def test_what_is_not_an_export_is_refused_with_a_reason(data, message):
    with pytest.raises(wxr.WXRError, match=message):
        records(data)


def test_invalid_utf8_and_control_characters_are_repaired_and_counted():
    data = wrap(
        "<item><title><![CDATA[Bad \xff\xfe byte]]></title><wp:post_id>1</wp:post_id></item>"
    )
    data = data.replace("\xff\xfe".encode(), b"\xff\xfe")
    data = data.replace(b"Bad", b"\x01\x02Bad\x1f")
    found = records(data)
    item = found[-1]
    assert item.get("title") == "Bad \ufffd\ufffd byte"
    assert found[0].repaired == 5


def test_a_field_past_the_limit_is_cut_off_and_marked():
    body = "x" * 5000
    data = wrap(
        f"<item><content:encoded><![CDATA[{body}]]></content:encoded>"
        "<title>Kept</title><wp:post_id>3</wp:post_id></item>"
    )
    item = records(data, max_field_chars=1000)[-1]
    assert item.too_long == {"content:encoded"}
    assert len(item.get("content:encoded")) <= 1000
    assert item.get("title") == "Kept"


def test_reading_is_streamed_item_by_item():
    items = "".join(
        f"<item><title>{n}</title><wp:post_id>{n}</wp:post_id>"
        f"<content:encoded><![CDATA[{'y' * 2000}]]></content:encoded></item>"
        for n in range(200)
    )
    reader = wxr.read(io.BytesIO(wrap(items)))
    first = next(reader)
    assert isinstance(first, wxr.Site)
    # The first item arrives before the parser has read the whole file.
    assert next(reader).post_id == 0
    assert sum(1 for _ in reader) == 199


def test_latin1_exports_are_read():
    data = wrap("<item><title>Caf\xe9</title><wp:post_id>1</wp:post_id></item>").replace(
        b"UTF-8", b"ISO-8859-1"
    )
    data = data.replace("Caf\xe9".encode(), b"Caf\xe9")
    assert records(data)[-1].get("title") == "Café"
