"""Security helpers used by settings: the login-throttling backend and the client address it keys on."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address our trusted proxies saw.

    With ``TRUSTED_PROXY_COUNT`` = n (> 0), the n-th address from the right of
    X-Forwarded-For is the one the outermost trusted proxy received the request from;
    anything left of it was written by the client and is not trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a clear page, status 429, with Retry-After."""
    from django.shortcuts import render

    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(
        request,
        "security/lockout.html",
        {"minutes": minutes, "username": (credentials or {}).get("username") or request.POST.get("username", "")},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class ThrottledLoginBackend(AxesStandaloneBackend):
    """django-axes' check before the model backend; a sign-in without an HTTP request is not throttled.

    Every web sign-in (the admin's login form) passes its request and is throttled. Code that
    authenticates without one (a script, Django's test client ``login()``) has no address to key a
    lockout on, so axes is skipped instead of raising, and the model backend decides alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
