"""The headers CloudFront adds to API requests (docs/security.md): its secret, whose hashes the functions hold, and
the visitor's address."""

from __future__ import annotations

import hashlib
import hmac

ORIGIN_PROOF = "x-origin-verify"
VIEWER_ADDRESS = "x-viewer-address"


def proof_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def through_the_edge(sent: str, accepted: tuple[str, ...]) -> bool:
    """Whether `sent` is an accepted secret, comparing every hash in constant time."""
    digest, matched = proof_hash(sent), False
    for expected in accepted:
        matched |= hmac.compare_digest(digest, expected)
    return matched and bool(sent)
