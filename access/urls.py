from django.urls import path

from access import views

urlpatterns = [
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("account/tokens/", views.token_list, name="token_list"),
    path("account/tokens/new/", views.token_create_view, name="token_create"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("audit/export.csv", views.audit_export_csv, name="audit_export_csv"),
    path("audit/export.jsonl", views.audit_export_jsonl, name="audit_export_jsonl"),
]
