"""What a new password must be: long enough, not one of the commonest, not the username.

NIST SP 800-63B asks for a length floor and a check against passwords known to be common or
breached, and no composition rules; that is all this does. Every new password passes here, at
sign-up, at an administrator's reset and at any change (`services.agents` calls it before hashing),
and a refusal is a 422 whose message says which rule failed.

`common_passwords.txt` holds the passwords of 8 characters or more from the list of 20,000 most
common ones that Django 5.2 ships (`django/contrib/auth/common-passwords.txt.gz`, BSD licence;
compiled by Royce Williams from breach corpora, lowercased), in that list's order: 8,354 of them,
the shorter ones being refused by length already. To refresh it, take the new list's lines of 8
or more characters.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

from contact_center.domain.agents import MIN_PASSWORD_CHARS
from contact_center.domain.errors import UnprocessableError

#: A username shorter than this is not looked for inside a password: "li" is in too many words.
MIN_CONTAINED_USERNAME_CHARS = 3


class WeakPasswordError(UnprocessableError):
    code = "weak_password"
    field = "password"


@functools.cache
def common_passwords() -> frozenset[str]:
    """Read once, on the first password checked (nothing is read at import)."""
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line)


def _folded(text: str) -> str:
    """One spelling for comparing: NFKC (full-width letters), casefold, no outer spaces."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def check_new_password(password: str, username: str) -> None:
    """Refuse a password too short, among the common ones, or equal to or containing `username`
    (in any case or width). `username` is the account's, already in its one spelling."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPasswordError(f"a password has at least {MIN_PASSWORD_CHARS} characters")
    folded = _folded(password)
    if folded in common_passwords():
        raise WeakPasswordError("this password is one of the most common ones: choose another")
    name = _folded(username)
    if name and (folded == name or (len(name) >= MIN_CONTAINED_USERNAME_CHARS and name in folded)):
        raise WeakPasswordError("a password must not be or contain the username")
