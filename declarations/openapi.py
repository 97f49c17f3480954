"""The API as OpenAPI 3.1, generated from the route table and the form schema; the local runner serves it."""

from __future__ import annotations

from typing import Any

from declarations.routes import DEFAULT_ROUTE, ROUTES
from handlers.export_record import LINK_SECONDS, STATES
from handlers.form_schema import (
    ALIASES,
    EMAIL_PATTERN,
    FIELDS,
    HONEYPOTS,
    LOCAL_PATH_PATTERN,
    MAX_BODY_BYTES,
    MAX_EXTRA_FIELDS,
    NEXT_FIELDS,
    SUBJECT,
    SUBJECT_FIELD,
    SUBMISSION_ID,
)
from handlers.table_schema import EXTRA_FIELDS, STATUSES
from handlers.view_limits import (
    DEFAULT_DAYS,
    DEFAULT_PAGE,
    MAX_ADDRESS_LENGTH,
    MAX_DAYS,
    MAX_PAGE,
    MAX_QUERY_LENGTH,
)

ERROR = {
    "type": "object",
    "required": ["error", "errors", "request_id"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "additionalProperties": False,
        },
        # The list Formspree's client code reads: one entry per bad field, or one for the whole request.
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "Formspree's codes where it has one (REQUIRED_FIELD_MISSING,"
                        " REQUIRED_FIELD_EMPTY, TYPE_EMAIL, TYPE_TEXT), else this API's (TOO_LONG,"
                        " CONTROL_CHARACTERS, UNKNOWN_FIELD, REDIRECT, ALIAS_DIFFERS, TOO_MANY_FIELDS,"
                        " FIELD_NAME, INVALID) or the error's code",
                    },
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                },
                "additionalProperties": False,
            },
        },
        "request_id": {"type": "string"},
    },
    "additionalProperties": False,
}
# What API Gateway's JWT authorizer answers before any function runs.
GATEWAY_UNAUTHORIZED = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"const": "Unauthorized"}},
    "additionalProperties": False,
}


def contact_form() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for field in FIELDS:
        schema: dict[str, Any] = {"type": "string", "maxLength": field.max_length, "description": field.label}
        if field.kind == "email":
            schema["pattern"] = EMAIL_PATTERN
        properties[field.name] = schema
    properties[SUBMISSION_ID] = {"type": "string", "format": "uuid", "description": "client-made idempotency key"}
    for honeypot in HONEYPOTS:
        properties[honeypot] = {"type": "string", "description": "a honeypot: leave empty (filled marks spam)"}
    for name in NEXT_FIELDS:
        properties[name] = {
            "type": "string",
            "pattern": LOCAL_PATH_PATTERN,
            "description": "the thank-you page: a path on this site (anything else is refused)",
        }
    properties[SUBJECT_FIELD] = {
        "type": "string",
        "maxLength": SUBJECT.max_length,
        "description": "the subject of the owner's email",
    }
    for alias, (label, target) in ALIASES.items():
        properties[alias] = {**properties[target], "description": f"{label}: another name for {target}"}
    required = [
        {"anyOf": [{"required": [f.name]}, *({"required": [a]} for a, (_, t) in ALIASES.items() if t == f.name)]}
        for f in FIELDS
        if f.required
    ]
    return {
        "type": "object",
        "allOf": required,
        "properties": properties,
        "additionalProperties": False,
        "description": f"With extraFields: keep, up to {MAX_EXTRA_FIELDS} other text fields are kept too.",
    }


def submission() -> dict[str, Any]:
    properties: dict[str, Any] = {f.name: {"type": "string"} for f in (*FIELDS, SUBJECT)}
    properties[EXTRA_FIELDS] = {"type": "string", "description": "JSON object text of the kept extra fields"}
    properties.update(
        id={"type": "string"},
        created_at={"type": "string"},
        updated_at={"type": "string"},
        status={"enum": list(STATUSES)},
        expires_at={"type": "string"},
    )
    return {"type": "object", "required": ["id", "created_at", "status"], "properties": properties}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _error(description: str, retry: bool = False) -> dict[str, Any]:
    response = {"description": description, **_json("Error")}
    if retry:
        response["headers"] = {"Retry-After": {"schema": {"type": "string"}, "required": True}}
    return response


