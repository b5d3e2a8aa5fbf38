from django.conf import settings
from django.http import HttpRequest

from access.selectors import site_state


def site(request: HttpRequest) -> dict:
    """Every page: the site name, and while paused the banner (#site-banner) saying why."""
    state = site_state()
    banner = f"The studio is paused: {state.reason}" if state.paused else ""
    return {"site_name": settings.SITE_NAME, "site_banner": banner, "site_state": state}
