from django.urls import path

from generation.consumers import JobEventsConsumer

websocket_urlpatterns = [
    path("ws/events/", JobEventsConsumer.as_asgi(), name="ws_events"),
]
