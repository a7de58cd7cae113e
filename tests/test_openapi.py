"""The served OpenAPI document describes the API truthfully: schemathesis generates requests from
it and finds no server error and no response that violates it; the docs page renders it."""
from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from remixes import apikeys

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          response_headers_conformance]


# Loaded from the running application (pytest-django has set Django up before collection).
schema = schemathesis.openapi.from_wsgi("/api/public/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection(db):
    """Like Django's test client: keep the test's connection (and its transaction) open across requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def schema_key(make_user, settings) -> str:
    settings.API_RATE_SUBMIT_PER_MINUTE = 10_000
    settings.API_RATE_STATUS_PER_MINUTE = 10_000
    cache.clear()
    return apikeys.create_api_key(make_user("fuzzer"))[1]


@schema.parametrize()
@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_as_its_openapi_document_says(case, schema_key, keep_test_connection):
    case.call_and_validate(headers={"Authorization": schema_key}, checks=CHECKS)


def test_the_document_is_served_as_openapi_3_1_with_every_operation(client):
    response = client.get("/api/public/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"][0]["url"] == "http://testserver/api/public/v1"
    assert set(doc["paths"]) == {"/Remix", "/byId"}
    assert set(doc["paths"]["/Remix"]["post"]["responses"]) >= {"200", "401", "402", "413", "422", "429", "500"}
    assert set(doc["webhooks"]) == {"conversion", "lyrics", "albumCover", "failure"}
    fields = doc["components"]["schemas"]["RemixRequest"]["properties"]
    assert {"audio_file", "audio_url", "prompt", "lyrics", "gender", "webhook_url", "seed", "strength",
            "instrumental"} == set(fields)
    assert fields["lyrics"]["maxLength"] == 2000


def test_the_docs_page_renders_the_document(client):
    response = client.get("/api/public/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "POST /Remix" in html and "GET /byId" in html and "webhook-signature" in html
    assert "audio_url" in html and "http://testserver/api/public/v1/openapi.json" in html


def test_the_examples_come_from_the_payload_builder_and_match_their_schemas(client):
    import jsonschema_rs  # schemathesis's validator

    doc = client.get("/api/public/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    resolver_doc = {"components": {"schemas": schemas}}
    for name in ("TaskStatus", "ConversionStatus", "ConversionEvent", "LyricsEvent", "AlbumCoverEvent",
                 "FailureEvent"):
        (example,) = schemas[name]["examples"]
        schema = {**schemas[name], "components": resolver_doc["components"]}
        jsonschema_rs.Draft202012Validator(schema).validate(example)
        assert set(example) == set(schemas[name]["properties"]), name
    status = schemas["TaskStatus"]["examples"][0]
    for field in ("conversion_path_vocals_1", "conversion_path_instrumental_2", "source_path_vocals",
                  "source_path_accompaniment"):
        assert status[field].startswith("http://testserver/files/")
    assert schemas["ConversionEvent"]["examples"][0]["conversion_path_vocals"]
