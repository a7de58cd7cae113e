"""Routes of the web app: accounts, the remix form, job pages, history and the account page.
The page URLs are stable (the issue lists them); the rest are the htmx endpoints those pages call."""
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("remixes/", views.history, name="history"),
    path("remixes/new/", views.remix_create, name="remix_create"),
    path("remixes/estimate/", views.remix_estimate, name="remix_estimate"),
    path("remixes/<uuid:task_id>/", views.job, name="job"),
    path("remixes/<uuid:task_id>/chip/", views.job_chip, name="job_chip"),
    path("remixes/<uuid:task_id>/delete/", views.job_delete, name="job_delete"),
    path("remixes/<uuid:task_id>/lyrics/<int:index>.lrc", views.lyrics_lrc, name="lyrics_lrc"),
    path("remixes/<uuid:task_id>/lyrics/<int:index>.json", views.lyrics_json, name="lyrics_json"),
    path("uploads/<uuid:upload_id>/delete/", views.upload_delete, name="upload_delete"),
    path("account/", views.account, name="account"),
    path("account/api-keys/", views.api_key_create, name="api_key_create"),
    path("account/api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("account/webhook-secret/", views.webhook_secret, name="webhook_secret"),
    path("account/webhook-secret/rotate/", views.webhook_secret_rotate, name="webhook_secret_rotate"),
]
