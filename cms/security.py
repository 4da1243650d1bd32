"""Small security helpers used by settings: the client address for login throttling."""

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
