"""/api/schema/ is a valid OpenAPI 3 document without warnings; /api/docs/ works offline."""

import io
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/auth/token/",
    "/api/call-profile-fields/",
    "/api/database-connections/",
    "/api/irns/",
    "/api/dnis/",
    "/api/services/",
    "/api/groups/",
    "/api/agents/",
    "/api/skills/",
    "/api/scripts/",
    "/api/system/misc/",
]


@pytest.fixture
def schema(api) -> dict:
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_a_valid_openapi_3_document_covering_every_endpoint(schema):
    """openapi_spec_validator accepts the schema, which lists every endpoint."""
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(ENDPOINTS) <= set(schema["paths"])
    assert set(schema["paths"]["/api/system/misc/"]) == {"get", "put", "patch"}


def test_schema_never_exposes_the_stored_password(schema):
    """password_encrypted is nowhere in the schema; password exists only in request bodies, write-only."""
    assert "password_encrypted" not in str(schema)
    components = schema["components"]["schemas"]
    assert "password" not in components["DatabaseConnection"]["properties"]
    assert components["DatabaseConnection"]["properties"]["has_password"]["readOnly"] is True
    assert "password" in components["DatabaseConnectionRequest"]["properties"]


def test_token_endpoint_is_documented(schema):
    """POST /api/auth/token/ takes username+password and returns a token."""
    operation = schema["paths"]["/api/auth/token/"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"username", "password"} <= set(schema["components"]["schemas"][request]["properties"])
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][response]["properties"]) == {"token"}


def test_music_on_hold_is_uploaded_as_multipart_and_only_cleared_in_json(schema):
    """System > Misc and services: a binary music_on_hold in multipart; in JSON (and form-encoded) bodies,
    which cannot carry a file, only null or "" (clear it) rather than a binary string."""
    components = schema["components"]["schemas"]
    for path, method in (("/api/system/misc/", "patch"), ("/api/services/", "post"), ("/api/services/{id}/", "put")):
        content = schema["paths"][path][method]["requestBody"]["content"]
        ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert components[ref]["properties"]["music_on_hold"]["format"] == "binary"
        for media_type in ("application/json", "application/x-www-form-urlencoded"):
            ref = content[media_type]["schema"]["$ref"].rsplit("/", 1)[-1]
            field = components[ref]["properties"]["music_on_hold"]
            assert "format" not in field and (field["nullable"], field["maxLength"]) == (True, 0)


def test_every_error_response_is_the_error_component(schema):
    """Each operation documents its 4xx answers (401 everywhere, 403 unless public, 404 with a path id),
    and every one of them is the one Error shape: code and detail, plus errors by field and, for a refused
    publish or rollback, the problems as objects."""
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"] and set(error["properties"]) == {
        "code",
        "detail",
        "errors",
        "problems",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
            assert "401" in errors, (method, path)
            assert "403" in errors or path == "/api/auth/token/", (method, path)
            assert "404" in errors or "{" not in path, (method, path)
            for code, response in errors.items():
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, code)


def test_spectacular_generates_the_schema_without_any_warning(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` succeeds (raises on any warning or error)."""
    reset_generator_stats()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), stderr=io.StringIO()
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.")


def test_docs_page_renders_with_local_assets_only(api):
    """/api/docs/ is an HTML page whose scripts, styles and icon are static files of this server."""
    response = api.get("/api/docs/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert asset.startswith(f"/{settings.STATIC_URL.strip('/')}/"), f"{asset} is not served by this server"
        assert finders.find(asset.removeprefix("/" + settings.STATIC_URL.lstrip("/"))), f"{asset} has no file"
    assert not re.search(r"https?://|cdn", html, re.IGNORECASE)
