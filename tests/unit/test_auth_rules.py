"""R-AUTH-1/2 with the manual's character lists: valid and invalid examples on every path."""
from __future__ import annotations

import pytest

from app.services.account_rules import password_errors, username_errors

USERNAME_SPECIALS = ". _ , # $ % = ? ` : ; @ ~ ^ – + * ( { ) } [ ] \\ -".split()
PASSWORD_SPECIALS = "/ $ @ , ; _ : # + ( { ) } [ ] ? * ^ | \\ –".split()


@pytest.mark.rule("R-AUTH-1")
@pytest.mark.parametrize("ch", USERNAME_SPECIALS)
def test_username_accepts_each_special_of_the_manual(ch):
    assert username_errors(f"ab{ch}cd") == []


@pytest.mark.rule("R-AUTH-1")
@pytest.mark.parametrize("name", ["Jörg", "Łukasz9", "名前abc", "user0123456789"])
def test_username_accepts_letters_of_any_language(name):
    assert username_errors(name) == []


@pytest.mark.rule("R-AUTH-1")
@pytest.mark.parametrize("name", ["ab", "x" * 81, "with space", "a<b>c", "quote\"s", "amp&er", "excl!am", "sl/ash"])
def test_username_refuses(name):
    assert username_errors(name)


@pytest.mark.rule("R-AUTH-1")
def test_username_length_bounds():
    assert username_errors("abc") == [] and username_errors("a" * 80) == []


@pytest.mark.rule("R-AUTH-2")
@pytest.mark.parametrize("ch", PASSWORD_SPECIALS)
def test_password_accepts_each_special_of_the_manual(ch):
    assert password_errors(f"Abcdef1{ch}") == []


@pytest.mark.rule("R-AUTH-2")
@pytest.mark.parametrize("pw", ["Äpfel und Öl ß 1", "Grüße 12345"])
def test_password_accepts_umlauts_and_space(pw):
    assert password_errors(pw) == []


@pytest.mark.rule("R-AUTH-2")
@pytest.mark.parametrize("pw", ["Abc1234", "A" * 41, "Abcdefg1<", "Abcdefg1!", "Abcdefg1&", "Abcdefg1\"", "Abcdefg1%"])
def test_password_refuses_with_named_rule(pw):
    errors = password_errors(pw)
    assert errors and all(isinstance(e, str) and e for e in errors)


@pytest.mark.rule("R-AUTH-3")
def test_password_must_not_contain_username():
    assert password_errors("xxmeyer#2024", "Meyer")
