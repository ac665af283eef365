"""URL map: admin, API, accounts (ours, then allauth's), search, sitemap, then Wagtail serves the page tree in vi and /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from catalog.admin_chooser import VisibleChosenPagesView
from catalog.views import search_page
from config.api import api
from marketplace.views.dev_card import confirm_with_test_card
from marketplace.views.webhooks import stripe_webhook

# A database error outside a view is a 503 "try again", anything else Django's 500 page (config/unavailable.py).
handler500 = "config.unavailable.server_error"

urlpatterns = [
    # The admin logs in through the site's log-in and its rate limits (settings.WAGTAILADMIN_LOGIN_URL),
    # so Wagtail's own log-in form is never reachable.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    # Ahead of Wagtail's own, which answers for any page id (catalog/admin_chooser.py).
    path(
        "admin/choose-page/chosen-multiple/",
        require_admin_access(VisibleChosenPagesView.as_view()),
        name="wagtailadmin_choose_page_chosen_multiple",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    # Development only (404 unless DEBUG and localstripe): see marketplace/views/dev_card.py.
    path("payments/dev/test-card/", confirm_with_test_card, name="dev_card_confirm"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("i18n/setlang/", set_language, name="set_language"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.account.urls")),
    path("tim-kiem/", search_page, name="search"),
    path("hoi-cho-tham-gia/", include("fairs.urls")),
    path("", include("marketplace.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
