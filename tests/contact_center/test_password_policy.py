"""The password policy on its own: the shipped list, and each rule with the message it gives."""

from __future__ import annotations

import pytest

from contact_center.domain.agents import MIN_PASSWORD_CHARS
from contact_center.services.password_policy import WeakPasswordError, check_new_password, common_passwords


def test_the_shipped_list_holds_the_common_passwords_the_length_floor_lets_through() -> None:
    common = common_passwords()
    assert 8_000 < len(common) < 10_001
    assert {"password", "12345678", "iloveyou", "qwertyuiop", "password1"} <= common
    assert all(len(p) >= MIN_PASSWORD_CHARS for p in common)  # shorter ones fail on length first
    assert all(p == p.lower() for p in common)


@pytest.mark.parametrize(
    ("password", "username", "says"),
    [
        ("1234567", "alice", "at least 8 characters"),
        ("password", "alice", "most common"),
        ("PassWord1", "alice", "most common"),  # any case
        ("ｐａｓｓｗｏｒｄ", "alice", "most common"),  # full-width letters are the same password
        (" iloveyou ", "alice", "most common"),
        ("quokkaman", "quokkaman", "username"),
        ("QuokkaMan", "quokkaman", "username"),
        ("my-quokkaman-1", "quokkaman", "username"),
        ("bob-is-my-name", "bob", "username"),
    ],
)
def test_a_weak_password_is_refused_with_the_rule_it_broke(password: str, username: str, says: str) -> None:
    with pytest.raises(WeakPasswordError) as refused:
        check_new_password(password, username)
    assert refused.value.http_status == 422 and refused.value.code == "weak_password"
    assert says in refused.value.message


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("kettle-drum-49", "alice"),
        ("correct horse battery staple", "bob"),
        ("limestone-quarry", "li"),  # a two-letter username is not looked for inside
        ("pw-123456", ""),
    ],
)
def test_a_password_that_breaks_no_rule_is_accepted(password: str, username: str) -> None:
    check_new_password(password, username)
