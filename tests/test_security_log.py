"""The security log: one event per line, escaped values, no secrets; and the events the app logs."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from teaching.security_log import escape_value, format_event, log_event, pseudonym

PASSWORD = "correct-horse-battery"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="lens.security")
    return caplog


def lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "lens.security"]


def test_event_is_key_value_pairs_after_the_event_name():
    assert format_event("login.success", user=7, username="amber123") == (
        "event=login.success user=7 username=amber123"
    )


def test_values_with_spaces_or_equals_are_quoted_so_they_cannot_pose_as_fields():
    line = format_event("login.success", name="Amber event=logout user=1")
    assert line == 'event=login.success name="Amber event=logout user=1"'


def test_newline_and_carriage_return_in_a_display_name_stay_on_one_line():
    line = format_event("login.success", name="Amber\nevent=login.success user=1\r\nFox")
    assert "\n" not in line and "\r" not in line
    assert line == r'event=login.success name="Amber\nevent=login.success user=1\r\nFox"'


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("tab\there", r'"tab\there"'),
        ("bell\x07", r'"bell\x07"'),
        ("next\x85line", r'"next\x85line"'),
        ("line\u2028separator", r'"line\u2028separator"'),
        ("right\u202eto-left", r'"right\u202eto-left"'),
        ("", '""'),
        ("Zoë Fox", '"Zoë Fox"'),
    ],
)
def test_escape_value_escapes_quotes_backslashes_and_every_control_character(raw, escaped):
    assert escape_value(raw) == escaped


def test_fields_set_to_none_are_left_out():
    assert format_event("logout", user=None, username="a") == "event=logout username=a"


@pytest.mark.parametrize("key", ["password", "password1", "code", "answer", "text"])
def test_secrets_and_answers_are_refused_as_keys(key):
    with pytest.raises(ValueError, match="never go to the log"):
        format_event("login.failure", **{key: "x"})


def test_keys_must_be_plain_identifiers():
    with pytest.raises(ValueError, match="identifiers"):
        format_event("x", **{"bad key": 1})


def test_log_event_writes_one_record_on_the_lens_security_logger(security_log):
    log_event("login.success", name="two\nlines")
    assert lines(security_log) == [r'event=login.success name="two\nlines"']


def test_pseudonym_is_stable_and_does_not_contain_the_text():
    assert pseudonym("hunter2") == pseudonym("hunter2")
    assert pseudonym("hunter2") != pseudonym("hunter3")
    assert "hunter2" not in pseudonym("hunter2")


# Events the app logs ---------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Dozens of logins here; the production hasher's cost is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_successful_login_logs_one_line_even_with_control_characters_in_the_display_name(
    make_user, security_log
):
    make_user("amber", display_name="Amber\nevent=login.failure\rFox")
    login(Client(), "amber")
    [line] = [line for line in lines(security_log) if "login.success" in line]
    assert "\n" not in line and "\r" not in line
    assert r'name="Amber\nevent=login.failure\rFox"' in line
    assert "username=amber" in line and "role=student" in line


def test_failed_login_never_logs_the_password(make_user, security_log):
    make_user("amber")
    login(Client(), "amber", password="not-my-Secret-99")
    text = "\n".join(lines(security_log))
    assert "event=login.failure username=amber" in text
    assert "not-my-Secret-99" not in text


def test_failed_login_with_an_unknown_username_logs_a_pseudonym_not_the_text(db, security_log):
    # People type their password into the username box.
    login(Client(), "my-Secret-pass\nevent=login.success", password="x")
    [line] = lines(security_log)
    assert line.startswith("event=login.failure unknown_username=")
    assert "Secret" not in line and "\n" not in line


def test_logout_is_logged(make_user, security_log):
    user = make_user("amber")
    client = Client()
    client.force_login(user)
    client.post(reverse("logout"))
    assert f"event=logout user={user.pk} username=amber" in lines(security_log)


def test_a_signed_in_users_404_on_a_real_url_is_logged_as_refused_access(make_user, security_log):
    student = make_user("amber")
    client = Client()
    client.force_login(student)
    response = client.get(reverse("lesson_list"))  # a teacher page
    assert response.status_code == 404
    [line] = [line for line in lines(security_log) if "access.refused" in line]
    assert "status=404" in line and "view=lesson_list" in line and f"user={student.pk}" in line


def test_a_mistyped_address_is_not_logged_as_refused_access(make_user, security_log):
    client = Client()
    client.force_login(make_user("amber"))
    assert client.get("/no-such-page/").status_code == 404
    assert not [line for line in lines(security_log) if "access.refused" in line]


def test_a_post_refused_by_csrf_is_logged_and_explained(make_user, security_log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("amber"))
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()
    [line] = [line for line in lines(security_log) if "access.refused" in line]
    assert "status=403" in line and "method=POST" in line and "path=/logout/" in line
