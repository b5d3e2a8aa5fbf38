"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets are authenticated by the session cookie and origin-checked against
ALLOWED_HOSTS (a missing Origin header is refused).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from sora_site.asgi_limits import HeaderLimit  # noqa: E402
from sora_site.routing import websocket_urlpatterns  # noqa: E402

application = HeaderLimit(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
