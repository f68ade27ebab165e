"""The OpenAPI document is a valid OpenAPI 3 document, as client generators read it."""

from openapi_spec_validator import validate


def test_the_live_document_validates_as_openapi_3(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)  # raises on the first error, naming its path


def test_the_statement_upload_is_one_multipart_body_with_its_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/statements"]["post"]
    assert all(p["in"] in ("query", "path", "header", "cookie") for p in operation["parameters"])
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    upload = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert upload["properties"]["file"] == {
        "description": "the bank statement file",
        "type": "string",
        "format": "binary",
    }
    assert {"format", "account", "dry_run"} <= set(upload["properties"])


def test_the_document_is_openapi_3_1_with_the_outgoing_webhooks(client):
    from openapi_spec_validator import OpenAPIV31SpecValidator

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    assert set(document["webhooks"]) == {"deskAlert", "caseEvent", "auditCheckpoint"}
    for webhook in document["webhooks"].values():
        operation = webhook["post"]
        assert operation["security"] == []  # signed, not bearer
        assert {p["name"] for p in operation["parameters"]} == {
            "X-Reconcile-Timestamp",
            "X-Reconcile-Signature",
            "X-Reconcile-Topic",
            "X-Reconcile-Topic-Signature",
        }
