import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_every_resource(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/artists/{slug}/",
        "/api/v1/contributors/",
        "/api/v1/projects/{slug}/",
        "/api/v1/tags/",
        "/api/v1/images/{id}/",
        "/api/v1/gone/",
    ):
        assert set(paths[path]) == {"get"}, path
    names = {p["name"] for p in paths["/api/v1/articles/"]["get"]["parameters"]}
    assert {"cursor", "page_size", "fields", "artist", "tag", "updated_since"} <= names
    article = schema["components"]["schemas"]["Article"]["properties"]
    assert {"body_html", "mentions", "lead_image", "corrections"} <= set(article)


def test_docs_page_loads_only_the_sites_own_files(client):
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<style" not in html and "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
