from django.urls import path

from access import views

urlpatterns = [
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
