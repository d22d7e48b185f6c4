from django.conf import settings
from django.urls import reverse


class ContentSecurityPolicyMiddleware:
    """Sends the site's Content-Security-Policy with every public page: should any markup ever
    slip past the escaping and the sanitizer, the browser still runs no script or plugin that
    the site did not serve itself. Admin pages are left to Django's own defaults."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if (
            policy
            and "Content-Security-Policy" not in response
            and not request.path.startswith(reverse("admin:index"))
        ):
            response["Content-Security-Policy"] = policy
        return response
