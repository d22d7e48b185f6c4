"""Whatever a post's HTML holds, its conversion passes the body check."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.services import check_body
from wordpress.convert import Context, convert

TEXT = st.lists(
    st.sampled_from(list("ab ‘’\"'<>&[]()*_`#-+=!.:/\\\n1") + ["http://", "javascript:"]),
    max_size=30,
).map("".join)
TAGS = ["p", "em", "strong", "a", "h2", "blockquote", "ul", "li", "table", "td", "script", "div"]


@st.composite
def html(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            href = f' href="{draw(TEXT)}"' if tag == "a" else ""
            parts.append(f"<{tag}{href}>{draw(html(depth + 1))}</{tag}>")
        else:
            parts.append(draw(TEXT))
    shortcode = draw(
        st.sampled_from(["", "[caption]x[/caption]", "[embed]", "[artist id=1]x", "[gallery]"])
    )
    return "".join(parts) + shortcode


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html())
def test_every_conversion_passes_the_body_check(content):
    body = convert(content, Context(site_hosts={"old.example"})).body
    errors = [p for p in check_body(body) if p.severity == "error"]
    assert errors == [], (content, body)
