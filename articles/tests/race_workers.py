"""What each process does in the concurrency tests (see test_concurrency.py). Imported by
freshly spawned processes before Django is set up, so Django is imported inside functions."""

from newsroom.tests.concurrency import wait_for_the_others


def set_up_story(*, usernames):
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from people.models import Artist

    for username in usernames:
        get_user_model().objects.create_superuser(username, f"{username}@example.com", "x")
    for n, name in enumerate(["Kanye West", "Spike Jonze", "Jay-Z"]):
        Artist.objects.create(name=name, slug=f"artist-{n}", external_id=1000 + n)
    pks = []
    for n in range(2):
        article = Article.objects.create(
            headline=f"Story {n}", slug=f"story-{n}", body='[artist id="1000"]Kanye West[/artist]'
        )
        pks.append(article.pk)
    return pks


def admin_race(*, article_pk, username, rounds):
    """Open the change form and save it with a new body at the same moment as the others,
    `rounds` times; what each save answered."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils.html import escape

    from newsroom.testing import form_values

    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(username=username))
    url = f"/admin/articles/article/{article_pk}/change/"
    outcomes = []
    for round_ in range(rounds):
        wait_for_the_others()  # everyone opens the form after the last round's saves
        page = client.get(url)
        data = form_values(page.content.decode(), "article_form")
        body = f'[artist id="1001"]Spike Jonze[/artist] by {username} in round {round_}.'
        data["body"] = body
        data["_save"] = "Save"
        wait_for_the_others()
        response = client.post(url, data)
        html = response.content.decode() if response.status_code == 200 else ""
        outcomes.append(
            {
                "status": response.status_code,
                "refused": "Someone else saved this article" in html,
                "kept_typing": escape(body) in html,
            }
        )
    return outcomes


def orm_saves(*, article_pks, count, offset):
    """Save every article `count` times through the ORM, each time mentioning another artist."""
    from articles.models import Article

    errors = []
    wait_for_the_others()
    for n in range(count):
        for pk in article_pks:
            external_id = 1000 + (n + offset) % 3
            article = Article.objects.get(pk=pk)
            article.body = f'[artist id="{external_id}"]Someone[/artist] save {n} by {offset}'
            try:
                article.save()
            except Exception as exc:  # noqa: BLE001 (counted and reported by the test)
                errors.append(f"{type(exc).__name__}: {exc}")
    return errors


def stale_articles():
    """What `rederive_articles --check` finds stale."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("rederive_articles", "--check", stdout=out)
    except SystemExit:
        pass
    return out.getvalue()


def article_state(*, article_pk):
    from articles.models import Article

    article = Article.objects.get(pk=article_pk)
    return {"body": article.body, "artists": sorted(article.artists.values_list("name", flat=True))}
