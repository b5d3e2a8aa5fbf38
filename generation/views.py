from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Artists: the studio's front page. Login required (middleware)."""
    return render(request, "home.html", {})
