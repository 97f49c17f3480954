"""The headers CloudFront adds to API requests (docs/security.md): its secret, whose hashes the functions hold, and
the visitor's address."""

from __future__ import annotations

import hashlib
import hmac

ORIGIN_PROOF = "x-origin-verify"
VIEWER_ADDRESS = "x-viewer-address"


def proof_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class EdgeCheck:
    """Whether a request carries an accepted secret, by hash, in constant time; the last match is kept in memory,
    so the same value skips the hash."""

    __slots__ = ("hashes", "known")

    def __init__(self, hashes: tuple[bytes, ...]) -> None:
        self.hashes, self.known = hashes, b""

    def passes(self, sent: str) -> bool:
        value = sent.encode()
        if self.known and hmac.compare_digest(value, self.known):
            return True
        digest, matched = hashlib.sha256(value).digest(), False
        for expected in self.hashes:
            matched |= hmac.compare_digest(digest, expected)
        if matched and value:
            self.known = value
        return matched and bool(value)
