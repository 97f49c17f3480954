"""API Gateway v2 (payload 2.0) plumbing shared by every handler: errors, bodies, responses, logs."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import env_names as env
from edge import ORIGIN_PROOF, EdgeCheck

Event = dict[str, Any]
Response = dict[str, Any]

logger = logging.getLogger("ctd")
logger.setLevel(logging.INFO)
_edge_check: EdgeCheck | None = None


def edge_check() -> EdgeCheck:
    """The edge secret's accepted hashes (two in a rotation), read on first use; none, nothing is accepted."""
    global _edge_check
    if _edge_check is None:
        hashes = tuple(bytes.fromhex(h) for h in os.environ.get(env.EDGE_PROOF_HASHES, "").split(",") if h)
        _edge_check = EdgeCheck(hashes)
    return _edge_check


class ApiError(Exception):
    """A failure the caller can act on; `status` is its HTTP status code."""

    status = HTTPStatus.BAD_REQUEST
    retry_after_seconds = 0  # above 0: a Retry-After header says when the same request may succeed

    def __init__(self, message: str, fields: dict[str, str] | None = None, codes: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}  # field name -> what is wrong with it
        self.codes = codes or {}  # field name -> a code for scripts (Formspree's codes where it has one)


class BadRequest(ApiError):
    status = HTTPStatus.BAD_REQUEST


class Forbidden(ApiError):
    status = HTTPStatus.FORBIDDEN


class TooManyRequests(ApiError):
    status = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class NotFound(ApiError):
    status = HTTPStatus.NOT_FOUND


class Conflict(ApiError):
    status = HTTPStatus.CONFLICT


class PayloadTooLarge(ApiError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class UnsupportedMediaType(ApiError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class Unavailable(ApiError):
    """The store is throttling or down: nothing was written, the same request may be retried."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    retry_after_seconds = 5


class InternalError(ApiError):
    status = HTTPStatus.INTERNAL_SERVER_ERROR


def request_id(event: Event) -> str:
    try:
        return str(event["requestContext"]["requestId"])
    except (KeyError, TypeError):
        return ""


def header(event: Event, name: str) -> str:
    """A request header's value by its lower-case name, as API Gateway v2 gives them."""
    headers: dict[str, str] = event.get("headers") or {}
    return headers.get(name, "")


def body_bytes(event: Event, limit: int) -> bytes:
    raw = event.get("body") or ""
    # surrogateescape: a body that is not UTF-8 stays bytes here and is refused as such later, not a 500.
    try:
        data = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode("utf-8", "surrogateescape")
    except binascii.Error:
        raise BadRequest("request body is marked base64 but is not valid base64") from None
    if len(data) > limit:
        raise PayloadTooLarge(f"request body is {len(data)} bytes; the limit is {limit} bytes")
    return data


def unique_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The pairs as a dict, or BadRequest naming each name sent twice (JSON keys and form fields alike)."""
    fields = dict(pairs)
    if len(fields) < len(pairs):
        names = [n for n, _ in pairs]
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise BadRequest("a field was sent more than once", {n: f"{n} was sent more than once" for n in repeated})
    return fields


# Made once: json.loads with a hook builds a decoder per call.
_DECODER = json.JSONDecoder(object_pairs_hook=unique_fields)


def parse_json(data: bytes | str, what: str) -> Any:
    """A caller's JSON, or BadRequest naming what is wrong: never a 500 for deep nesting or huge numbers."""
    try:
        return _DECODER.decode(data.decode() if isinstance(data, bytes) else data)
    except json.JSONDecodeError as error:
        raise BadRequest(f"{what} is not valid JSON: {error.msg} at position {error.pos}") from None
    except RecursionError:
        raise BadRequest(f"{what} is nested too deeply") from None
    except ValueError:  # bytes that are not UTF-8, an integer of over 4,300 digits
        raise BadRequest(f"{what} is not valid JSON text") from None


def response(status: int, body: str, rid: str, headers: dict[str, str] | None = None) -> Response:
    """Every answer: never cached, the request id in a header (and a JSON body), `headers` adding the type."""
    return {
        "statusCode": status,
        "headers": {"cache-control": "no-store", "x-request-id": rid, **(headers or {})},
        "body": body,
    }


# Made once, like _DECODER: json.dumps with options builds an encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)
# _ENCODER.encode's own function for a str, less its checks.
json_string = json.encoder.encode_basestring
JSON_TYPE = {"content-type": "application/json; charset=utf-8"}


def json_response(status: int, body: dict[str, Any], rid: str, headers: dict[str, str] | None = None) -> Response:
    text = _ENCODER.encode({**body, "request_id": rid})
    return response(status, text, rid, {**JSON_TYPE, **(headers or {})})


def error_body(error: ApiError) -> dict[str, Any]:
    """The one error shape every route answers with; `errors` is the list that Formspree's client code reads."""
    code = type(error).__name__
    body: dict[str, Any] = {
        "error": {"code": code, "message": error.message},
        "errors": [{"code": error.codes.get(n, "INVALID"), "field": n, "message": m} for n, m in error.fields.items()]
        or [{"code": code, "message": error.message}],
    }
    if error.fields:
        body["error"]["fields"] = error.fields
    return body


def error_headers(error: ApiError) -> dict[str, str]:
    return {"retry-after": str(error.retry_after_seconds)} if error.retry_after_seconds else {}


def json_error(error: ApiError, rid: str) -> Response:
    return json_response(error.status, error_body(error), rid, error_headers(error))


def run(
    event: Event, work: Callable[[], Response], render_error: Callable[[ApiError, str], Response] = json_error
) -> Response:
    """Run a route's work, turning every failure into a response and one JSON log line: an unexpected one into a
    500 naming the request id, its trace only in the log, under that id."""
    rid, route = request_id(event), event.get("routeKey")
    try:
        if not edge_check().passes(header(event, ORIGIN_PROOF)):
            # Sent to API Gateway's own address, past CloudFront and its firewall.
            render_error = json_error
            raise Forbidden("this API answers only through the site's address; send the request there")
        response = work()
    except ApiError as error:
        logger.info(
            "request refused",
            extra={"route": route, "request_id": rid, "status": error.status, "fields": sorted(error.fields)},
        )
        return render_error(error, rid)
    except Exception:
        logger.exception("request failed", extra={"route": route, "request_id": rid})
        return json_error(InternalError("internal error; quote the request_id when reporting it"), rid)
    # No log line for a success: the stage's access log has one (route, status, latency), at no cost to a post.
    return response
