"""Account URLs under /accounts/ (config/urls.py mounts allauth's own next to these).

The names the templates use (accounts:login, accounts:logout, accounts:signup) stay, pointing at
allauth's views; allauth's names (account_login, account_reset_password, ...) reach the same pages.
Sign-up is ours (accounts/views.py) under both names, as it comes first.
"""

from allauth.account import views as allauth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("signup/", views.signup, name="signup"),
]
