"""The API docs page lists the fields of a result from the OpenAPI document, stems included."""
from __future__ import annotations

from django.urls import reverse


def test_the_docs_page_lists_every_field_of_a_version(client):
    from remixes.openapi import openapi_document

    body = client.get(reverse("api_docs")).content.decode()
    fields = openapi_document()["components"]["schemas"]["ConversionStatus"]["properties"]
    for name in fields:
        assert f'id="field-{name}"' in body, name
    for name in ("conversion_path_vocals", "conversion_path_instrumental", "source_path_vocals",
                 "source_path_accompaniment"):
        assert f'id="field-{name}"' in body
    assert "vocal stem" in body
