"""Admin integration for the catalogue (registered by Wagtail on start-up)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from . import permissions, services
from .admin_import import import_products_view
from .admin_import import menu_item as product_import_menu_item
from .admin_stock import ProductStockView
from .converters import MAX_ID
from .models import Alliance, Category, CooperativePage, ProductPage, SearchSynonym

# === Access, moderation and stock (permissions block) =========================================
# Provisioning a cooperative's staff group when its page is created in the admin, keeping a
# moved product's cooperative in step with the tree, the stock editor link, and the
# administrator-only screens for alliances and categories.


@hooks.register("after_create_page")
def set_up_created_page(request, page):
    """A cooperative created in the admin gets its staff group, collection and subtree rights;
    a product gets its denormalised cooperative, which a draft's save leaves empty (Wagtail
    validates a draft only minimally, so ProductPage.clean() has not run)."""
    if page.specific_class is CooperativePage:
        services.cooperative_provision_access(cooperative=page.specific)
    elif page.specific_class is ProductPage:
        ProductPage.objects.filter(pk=page.pk).update(cooperative_id=page.get_parent().pk)


@hooks.register("before_move_page")
def check_page_move(request, page, destination):
    """Refuse a move the user may not make before anything is shown, and product SKU clashes.

    Wagtail's move confirmation page checks the permission only when the move is
    posted, so without this anyone with admin access could GET it for any page and
    read the titles of pages that are not theirs.
    """
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied
    if page.specific_class is not ProductPage:
        return None
    sku = ProductPage.objects.filter(pk=page.pk).values_list("sku", flat=True).first()
    if (
        sku
        and ProductPage.objects.filter(cooperative_id=destination.pk, sku=sku).exclude(pk=page.pk).exists()
    ):
        messages.error(request, _("The destination cooperative already has a product with this SKU."))
        return redirect("wagtailadmin_pages:move", page.pk)
    return None


@hooks.register("after_move_page")
def keep_moved_product_cooperative(request, page):
    """ProductPage.cooperative is denormalised from the tree; follow the page to its new parent."""
    if page.specific_class is not ProductPage:
        return
    # With localisation on, the page's translations are moved too, each under its own parent.
    for moved in Page.objects.filter(translation_key=page.translation_key):
        ProductPage.objects.filter(pk=moved.pk).update(cooperative_id=moved.get_parent().pk)


class ProductStockMenuItem(PageMenuItem):
    label = _("Stock and capacity")
    icon_name = "clipboard-list"
    url_name = "catalog_product_stock"

    def is_shown(self, user):
        return self.page.specific_class is ProductPage and permissions.may_edit_stock(user, self.page)


@hooks.register("register_page_listing_more_buttons")
def product_stock_listing_button(page, user, next_url=None):
    yield ProductStockMenuItem(page=page, priority=15)


@hooks.register("register_page_header_buttons")
def product_stock_header_button(page, user, view_name, next_url=None):
    yield ProductStockMenuItem(page=page, priority=25)


@hooks.register("register_admin_urls")
def register_product_stock_url():
    return [path("catalog/stock/<id:page_id>/", ProductStockView.as_view(), name="catalog_product_stock")]


register_permission_policy(Alliance, permissions.SuperuserOnlyPermissionPolicy(Alliance))
register_permission_policy(Category, permissions.SuperuserOnlyPermissionPolicy(Category))


class AllianceCreateView(CreateView):
    def save_instance(self):
        """Through the service, so a new alliance gets its staff group like everywhere else."""
        data = self.form.cleaned_data
        return services.alliance_create(
            name=data["name"],
            kind=data["kind"],
            provinces=data["provinces"],
            short_name=data["short_name"],
            email=data["email"],
            phone=data["phone"],
        )


class AllianceViewSet(ModelViewSet):
    model = Alliance
    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("kind"),
        FieldPanel("provinces", widget=forms.CheckboxSelectMultiple),
        FieldPanel("email"),
        FieldPanel("phone"),
    ]
    add_view_class = AllianceCreateView
    icon = "group"
    menu_label = _("Alliances")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "short_name", "kind", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    copy_view_enabled = False


class CategoryViewSet(ModelViewSet):
    model = Category
    form_fields = ["name", "name_en", "slug", "parent", "sort_order"]
    icon = "tag"
    menu_label = _("Categories")
    add_to_admin_menu = True
    menu_order = 320
    list_display = ["name", "name_en", "slug", "parent", "sort_order"]
    search_fields = ["name", "name_en", "slug"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_reference_data_viewsets():
    return [AllianceViewSet("catalog_alliances"), CategoryViewSet("catalog_categories")]


# === end of the permissions block ==============================================================


# === Product imports (catalog/admin_import.py) ==================================================
# Cooperative staff upload a product file; the listings go to their alliance for review.


@hooks.register("register_admin_urls")
def register_product_import_url():
    return [path("catalog/import-products/", import_products_view, name="catalog_import_products")]


@hooks.register("register_admin_menu_item")
def register_product_import_menu_item():
    return product_import_menu_item()


# === end of the product imports block ===========================================================


# === Search synonyms (catalog/search/) ==========================================================
# Alliance staff keep the list of words buyers use for the same thing (cafe = cà phê = coffee).


register_permission_policy(SearchSynonym, permissions.AllianceStaffPermissionPolicy(SearchSynonym))


class SearchSynonymViewSet(ModelViewSet):
    model = SearchSynonym
    form_fields = ["terms"]
    icon = "search"
    menu_label = _("Search synonyms")
    add_to_admin_menu = True
    menu_order = 330
    list_display = ["terms"]
    search_fields = ["terms"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_search_synonym_viewset():
    return SearchSynonymViewSet("catalog_search_synonyms")


# === end of the search synonyms block ===========================================================


# === Page chooser (construct_page_chooser_queryset) =============================================
# The chooser (/admin/choose-page/, its child listings and its search) lists any page by its
# latest title; without this, cooperative staff read other cooperatives' draft and in-review
# listing titles there.


def _check_target_pages(request) -> None:
    """The browse view reads `target_pages[]` with int() after this hook has run, so "abc" or
    10^30 there was a ValueError or a database overflow (a 500); refuse them first (a 404)."""
    for value in request.GET.getlist("target_pages[]"):
        if value and not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID):
            raise Http404


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser(pages, request):
    _check_target_pages(request)
    shown = permissions.pages_visible_in_chooser(request.user)
    if shown is None:
        return pages
    # Browsing into a page shows that page's own title above its children: refuse a page the
    # user may not see, as if it did not exist.
    parent_id = request.resolver_match.kwargs.get("parent_page_id") if request.resolver_match else None
    if parent_id is not None and not shown.filter(pk=parent_id).exists():
        raise Http404
    return pages.filter(pk__in=shown.values("pk"))


# === Failed background tasks (catalog/admin_task_failures.py) ===================================
# Administrators and alliance staff see which background tasks failed, and whether they will be
# tried again (background/retry.py records them).

from . import admin_task_failures  # noqa: E402


@hooks.register("register_admin_urls")
def register_task_failure_urls():
    return [
        path(
            "reports/background-tasks/", admin_task_failures.task_failures_view, name="catalog_task_failures"
        ),
        path(
            "reports/background-tasks/results/",
            admin_task_failures.task_failures_results_view,
            name="catalog_task_failures_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_task_failures_menu_item():
    return admin_task_failures.menu_item()


# === end of failed background tasks ===
