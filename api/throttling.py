"""The API's per-client rate limit, counted before the page cache so that kept responses
count too: DRF's throttle (its history of each client's requests in the shared cache), applied
to /api/ and /oembed/ as a middleware rather than in each view."""

from django.conf import settings
from django.http import JsonResponse
from rest_framework.throttling import SimpleRateThrottle

PREFIXES = ("/api/", "/oembed/")


class ClientRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per client address (behind TRUSTED_PROXY_COUNT proxies, the
    address they forward)."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT or None

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PREFIXES) and settings.API_RATE_LIMIT:
            throttle = ClientRateThrottle()
            if not throttle.allow_request(request, None):
                wait = max(1, round(throttle.wait() or 1))
                response = JsonResponse(
                    {"detail": f"Too many requests: try again in {wait} seconds."}, status=429
                )
                response["Retry-After"] = str(wait)
                response["Cache-Control"] = "no-store"
                return response
        return self.get_response(request)
