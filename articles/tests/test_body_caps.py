"""Bodies whose shape would cost Markdown seconds are refused at save time with a message that
says what and where; ordinary bodies, even long ones with thousands of mentions, are not.
(The speeds are measured in bench/bench_body.py, not here.)"""

import pytest

from articles import services
from articles.models import Article
from newsroom.testing import make_article, make_artist, post_change_form

pytestmark = pytest.mark.django_db


def capped(body):
    return [p for p in services.check_body(body) if p.message.startswith(services.CAPPED)]


@pytest.mark.parametrize(
    "body, what, line, column",
    [
        ("[" * 200_000, "[ brackets outside tags", 1, services.MAX_BRACKETS + 1),
        ("[[" * 100_000, "[ brackets outside tags", 1, services.MAX_BRACKETS + 1),
        ("[a " * 66_000, "[ brackets outside tags", 1, 3 * services.MAX_BRACKETS + 1),
        ("[a](" * 50_000, "[ brackets outside tags", 1, 4 * services.MAX_BRACKETS + 1),
        ("Intro.\n\n" + "[" * 6_000, "[ brackets outside tags", 3, services.MAX_BRACKETS + 1),
        ("*a _b **c " * 20_000, "runs of * and _", 1, 66_667),
    ],
)
def test_a_body_markdown_would_spend_seconds_on_is_refused_with_where(body, what, line, column):
    [problem] = capped(body)
    assert what in problem.message
    assert (problem.line, problem.column, problem.severity) == (line, column, "error")


@pytest.mark.parametrize(
    "body",
    [
        "[" * services.MAX_BRACKETS,
        "\\[" * 50_000,  # escaped: no link to try
        "*" * 200_000,  # one run
        "*a* " * (services.MAX_EMPHASIS_RUNS // 2),
        '[artist id="1230523"]Kanye West[/artist] ' * 6_000,
        "[[artist]] " * 1_000,
    ],
)
def test_long_bodies_of_ordinary_shape_are_not_refused(body):
    make_artist(name="Kanye West", external_id=1230523)
    assert capped(body) == []


def test_the_admin_refuses_the_save_and_keeps_the_text(admin_client):
    article = make_article(body="Before.")
    body = "Sample " + "[" * (services.MAX_BRACKETS + 1)
    response = post_change_form(admin_client, article, body=body)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This body has too many [ brackets outside tags (more than 5,000" in page
    assert "Line 1, column 5008" in page
    assert "Sample [[[[" in page
    assert Article.objects.get(pk=article.pk).body == "Before."


def test_the_preview_lists_the_problem_without_rendering(admin_client):
    data = admin_client.post(
        "/admin/articles/article/preview/", {"body": "*a _b " * services.MAX_EMPHASIS_RUNS}
    ).json()
    assert data["html"] == ""
    [problem] = data["problems"]
    assert problem["message"].startswith("This body has too many runs of * and _")
