"""Accounts pages. Mounted at the site root, because the people pages sit under the
network and organisation they belong to; everything else is under /accounts/."""

from django.urls import path

from citytools.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/me/", views.me, name="me"),
    path("accounts/me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/invitations/<str:token>/", views.invitation, name="invitation"),
    path("accounts/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("accounts/roles/<int:pk>/revoke/", views.revoke_role, name="revoke_role"),
    path("networks/<slug:slug>/people/", views.network_people, name="network_people"),
    path("organisations/<slug:slug>/people/", views.organisation_people, name="organisation_people"),
]
