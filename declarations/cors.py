"""The API's CORS rules for other sites' forms (allowedOrigins): API Gateway applies them, the local runner too."""

from __future__ import annotations

# Only the contact form is meant for other sites; the owner's routes need a token those sites never hold.
ALLOW_METHODS = ("POST",)
# What a hosted-form script sends: its body type, Accept, and jQuery's X-Requested-With.
ALLOW_HEADERS = ("content-type", "accept", "x-requested-with")
EXPOSE_HEADERS = ("x-request-id",)
MAX_AGE_SECONDS = 3600  # browsers cap it lower (Chromium at 2 hours)


def allows(origins: tuple[str, ...], origin: str) -> bool:
    """API Gateway's comparison: the exact origin, case-insensitively."""
    return origin.lower() in (o.lower() for o in origins)
