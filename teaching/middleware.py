from django.utils.cache import add_never_cache_headers, patch_vary_headers


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
