"""Bench users' sessions kept between runs of `make profile` and of scripts built on it.

Every sign-in sends the account an SMS PIN, and S4 allows five per account and hour: a morning
of repeated profiling used up all sixteen Portal Admins of the big customer within half an hour,
and the next `make bench` could not sign in. A session cookie kept here is used again while the
app still accepts it (the page answers 200, not the sign-in form: idle and absolute timeouts,
logout and a deleted session row still end it); otherwise the tool signs in anew and keeps the
new cookie. A session is not used again in the last hours before the 12-hour absolute timeout, so a
full `make bench` never outlives its cookie. The file lives in bench/var (never committed) and holds cookies of bench accounts of
local bench databases only, keyed by database URL and username.
"""
from __future__ import annotations

import json
import os
import time

from bench.common import VAR_DIR

FILE = VAR_DIR / "sessions.json"
REUSE_HOURS = 6  # of the app's 12-hour absolute session timeout


def _load() -> dict:
    try:
        data = json.loads(FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _key(database_url: str, username: str) -> str:
    return f"{database_url} {username}"


def kept_users(database_url: str) -> list[str]:
    """Usernames with a kept session on this database, most recently kept first."""
    prefix = database_url + " "
    return [key[len(prefix):] for key in reversed(list(_load())) if key.startswith(prefix)]


def cookie(database_url: str, username: str) -> str | None:
    """The kept session cookie of `username` on this database, if any and signed in under REUSE_HOURS ago."""
    entry = _load().get(_key(database_url, username))
    if not isinstance(entry, dict) or time.time() - entry.get("signed_in", 0) > REUSE_HOURS * 3600:
        return None
    return entry.get("cookie")


def keep(database_url: str, username: str, value: str | None, signed_in: bool = False) -> None:
    """Keep a session cookie (`signed_in`: of a sign-in just now, else a refresh of the kept one);
    None forgets it. Written atomically, newest last."""
    data = _load()
    entry = data.pop(_key(database_url, username), None)
    if value and (signed_in or isinstance(entry, dict)):
        since = time.time() if signed_in else entry.get("signed_in", 0)
        data[_key(database_url, username)] = {"cookie": value, "signed_in": since}
    FILE.parent.mkdir(parents=True, exist_ok=True)
    scratch = FILE.with_name(f".{FILE.name}.{os.getpid()}")
    scratch.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(scratch, FILE)
