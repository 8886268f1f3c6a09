"""Check a response's security headers, and that its HTML obeys the strict CSP it is sent with."""

import re
from html.parser import HTMLParser

REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
# <script> types a browser does not run: data blocks such as Django's json_script.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


def csp_directives(response) -> dict[str, list[str]]:
    """Return the response's Content-Security-Policy as {directive: [sources]}."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = []
        self.style_attributes = []
        self.handlers = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if "style" in attrs:
            self.style_attributes.append(tag)
        self.handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]

    handle_startendtag = handle_starttag


def assert_security_headers(response, *, authenticated: bool, where: str = "") -> None:
    """Assert the headers every Lens response carries; for HTML, that no script runs without the nonce."""
    where = where or getattr(response, "request", {}).get("PATH_INFO", "")
    directives = csp_directives(response)
    policy = response.headers.get("Content-Security-Policy", "")
    assert directives, f"{where}: no Content-Security-Policy header"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, f"{where}: {policy}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: frame-ancestors is not 'none'"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", f"{where}: no nosniff"
    assert response.headers.get("Referrer-Policy") in REFERRER_POLICIES, f"{where}: Referrer-Policy"
    if authenticated:
        assert "no-store" in response.headers.get("Cache-Control", ""), f"{where}: not Cache-Control no-store"
    if response.headers.get("Content-Type", "").startswith("text/html") and not response.streaming:
        _assert_html_obeys_csp(response.content.decode(), directives, where)


def _assert_html_obeys_csp(html: str, directives: dict[str, list[str]], where: str) -> None:
    nonces = [re.fullmatch(r"'nonce-(.+)'", source) for source in directives.get("script-src", [])]
    nonces = [match.group(1) for match in nonces if match]
    page = _Inspector()
    page.feed(html)
    scripts = [script for script in page.scripts if script.get("type") not in DATA_SCRIPT_TYPES]
    if scripts or re.search(r"<html[\s>]", html, re.IGNORECASE):
        # A whole page always loads scripts; an htmx fragment may have none, and no nonce then.
        assert len(nonces) == 1, f"{where}: script-src has no nonce: {directives.get('script-src')}"
    for script in scripts:
        assert script.get("nonce") == nonces[0], f"{where}: a <script> without the page's nonce: {script}"
        assert script.get("src"), f"{where}: an inline <script>; move it to a static file"
    assert not page.style_attributes, f"{where}: style= attributes on {page.style_attributes}; use classes"
    assert not page.handlers, f"{where}: inline event handlers {page.handlers}"
