from django.urls import path

from generation import api, views

urlpatterns = [
    path("", views.home, name="home"),
    path("create/", views.job_create, name="job_create"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:pk>/cancel/", views.job_cancel_view, name="job_cancel"),
    path("jobs/<int:pk>/appeal/", views.job_appeal, name="job_appeal"),
    path("jobs/<int:pk>/delete/", views.job_delete_view, name="job_delete"),
    path("jobs/<int:pk>/preview.jpg", views.job_preview, name="job_preview"),
    path("jobs/<int:pk>/resubmit/", views.job_resubmit, name="job_resubmit"),
    path("videos/", views.my_videos, name="my_videos"),
    path("videos/bulk/", views.videos_bulk, name="videos_bulk"),
    path("community/", views.community, name="community"),
    path("videos/<int:pk>/", views.video_detail, name="video_detail"),
    path("videos/<int:pk>/remix/", views.video_remix, name="video_remix"),
    path("videos/<int:pk>/share/", views.video_share, name="video_share"),
    path("videos/<int:pk>/report/", views.video_report, name="video_report"),
    path("videos/<int:pk>/media.mp4", views.video_media, name="video_media"),
    path("videos/<int:pk>/poster.jpg", views.video_poster, name="video_poster"),
    path("api/v1/jobs", api.jobs, name="api_jobs"),
    path("api/v1/jobs/<int:pk>", api.job, name="api_job"),
    path("api/v1/videos", api.videos, name="api_videos"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
]
