"""The hand-prepared reads of every signed-in request give what the ORM would."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from teaching.backends import UserBackend
from teaching.hot_reads import RowReader
from teaching.models import User
from teaching.sessions import SessionStore


def test_a_row_read_equals_the_orm_instance_field_for_field(student):
    User.objects.filter(pk=student.pk).update(last_login=timezone.now())
    expected = User.objects.get(pk=student.pk)
    read = RowReader(User).get(student.pk)
    for field in User._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert timezone.is_aware(read.date_joined) and timezone.is_aware(read.last_login)
    assert read._state.adding is False and read._state.db == "default"


def test_a_missing_row_is_none(db):
    assert RowReader(User).get(10**9) is None


def test_the_backend_refuses_an_inactive_user(student):
    assert UserBackend().get_user(student.pk) == student
    User.objects.filter(pk=student.pk).update(is_active=False)
    assert UserBackend().get_user(student.pk) is None


def test_a_session_is_read_back_until_it_expires(student):
    store = SessionStore()
    store[SESSION_KEY] = str(student.pk)
    store.save()
    assert SessionStore(store.session_key).load()[SESSION_KEY] == str(student.pk)

    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key is made on the next save, as Django's store does


@pytest.mark.parametrize("key", ["", "no-such-session-key-000000000000"])
def test_an_unknown_session_key_loads_nothing(db, key):
    assert SessionStore(key).load() == {}
