"""The Wagtail admin speaks Vietnamese on every screen cooperative and alliance staff reach.

Wagtail's own Vietnamese catalogues translate only part of the admin; the rest comes from
locale/wagtail (see its README.md). Each screen is fetched as the staff member who uses it and
its visible text (text nodes; the title, aria-label, placeholder and alt attributes; the strings
in the JSON that Wagtail's scripts draw the sidebar menus from; not code or styles) is searched
for common English admin labels. The moderation panels are
also checked to be there, in Vietnamese, so their absence cannot pass for a translation.
"""

import json
import re
from html.parser import HTMLParser
from pprint import pformat
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from wagtail.models import TaskState

from catalog.models import Alliance
from tests import factories
from tests.factories import fairs as fair_factories

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Not "Slug": Wagtail labels the field with the msgid "slug", which the project's own catalogue
# (locale/vi, which wins) translates, and so decides.
ENGLISH_LABELS = [
    "Dashboard",
    "Pages",
    "Images",
    "Documents",
    "Reports",
    "Settings",
    "Help",
    "Account",
    "Log out",
    "Search",
    "Save draft",
    "Publish",
    "Unpublish",
    "Submit to",
    "Edit",
    "Delete",
    "Preview",
    "History",
    "Add child page",
    "Your pages and snippets in a workflow",
    "Awaiting your review",
    "Your most recent edits",
    "Status",
    "Live",
    "Draft",
    "Collection",
    "Upload",
    "Title",
    "Sort by",
    "Actions",
    "More actions",
    "Choose",
    "Filter",
    "Comments",
    "Workflow",
    "Workflows",
    "Tasks",
    "Task",
    "Approve",
    "Request changes",
    "Privacy",
    "Content",
    "Promote",
    "Page title",
    "Go live date/time",
    "Expiry date/time",
    "Next",
    "Previous",
]
_LABEL = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_LABELS)) + r")(?![\w-])")
# Wagtail writes this one landmark name into its slim header template without gettext
# (wagtailadmin/shared/headers/_actions.html), so no catalogue can translate it.
_UNTRANSLATABLE = {("aria-label", "Actions")}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        self._json = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
            self._json = ("type", "application/json") in attrs
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                if (name, value) not in _UNTRANSLATABLE:
                    self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1
            self._json = False

    def handle_data(self, data):
        if self._json:
            for string in _strings(json.loads(data)):
                # Block and widget templates travel in the JSON as HTML: read their text too.
                self.parts.extend(visible_texts(string) if "<" in string else [string])
        elif not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.parts


def english_texts(html: str) -> list[str]:
    """The visible texts that contain one of the English labels."""
    return sorted({part for part in visible_texts(html) if _LABEL.search(part)})


def screens_in_english(client, urls) -> tuple[dict[str, list[str] | int], dict[str, str]]:
    """({url: its English texts, or its status if not 200}, {url: its HTML})."""
    found, pages = {}, {}
    for url in urls:
        response = client.get(url)
        is_modal = response["Content-Type"] == "application/json"  # Wagtail's modal dialogs
        pages[url] = response.json()["html"] if is_modal else response.content.decode()
        if response.status_code != 200:
            found[url] = response.status_code
        elif texts := english_texts(pages[url]):
            found[url] = texts
    return found, pages


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once inside a transaction rolled back at the end (like TestCase.setUpTestData)."""
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=FAST_HASHER),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            alliance_staff = factories.user(email="staff@lienminh-hanoi.example.org")
            alliance = factories.alliance(
                name="Liên minh HTX Hà Nội", provinces=["01"], staff=[alliance_staff]
            )
            cooperative_staff = factories.user(email="staff@htx-lua.example.org")
            cooperative = factories.cooperative(name="HTX Lúa gạo", province="01", staff=[cooperative_staff])
            product = factories.product(cooperative=cooperative, name="Gạo thơm")
            in_review = factories.product(
                cooperative=cooperative, name="Gạo nếp", publish=False, submit=True, user=cooperative_staff
            )
            fair = fair_factories.fair(lead=Alliance.objects.get(pk=alliance.pk))
            yield SimpleNamespace(
                alliance_staff=alliance_staff,
                cooperative_staff=cooperative_staff,
                cooperative=cooperative,
                product=product,
                in_review=in_review,
                task_state=TaskState.objects.get(
                    workflow_state__object_id=str(in_review.pk), status=TaskState.STATUS_IN_PROGRESS
                ),
                fair=fair,
            )
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client_as(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = FAST_HASHER

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.mark.django_db
def test_cooperative_staff_see_their_admin_screens_in_vietnamese(client_as, world):
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[world.cooperative.pk]),
        reverse("wagtailadmin_pages:edit", args=[world.product.pk]),
        reverse("wagtailadmin_pages:add", args=["catalog", "productpage", world.cooperative.pk]),
        reverse("wagtailadmin_pages:history", args=[world.in_review.pk]),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add_multiple"),
        reverse("catalog_product_stock", args=[world.product.pk]),
        reverse("catalog_import_products"),
    ]
    english, pages = screens_in_english(client_as(world.cooperative_staff), urls)
    assert not english, pformat(english)
    assert "Trang và đoạn nội dung của bạn đang trong quy trình duyệt" in pages[urls[0]]


@pytest.mark.django_db
def test_alliance_staff_see_review_and_fair_screens_in_vietnamese(client_as, world):
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_pages:edit", args=[world.in_review.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[world.in_review.pk]),
        reverse(
            "wagtailadmin_pages:workflow_action", args=[world.in_review.pk, "reject", world.task_state.pk]
        ),
        reverse("wagtailadmin_explore", args=[world.fair.get_parent().pk]),
        reverse("wagtailadmin_pages:edit", args=[world.fair.pk]),
    ]
    english, pages = screens_in_english(client_as(world.alliance_staff), urls)
    assert not english, pformat(english)
    assert "Đang chờ bạn duyệt" in pages[urls[0]]
    assert world.in_review.title in pages[urls[0]]


JAVASCRIPT_LABELS = [
    "Edit",
    "Delete",
    "Save",
    "Reply",
    "Resolve",
    "Enter your comments...",
    "Main menu",
    "Page explorer",
    "Toggle sidebar",
    "Insert a block",
]


@pytest.mark.django_db
def test_javascript_catalogue_translates_comments_and_sidebar(client_as, world):
    """Comments, the sidebar and the page explorer are drawn by Wagtail's scripts from /admin/jsi18n/."""
    response = client_as(world.cooperative_staff).get(reverse("wagtailadmin_javascript_catalog"))
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)[1])
    untranslated = [label for label in JAVASCRIPT_LABELS if catalogue.get(label, label) == label]
    assert not untranslated