# A view of the inbox and its paging: the list's parameters, and the search's besides q.
VIEW_PARAMETERS = [
    {"name": "status", "in": "query", "schema": {"enum": list(STATUSES)}},
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
    },
    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
]
ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
UNAVAILABLE = _error("the table is throttling or unreachable; nothing changed, retry later", retry=True)
UNAUTHORIZED = {
    "description": "no valid owner token",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GatewayUnauthorized"}}},
}

# One person's address, in the body so that it reaches no access log; "cursor" goes on where an answer stopped.
PERSON_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["email"],
                "properties": {
                    "email": {"type": "string", "maxLength": MAX_ADDRESS_LENGTH},
                    "cursor": {"type": "string"},
                },
                "additionalProperties": False,
            }
        }
    },
}


OPERATIONS: dict[str, dict[str, Any]] = {
    "POST /api/contact": {
        "summary": "Send a contact form. JSON answers, unless a browser posts a form itself (Accept prefers"
        " text/html over JSON, no X-Requested-With): then 303 to the thank-you page, or an HTML error page",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ContactForm"}},
                "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/ContactForm"}},
                "multipart/form-data": {"schema": {"$ref": "#/components/schemas/ContactForm"}},
            },
        },
        "responses": {
            "201": {"description": "stored (or already stored: the same answer)", **_json("Accepted")},
            "303": {
                "description": "a browser's form post stored; see _next, _redirect or /thanks.html",
                "headers": {"Location": {"schema": {"type": "string"}}},
            },
            "400": {
                "description": "bad fields, each named",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            "409": _error("submission_id already used for a different submission"),
            "413": _error(f"body over {MAX_BODY_BYTES:,} bytes (every post within the field limits fits)"),
            "415": _error("content type not accepted"),
            "429": _error("past contactClientCeiling posts this hour from this address: nothing stored", retry=True),
            "503": UNAVAILABLE,
        },
    },
    "GET /api/submissions": {
        "summary": "List submissions newest first (default: all but spam)",
        "parameters": VIEW_PARAMETERS,
        "responses": {
            "200": {"description": "a page", **_json("Page")},
            "400": _error("bad parameter"),
            "503": UNAVAILABLE,
        },
    },
    "GET /api/submissions/search": {
        "summary": "Enquiries matching every word of q (name, email, company, subject, message, kept fields;"
        " case and accents ignored), newest first, in the inbox or one status",
        "parameters": [
            {
                "name": "q",
                "in": "query",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
            },
            *VIEW_PARAMETERS,
        ],
        "responses": {
            "200": {"description": "a page of matches; cursor goes on searching", **_json("SearchPage")},
            "400": _error("bad parameter"),
            "503": UNAVAILABLE,
        },
    },
    "GET /api/submissions/daily": {
        "summary": "Enquiries (spam left out) that arrived on each of the caller's last days, in its own zone",
        "parameters": [
            {
                "name": "days",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DAYS, "default": DEFAULT_DAYS},
            },
            {
                "name": "starts",
                "in": "query",
                "description": "each local day's start in epoch seconds and then the last day's end, 23 to 25 hours"
                " apart (the caller's midnights, across daylight saving); without it, the last `days` UTC days",
                "schema": {"type": "string", "pattern": f"^[0-9]{{1,11}}(,[0-9]{{1,11}}){{1,{MAX_DAYS}}}$"},
            },
            {
                "name": "from",
                "in": "query",
                "description": "the first local day's date, with starts",
                "schema": {"type": "string", "format": "date"},
            },
        ],
        "responses": {
            "200": {"description": "one count per day, oldest first", **_json("DailyCounts")},
            "400": _error("bad parameter"),
            "503": UNAVAILABLE,
        },
    },
    "POST /api/submissions/exports": {
        "summary": "Start an export of one view (the inbox or one status, optionally a search of it) as one CSV file",
        "description": "The file is written in the background (any size; UTF-8 with BOM, newest first); ask"
        " GET /api/submissions/exports/{id} how far it is.",
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "status": {"enum": list(STATUSES)},
                            "q": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                        },
                        "additionalProperties": False,
                    }
                }
            },
        },
        "responses": {
            "202": {"description": "started", **_json("Export")},
            "400": _error("bad status or q"),
            "413": _error("body too large"),
            "415": _error("not JSON"),
            "503": UNAVAILABLE,
        },
    },
    "GET /api/submissions/exports/{id}": {
        "summary": f"How far an export is; once done, a link to its file (a download, for {LINK_SECONDS} s)",
        "parameters": [ID_PARAMETER],
        "responses": {
            "200": {"description": "the export", **_json("Export")},
            "404": _error("no such export, or over a day old"),
            "503": UNAVAILABLE,
        },
    },
    "GET /api/submissions/{id}": {
        "summary": "One submission",
        "parameters": [ID_PARAMETER],
        "responses": {"200": {"description": "found", **_json("One")}, "404": _error("no such id"), "503": UNAVAILABLE},
    },
    "PATCH /api/submissions/{id}": {
        "summary": "Mark a submission new, handled or spam",
        "parameters": [ID_PARAMETER],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["status"],
                        "properties": {"status": {"enum": list(STATUSES)}},
                        "additionalProperties": False,
                    }
                }
            },
        },
        "responses": {
            "200": {"description": "changed", **_json("One")},
            "400": _error("bad status"),
            "404": _error("no such id"),
            "413": _error("body too large"),
            "415": _error("not JSON"),
            "503": UNAVAILABLE,
        },
    },
    "POST /api/submissions/empty-spam": {
        "summary": "Empty the spam view: everything that became spam until now leaves it, in one write",
        "description": "Emptied spam stays in the table, unseen, until its spam expiry (spamRetentionDays at most).",
        "responses": {"200": {"description": "emptied", **_json("Emptied")}, "503": UNAVAILABLE},
    },
    "GET /api/submissions/spam-held": {
        "summary": "How many enquiries the spam view holds, and how many each check held back, by reason",
        "description": "Counts the spam view since it was last emptied, from an index of its keys and reasons; an"
        " enquiry the owner marked as spam has no reason. complete is false when counting ran out of time.",
        "responses": {"200": {"description": "the counts", **_json("SpamHeld")}, "503": UNAVAILABLE},
    },
    "POST /api/submissions/export-person": {
        "summary": "Every enquiry from one email address (any status, its domain in any case or form), as JSON",
        "description": "The address is in the body, never the URL. Scans the table until the request's time runs"
        " out: send the answered cursor back with the same email until it is null.",
        "requestBody": PERSON_BODY,
        "responses": {
            "200": {"description": "a part of their enquiries", **_json("Page")},
            "400": _error("not an address, or a cursor this route did not answer"),
            "413": _error("body too large"),
            "415": _error("not JSON"),
            "503": UNAVAILABLE,
        },
    },
    "POST /api/submissions/erase": {
        "summary": "Erase every enquiry from one email address (any status, its domain in any case or form)",
        "description": "The address is in the body, never the URL. Deletes what one request's time allows: send"
        " the answered cursor back with the same email while done is false.",
        "requestBody": PERSON_BODY,
        "responses": {
            "200": {"description": "erased so far", **_json("PersonErased")},
            "400": _error("not an address, or a cursor this route did not answer"),
            "413": _error("body too large"),
            "415": _error("not JSON"),
            "503": UNAVAILABLE,
        },
    },
    "DELETE /api/submissions/{id}": {
        "summary": "Delete a submission",
        "parameters": [ID_PARAMETER],
        "responses": {
            "200": {"description": "deleted", **_json("Deleted")},
            "404": _error("no such id"),
            "503": UNAVAILABLE,
        },
    },
}


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        if route.path == DEFAULT_ROUTE:
            continue
        operation = dict(OPERATIONS[route.key])
        operation["operationId"] = route.name
        # Only through the site's address: a request sent to API Gateway's own URL lacks CloudFront's secret.
        operation["responses"] = {**operation["responses"], "403": _error("not sent through the site's address")}
        if route.signed_in:
            operation["security"] = [{"ownerToken": []}]
            operation["responses"] = {**operation["responses"], "401": UNAUTHORIZED}
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Connecting The Dots API", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {"ownerToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {
                "ContactForm": contact_form(),
                "Accepted": {
                    "type": "object",
                    "required": ["submission_id", "ok", "next", "request_id"],
                    "properties": {
                        "submission_id": {"type": "string", "format": "uuid"},
                        "ok": {"const": True},
                        "next": {"type": "string", "description": "the thank-you page (Formspree's key)"},
                        "request_id": {"type": "string"},
                    },
                },
                "Submission": submission(),
                "Export": {
                    "type": "object",
                    "required": ["export", "request_id"],
                    "properties": {
                        "export": {
                            "type": "object",
                            "required": ["id", "state", "status", "q", "file", "rows", "bytes", "created_at"],
                            "properties": {
                                "id": {"type": "string", "format": "uuid"},
                                "state": {"enum": list(STATES)},
                                "status": {"enum": [*STATUSES, None]},
                                "q": {"type": ["string", "null"]},
                                "file": {"type": "string"},
                                "rows": {"type": "integer"},
                                "bytes": {"type": "integer", "description": "written to the file so far"},
                                "created_at": {"type": "string", "format": "date-time"},
                                "message": {"type": "string", "description": "why it stopped, when it failed"},
                                "url": {"type": "string", "description": f"once done: the file, for {LINK_SECONDS} s"},
                            },
                        },
                        "request_id": {"type": "string"},
                    },
                },
                "Page": {
                    "type": "object",
                    "required": ["items", "cursor", "request_id"],
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Submission"}},
                        "cursor": {"type": ["string", "null"]},
                        "request_id": {"type": "string"},
                    },
                },
                "SearchPage": {
                    "type": "object",
                    "required": ["items", "cursor", "searched", "request_id"],
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Submission"}},
                        "cursor": {"type": ["string", "null"]},
                        "searched": {"type": "integer", "description": "enquiries this request read"},
                        "request_id": {"type": "string"},
                    },
                },
                "DailyCounts": {
                    "type": "object",
                    "required": ["days", "complete", "request_id"],
                    "properties": {
                        "days": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["date", "count"],
                                "properties": {
                                    "date": {"type": "string", "format": "date"},
                                    "count": {"type": "integer", "minimum": 0},
                                },
                                "additionalProperties": False,
                            },
                        },
                        "complete": {"type": "boolean", "description": "false: counting ran out of time"},
                        "request_id": {"type": "string"},
                    },
                },
                "One": {
                    "type": "object",
                    "required": ["item", "request_id"],
                    "properties": {
                        "item": {"$ref": "#/components/schemas/Submission"},
                        "request_id": {"type": "string"},
                    },
                },
                "PersonErased": {
                    "type": "object",
                    "required": ["deleted", "done", "cursor", "request_id"],
                    "properties": {
                        "deleted": {"type": "integer", "minimum": 0},
                        "done": {"type": "boolean"},
                        "cursor": {"type": ["string", "null"]},
                        "request_id": {"type": "string"},
                    },
                },
                "SpamHeld": {
                    "type": "object",
                    "required": ["held", "total", "complete", "request_id"],
                    "properties": {
                        "held": {
                            "type": "object",
                            "additionalProperties": {"type": "integer"},
                            "description": "enquiries per reason (honeypot, visitor-limit, bot-check-…)",
                        },
                        "total": {"type": "integer"},
                        "complete": {"type": "boolean"},
                        "request_id": {"type": "string"},
                    },
                },
                "Emptied": {
                    "type": "object",
                    "required": ["emptied_at", "request_id"],
                    "properties": {"emptied_at": {"type": "string"}, "request_id": {"type": "string"}},
                },
                "Deleted": {
                    "type": "object",
                    "required": ["deleted", "request_id"],
                    "properties": {"deleted": {"type": "string"}, "request_id": {"type": "string"}},
                },
                "Error": ERROR,
                "GatewayUnauthorized": GATEWAY_UNAUTHORIZED,
            },
        },
    }
