"""Looking for another customer's texts in an answer (S1) without tripping over random tokens.

Test data numbers are short ("Tb3"), and every page carries random base64 text (the CSP nonce, CSRF tokens).
A marker therefore counts only as a whole token, and the random values are removed before looking, so a
nonce that happens to contain "Tb3" is not a leak and a real leak of "Tb3" is still found."""
from __future__ import annotations

import re

_RANDOM = re.compile(r'(nonce)="[A-Za-z0-9+/=_-]{16,}"|(value|content)="[A-Za-z0-9._-]{60,}"')


def _pattern(marker: str) -> re.Pattern:
    before = r"(?<![A-Za-z0-9])" if marker[:1].isalnum() else ""
    after = r"(?![A-Za-z0-9])" if marker[-1:].isalnum() else ""
    return re.compile(before + re.escape(marker) + after)


def leaked(markers, text: str) -> set[str]:
    """The markers that occur in text as whole tokens, outside nonces and CSRF tokens."""
    text = _RANDOM.sub('', text)
    return {m for m in markers if m and _pattern(m).search(text)}
