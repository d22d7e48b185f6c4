"""The HTML-to-body conversion, as a table of WordPress content and the body it becomes."""

import pytest

from wordpress.convert import Context, convert, old_path, uploads_key

CONTEXT = Context(
    images_by_attachment={20: 7, 21: 8},
    images_by_file={"2009/03/press-photo.jpg": 7},
    posts_by_path={"/2008/11/24/808s-heartbreak/": "/articles/808s-heartbreak/", "/?p=10": "/a/"},
    site_hosts={"www.mtv.example"},
    artist_ids={1230523},
    artist_slugs={"kanye-west"},
)

CASES = [
    # Classic editor: blank lines are paragraphs, a single newline a line break.
    ("One\n\nTwo\nthree", "One\n\nTwo\nthree"),
    ("  spaced   out  ", "spaced out"),
    ("<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("<em>a</em> <i>b</i> <strong>c</strong> <b>d</b>", "*a* *b* **c** **d**"),
    ("<em>a </em>b", "*a* b"),
    ("<em> </em>b", "b"),
    ("<h1>T</h1><h2>A</h2><h3>B</h3><h5>C</h5>", "## T\n\n## A\n\n### B\n\n### C"),
    ("<blockquote><p>Q1</p><p>Q2</p></blockquote>", "> Q1\n>\n> Q2"),
    ("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", "- a\n- b\n   - c"),
    ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
    ("a<br>b<br/>c", "a\nb\nc"),
    ("<hr>", "---"),
    # Markdown in text is text.
    ("2 * 3 = 6_ok", "2 \\* 3 = 6\\_ok"),
    (
        "# not a heading\n\n- not a list\n\n1984. A year\n\n> not a quote",
        "\\# not a heading\n\n\\- not a list\n\n1984\\. A year\n\n\\> not a quote",
    ),
    ("[x](y) and [image id=1]", "[x\\](y) and [[image id=1]]"),
    ("[sic]", "[sic]"),
    ("&lt;b&gt;x&lt;/b&gt; &amp;", "\\<b>x\\</b> &"),
    ("&lt;javascript:alert(1)&gt;", "\\<javascript:alert(1)>"),
    # Links.
    ('<a href="https://example.com/a b">x</a>', "[x](https://example.com/a%20b)"),
    ('<a href="mailto:desk@example.com">mail</a>', "[mail](mailto:desk@example.com)"),
    ('<a href="javascript:alert(1)">x</a>', "x"),
    ('<a href=" JaVa&#x09;script:alert(1)">x</a>', "x"),
    ('<a href="data:text/html,x">x</a>', "x"),
    ('<a href="//evil.example/">x</a>', "x"),
    (
        '<a href="http://www.mtv.example/2008/11/24/808s-heartbreak">x</a>',
        "[x](/articles/808s-heartbreak/)",
    ),
    ('<a href="http://www.mtv.example/?p=10">x</a>', "[x](/a/)"),
    (
        '<a href="https://www.mtv.example/artists/kanye-west/">Kanye</a>',
        '[artist slug="kanye-west"]Kanye[/artist]',
    ),
    (
        '<a href="https://www.mtv.example/artists/nobody/">N</a>',
        "[N](https://www.mtv.example/artists/nobody/)",
    ),
    # Artist shortcodes of the old site.
    ('[artist id="1230523"]Kanye West[/artist]', '[artist id="1230523"]Kanye West[/artist]'),
    ('[artist id="42"]Someone[/artist]', "Someone"),
    # Photos.
    (
        '[caption id="attachment_20" width="300"]<img class="wp-image-20" src="x.jpg" />'
        ' A "b" [c][/caption]',
        '[image id="7" caption="A ”b” (c)" /]',
    ),
    ('[caption id="attachment_99"]<img src="y.jpg"> Cap[/caption]', "Cap"),
    (
        '<img src="http://www.mtv.example/wp-content/uploads/2009/03/press-photo-300x225.jpg">',
        '[image id="7" /]',
    ),
    ('<a href="big.jpg"><img class="wp-image-21" src="z.jpg"></a>', '[image id="8" /]'),
    ('<p>Before <img class="wp-image-21"> after</p>', 'Before\n\n[image id="8" /]\n\nafter'),
    (
        '<figure class="wp-block-image"><img class="wp-image-20" src="a.jpg"/>'
        "<figcaption>Cap</figcaption></figure>",
        '[image id="7" caption="Cap" /]',
    ),
    ('[gallery ids="20, 21,99"]', '[image id="7" /]\n\n[image id="8" /]'),
    ('<img src="http://elsewhere.example/x.jpg">', ""),
    # Players.
    (
        "https://www.youtube.com/watch?v=ila-hAUXR5U",
        '[embed url="https://www.youtube.com/watch?v=ila-hAUXR5U" /]',
    ),
    ("Text\nhttps://youtu.be/ila-hAUXR5U", "Text\nhttps://youtu.be/ila-hAUXR5U"),
    ("http://vimeo.com/76979871", '[embed url="https://vimeo.com/76979871" /]'),
    ("https://youtu.be/ila_hAUXR5U", '[embed url="https://youtu.be/ila_hAUXR5U" /]'),
    ("https://example.com/page", "https://example.com/page"),
    (
        "[embed]https://soundcloud.com/artist/track[/embed]",
        '[embed url="https://soundcloud.com/artist/track" /]',
    ),
    (
        '<iframe src="https://www.youtube.com/embed/ila-hAUXR5U"></iframe>',
        '[embed url="https://www.youtube.com/embed/ila-hAUXR5U" /]',
    ),
    ('<iframe src="https://evil.example/x"></iframe>', ""),
    (
        '<!-- wp:embed {"url":"https://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU"} -->\n'
        "<figure><div>\nhttps://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU\n</div></figure>\n"
        "<!-- /wp:embed -->",
        '[embed url="https://open.spotify.com/album/3WFTGIO6E3Xh4paEOBY9OU" /]',
    ),
    (
        '[audio mp3="https://example.com/a.mp3"][/audio]',
        '[embed url="https://example.com/a.mp3" /]',
    ),
    (
        '[video src="http://example.com/v.mp4"]',
        "[http://example.com/v.mp4](http://example.com/v.mp4)",
    ),
    # What the format cannot hold.
    ("<table><tr><th>A</th><td>B</td></tr><tr><td>C</td></tr></table>", "A | B\n\nC"),
    ("<script>alert(1)</script><style>p{}</style>Text", "Text"),
    ("<form><label>Name</label><input name=x></form>", "Name"),
    ("<marquee>Moving</marquee>", "Moving"),
    ('[pullquote align="left"]Said[/pullquote]', '[pullquote align="left"]Said[/pullquote]'),
    # Block editor content: newlines are spaces.
    ("<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->", "One two"),
    ("<p>Broken <b>nesting</p> here", "Broken **nesting**\n\nhere"),
    ("\x01\x02", ""),
    ("", ""),
]


@pytest.mark.parametrize(("html", "body"), CASES)
def test_conversion(html, body):
    assert convert(html, CONTEXT).body == body


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ('<a href="javascript:alert(1)">x</a>', "not allowed"),
        ("<table><tr><td>A</td></tr></table>", "<table>"),
        ("<script>x</script>", "<script>"),
        ('[pullquote align="left"]Said[/pullquote]', "[pullquote]"),
        ('[artist id="42"]Someone[/artist]', "names no artist"),
        ('<img src="http://elsewhere.example/x.jpg">', "not imported"),
        ('[gallery ids="99"]', "not imported"),
        ('<iframe src="https://evil.example/x"></iframe>', "not a known player"),
    ],
)
def test_what_is_dropped_is_reported(html, problem):
    problems = convert(html, CONTEXT).problems
    assert any(problem in line for line in problems), problems


