from django.urls import path

from generation import views

urlpatterns = [
    path("", views.home, name="home"),
]
