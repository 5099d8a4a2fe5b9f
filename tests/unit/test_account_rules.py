"""R-AUTH-1/2/3 from the manual's lists ("Vorgaben Nutzerkennung", "Vorgaben Kennwort").

Username: 3-80 characters; letters of any language, digits 0-9 and
. _ , # $ % = ? ` : ; @ ~ ^ – + * ( { ) } [ ] \\  (ASCII "-" too).
Password: 8-40 characters; letters of any language, space, digits 0-9 and
/ $ @ , ; _ : # + ( { ) } [ ] ? * ^ | \\ –  (ASCII "-" too); never the username.
"""
from __future__ import annotations

import pytest

from app.services.account_rules import password_errors, password_warnings, username_errors

# Typed from the manual, one by one; "-" is the ASCII form of its typeset dash (SPEC R-AUTH-1).
MANUAL_USERNAME_SPECIALS = [".", "_", ",", "#", "$", "%", "=", "?", "`", ":", ";", "@", "~", "^", "–",
                            "+", "*", "(", "{", ")", "}", "[", "]", "\\", "-"]
MANUAL_PASSWORD_SPECIALS = ["/", "$", "@", ",", ";", "_", ":", "#", "+", "(", "{", ")", "}", "[", "]",
                            "?", "*", "^", "|", "\\", "–", "-", " "]


# --- usernames (R-AUTH-1) -----------------------------------------------------------
@pytest.mark.rule("R-AUTH-1")
@pytest.mark.parametrize("ch", MANUAL_USERNAME_SPECIALS)
def test_username_accepts_each_listed_character_anywhere(ch):
    assert username_errors(f"{ch}ab{ch}cd{ch}") == []


@pytest.mark.rule("R-AUTH-1")
def test_username_of_special_characters_only():
    assert username_errors("._,") == []


@pytest.mark.rule("R-AUTH-1")
@pytest.mark.parametrize("name", ["José", "Ærøskøbing", "Željko", "Ολυμπία", "Дмитрий", "山田太郎", "ßüÖ", "user0123456789"])
def test_username_accepts_letters_of_every_language_and_digits(name):
    assert username_errors(name) == []


@pytest.mark.rule("R-AUTH-1")
@pytest.mark.parametrize("ch", ["!", "&", "<", ">", '"', "'", "/", "|", " ", "\t", "\n", "€", "§", "°", "²",
                                "٣", "😀", "\u200b"])
def test_username_refuses_characters_outside_the_list(ch):
    errors = username_errors(f"ab{ch}cd")
    assert len(errors) == 1
    assert ch in errors[0]  # the message names the offending character


@pytest.mark.rule("R-AUTH-1")
@pytest.mark.parametrize("length, ok", [(2, False), (3, True), (80, True), (81, False)])
def test_username_length_edges(length, ok):
    assert (username_errors("a" * length) == []) is ok
    # Characters are counted, not bytes.
    assert (username_errors("ä" * length) == []) is ok


@pytest.mark.rule("R-AUTH-1")
def test_username_length_message_names_the_limits():
    (message,) = username_errors("ab")
    assert "3" in message and "80" in message


@pytest.mark.rule("R-AUTH-1")
def test_username_reports_every_broken_rule_at_once():
    assert len(username_errors("a!")) == 2  # too short and a character outside the list


# --- passwords (R-AUTH-2) --------------------------------------------------------------
@pytest.mark.rule("R-AUTH-2")
@pytest.mark.parametrize("ch", MANUAL_PASSWORD_SPECIALS)
def test_password_accepts_each_listed_character_anywhere(ch):
    assert password_errors(f"{ch}Abcdef1{ch}") == []


@pytest.mark.rule("R-AUTH-2")
@pytest.mark.parametrize("password", ["äöüÄÖÜß1", "Grüße aus Köln", "Éléphant42", "Пароль2024", "パスワード1234"])
def test_password_accepts_letters_of_every_language_and_spaces(password):
    assert password_errors(password) == []


# "." "%" "=" "~" "`" are allowed in usernames but not in the manual's password list.
@pytest.mark.rule("R-AUTH-2")
@pytest.mark.parametrize("ch", ["!", "&", "<", ">", '"', "'", ".", "%", "=", "~", "`", "€", "§", "\t", "٣", "😀"])
def test_password_refuses_characters_outside_the_list(ch):
    errors = password_errors(f"Abcdef1{ch}x")
    assert len(errors) == 1
    assert ch in errors[0]


@pytest.mark.rule("R-AUTH-2")
@pytest.mark.parametrize("length, ok", [(7, False), (8, True), (40, True), (41, False)])
def test_password_length_edges(length, ok):
    password = ("Ab1#" * 11)[:length]
    assert (password_errors(password) == []) is ok
    assert (password_errors(("Äb1#" * 11)[:length]) == []) is ok


@pytest.mark.rule("R-AUTH-2")
def test_password_length_message_names_the_limits():
    (message,) = password_errors("Ab1#xyz")
    assert "8" in message and "40" in message


@pytest.mark.rule("R-AUTH-3")
@pytest.mark.parametrize("username, password", [
    ("meyer", "xxMeyer#2024"),
    ("Meyer", "MEYER-2024-x"),
    ("JÖRG", "jörg(1)abc"),
    ("Strauß", "xxSTRAUSS99"),  # case-insensitive compare folds ß to ss
    ("customer9000000", "customer9000000"),
])
def test_password_containing_the_username_is_refused(username, password):
    errors = password_errors(password, username)
    assert len(errors) == 1


@pytest.mark.rule("R-AUTH-3")
def test_password_without_the_username_is_accepted():
    assert password_errors("Kaffee#Tasse42", "meyer") == []
    assert password_errors("Kaffee#Tasse42", None) == []


# --- recommendations (R-AUTH-3, shown as warnings) ----------------------------------------
@pytest.mark.rule("R-AUTH-3")
def test_strong_password_gets_no_warning():
    assert password_warnings("Kaffee#Tasse42", "Erika Mustermann") == []


@pytest.mark.rule("R-AUTH-3")
def test_short_password_of_one_class_gets_both_warnings():
    assert len(password_warnings("kaffeetas", "")) == 2  # < 11 characters, one character class


@pytest.mark.rule("R-AUTH-3")
def test_three_consecutive_characters_of_the_name_warn():
    assert len(password_warnings("Mustang#2024x", "Erika Mustermann")) == 1  # "mus", "ust"
    assert password_warnings("Muxtang#2024x", "Erika Mustermann") == []  # only "mu": two characters
