from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from teaching.security_log import log_event, log_warning, user_fields


class PrivateCacheMiddleware:
    """
    Keep signed-in pages out of every cache, and vary pages on htmx.

    Students share classroom computers: the back button after logout must not
    show the previous student's work from the browser cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        # A URL answers with a whole page or with its fragment, depending on this header.
        patch_vary_headers(response, ["HX-Request"])
        return response


# When the idle timeout last saw a request from this session (seconds since the epoch).
LAST_SEEN_KEY = "_lens_last_seen"
# Saving the session is a database write: do it at most this often per session.
LAST_SEEN_REFRESH_SECONDS = 60


class SessionIdleTimeoutMiddleware:
    """
    End a signed-in session after ``SESSION_COOKIE_AGE`` seconds without a request.

    Django stores a session's expiry when the session is saved, and saves it only
    when it changes, so by itself a session would expire an hour after login
    however busy the student was. Here each request refreshes the expiry, but the
    session is written at most once a minute. The session cookie itself still
    dies with the browser (``SESSION_EXPIRE_AT_BROWSER_CLOSE``), which is why the
    expiry is refreshed by saving rather than by ``set_expiry``: that would turn
    the cookie into a persistent one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(timezone.now().timestamp())
            last_seen = session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_COOKIE_AGE:
                # The session store should not have handed this session back at all
                # (cookie-based stores only check the age of the cookie): end it here.
                log_event("session.expired", **user_fields(request.user))
                logout(request)
            elif last_seen is None or now - last_seen >= LAST_SEEN_REFRESH_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class RefusedAccessLogMiddleware:
    """
    Log a signed-in user's 404 on a URL that exists: someone else's object, or a page for another role.

    The access decorators answer those with 404 (so nothing leaks that the object
    exists); the log is where a school can still see who tried. A mistyped address
    resolves to no view and is not logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if response.status_code == 404 and match is not None and request.user.is_authenticated:
            log_warning(
                "access.refused",
                status=404,
                method=request.method,
                view=match.view_name,
                path=request.path,
                **user_fields(request.user),
            )
        return response


# The form encodings Lens's pages send: plain forms and htmx, and devices.js's FormData.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REPLACEMENT_CHARACTER = "\ufffd"


def undecodable_form(request) -> bool:
    """Return whether a posted form's text is not valid UTF-8, which Django would quietly garble."""
    if request.content_type == FORM_TYPES[0]:
        try:
            # Raw bytes and %-escapes alike must decode: Django falls back to Latin-1 for the
            # former and to U+FFFD for the latter, and the view would store the garbage.
            parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return True
        return False
    # Multipart fields are decoded with U+FFFD for bad bytes. One in the parsed form that the
    # raw body does not contain as UTF-8 is such a replacement.
    texts = [text for key, values in request.POST.lists() for text in (key, *values)]
    return any(REPLACEMENT_CHARACTER in text for text in texts) and (
        REPLACEMENT_CHARACTER.encode() not in request.body
    )


class FormTextMiddleware:
    """
    Refuse a form post whose text is not valid UTF-8 with 400, before any view can store it.

    Django decodes such a form without complaint, replacing what it cannot read, so a
    class or a student could be saved with a name of "�" characters. Runs after the
    CSRF check (``process_view``, placed after CsrfViewMiddleware): a forged post is a 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            # Read the raw bytes now: once the form is parsed from the stream they are gone,
            # and process_view compares them with the parsed form. Lens takes no uploads.
            request.body  # noqa: B018
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        posted_form = request.method == "POST" and request.content_type in FORM_TYPES
        if not posted_form or not undecodable_form(request):
            return None
        log_warning("form.undecodable", path=request.path, **user_fields(getattr(request, "user", None)))
        template = "teaching/form_text_refused.html"
        if getattr(request, "htmx", False):
            template += "#message"
        return render(request, template, status=400)
