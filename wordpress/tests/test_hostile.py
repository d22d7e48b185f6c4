"""Hostile and broken exports: refused with a reason, or imported without harm."""

import pytest
from django.core.management import CommandError

from articles.models import Article
from images.models import Image
from newsroom.testing import image_bytes
from wordpress.models import ImportedPost

from .conftest import export, item, run_import

pytestmark = pytest.mark.django_db


def write(tmp_path, data: bytes, name="export.xml"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


XXE = b"""<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>&xxe;</title><wp:post_id>1</wp:post_id></item></channel></rss>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol9;</title></channel></rss>"""


@pytest.mark.parametrize("data", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_tricks_are_refused_with_a_clear_message_and_nothing_written(tmp_path, data):
    with pytest.raises(CommandError, match="Refused: the file declares a DTD or entities"):
        run_import(write(tmp_path, data))
    assert Article.objects.count() == 0


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Not a WordPress export"):
        run_import(write(tmp_path, b"<html><body>Hello</body></html>"))
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "nowhere.xml")


def test_a_50_mb_body_is_skipped_and_the_rest_imported(tmp_path, capsys):
    huge = "<p>" + "x" * (50 * 1024 * 1024) + "</p>"
    data = export(item(1, "Too long", huge), item(2, "Fine"))
    out = run_import(write(tmp_path, data), capsys=capsys)
    assert list(Article.objects.values_list("headline", flat=True)) == ["Fine"]
    assert "skipped 1: longer than a story can be" in out
    assert "“Too long”: the post is too long to import; skipped." in out


def test_invalid_utf8_and_a_title_of_control_characters(tmp_path, capsys):
    data = export(
        item(1, "Caf\ufffd", "Broken here."),
        item(2, "\x01\x02\x03\x1f", "Untitled post."),
    ).replace("\ufffd".encode(), b"\xe9")
    out = run_import(write(tmp_path, data), capsys=capsys)
    titles = sorted(Article.objects.values_list("headline", flat=True))
    assert titles == ["Caf\ufffd", "Untitled (WordPress post 2)"]
    assert "5 character(s) that were not valid UTF-8, or that XML forbids" in out
    assert "post 2 “(no title)”: no title; it was given one naming its WordPress id." in out


def test_script_and_javascript_links_never_reach_a_page(tmp_path, client):
    content = (
        '<p>Read <a href="javascript:alert(1)">this</a> and <a href=" jAvAsCrIpT:x">that</a>'
        ' <a href="data:text/html;base64,PHNjcmlwdD4=">or</a>.</p>'
        '<script>alert("x")</script><img src=x onerror="alert(2)">'
        '<p onclick="alert(3)">Text<iframe src="javascript:alert(4)"></iframe></p>'
    )
    title = "<em>Kanye</em> <script>alert(5)</script>"
    run_import(write(tmp_path, export(item(1, title, content))))
    article = Article.objects.get()
    assert article.headline == "Kanye"
    assert article.body == "Read this and that or.\n\nText"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "alert(" not in page and "javascript:" not in page.lower()


def test_a_post_id_reused_with_another_type_is_skipped(tmp_path, capsys, uploads):
    attachment = item(
        5,
        "Photo",
        "",
        post_type="attachment",
        status="inherit",
        extra="<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
        "<wp:meta_value>2009/03/press-photo.jpg</wp:meta_value></wp:postmeta>",
    )
    data = export(attachment, item(5, "Same id"), item(6, "Other"))
    out = run_import(write(tmp_path, data), capsys=capsys, media_dir=str(uploads))
    assert list(Article.objects.values_list("headline", flat=True)) == ["Other"]
    assert Image.objects.count() == 1
    assert "the export uses this id for records of two types; skipped." in out
    assert ImportedPost.objects.get(wp_id=5).post_type == "attachment"


@pytest.mark.parametrize(
    "path", ["../../secret.jpg", "/etc/passwd", "2009/../../outside.jpg", "%2e%2e/secret.jpg"]
)
def test_an_attachment_path_never_leads_outside_the_media_dir(tmp_path, capsys, uploads, path):
    (tmp_path / "secret.jpg").write_bytes(image_bytes((50, 50)))
    attachment = item(
        5,
        "Photo",
        "",
        post_type="attachment",
        status="inherit",
        extra=f"<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
        f"<wp:meta_value>{path}</wp:meta_value></wp:postmeta>",
    )
    out = run_import(write(tmp_path, export(attachment)), capsys=capsys, media_dir=str(uploads))
    assert Image.objects.count() == 0
    assert "skipped 1: its path leads outside --media-dir" in out or "file missing" in out


def test_a_file_that_is_not_a_picture_is_refused_by_the_library_checks(tmp_path, capsys, uploads):
    (uploads / "2009" / "03" / "fake.jpg").write_bytes(b"<?php system($_GET['c']); ?>")
    attachment = item(
        5,
        "Photo",
        "",
        post_type="attachment",
        status="inherit",
        extra="<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
        "<wp:meta_value>2009/03/fake.jpg</wp:meta_value></wp:postmeta>",
    )
    out = run_import(write(tmp_path, export(attachment)), capsys=capsys, media_dir=str(uploads))
    assert Image.objects.count() == 0
    assert "photo refused: The file is not a readable image" in out


def test_bad_bytes_far_into_a_file_are_counted(tmp_path, capsys):
    filler = [item(n, f"Post {n}", "<p>" + "words " * 4000 + "</p>") for n in range(1, 6)]
    data = export(*filler, item(9, "Caf\ufffd")).replace("\ufffd".encode(), b"\xe9")
    out = run_import(write(tmp_path, data), capsys=capsys)
    assert Article.objects.get(headline="Caf\ufffd")
    assert "1 character(s) that were not valid UTF-8" in out
