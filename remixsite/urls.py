"""Top-level routes: the web app, the MusicGPT-compatible API, signed file links, the provider
callback and the admin."""
from django.contrib import admin
from django.urls import include, path

from remixes import callbacks

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/public/v1/", include("remixes.api")),
    path("files/", include("remixes.files")),
    path("webhooks/provider/<str:token>/", callbacks.provider_callback, name="provider_webhook"),
    path("", include("remixes.urls")),
]
