"""The product's URLs plus the floor: the cheapest view Django can serve behind the same middleware."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def floor(request):
    """Return "ok": every other figure in the benchmark is a ratio to this one."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("teaching.urls")),
]