def test_clean_content_reports_nothing():
    assert convert("<p>A <em>plain</em> story.</p>\n\n[sic]", CONTEXT).problems == []


def test_images_used_are_listed_in_order():
    assert convert('[gallery ids="21,20"]', CONTEXT).images == [8, 7]


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("http://x.example/wp-content/uploads/2009/03/Photo-300x225.JPG", "2009/03/photo.jpg"),
        ("2009/03/photo-scaled.jpg", "2009/03/photo.jpg"),
        ("https://x.example/wp-content/uploads/sites/3/2009/03/a%20b.png", "2009/03/a b.png"),
    ],
)
def test_uploads_key(value, key):
    assert uploads_key(value) == key


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("http://x.example/2009/03/02/story", "/2009/03/02/story/"),
        ("http://x.example/?p=10", "/?p=10"),
        ("http://x.example/story/?utm_source=x", "/story/"),
    ],
)
def test_old_path(url, path):
    assert old_path(url) == path


def test_conversion_is_linear_in_the_size_of_the_content():
    # Long and deeply nested content finishes: no quadratic walks, no recursion error (libxml2
    # stops nesting at 256 levels).
    html = "<p>" + "<em>x</em> [artist " * 20000 + "</p>" + "<div>" * 200 + "deep" + "</div>" * 200
    assert "deep" in convert(html, CONTEXT).body
