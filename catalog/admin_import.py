"""Product upload in the Wagtail admin for cooperative staff.

Staff upload the same file the operators' `import_products` command reads. Rows
may only name the uploader's own cooperatives, and every created or changed
listing goes to the alliance for review instead of going live. Any bad row
means nothing is imported; the page lists every bad row with its line number.
"""

from django import forms
from django.http import HttpResponseForbidden
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import imports
from .permissions import may_import_products, staffed_cooperatives

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Every listing is submitted for review one by one; beyond this an operator should run the command.
MAX_UPLOAD_ROWS = 500


class ProductImportForm(forms.Form):
    file = forms.FileField(
        label=_("Product file"),
        help_text=_("A CSV (UTF-8) or Excel (.xlsx) file with the columns listed below, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            imports.check_extension(upload.name)
        except imports.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; split it into smaller files."))
        return upload


class ProductImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "catalog/admin/import_products.html"
    form_class = ProductImportForm
    page_title = _("Import products")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        # Wagtail turns PermissionDenied into a redirect to the dashboard; answer 403 plainly.
        if not may_import_products(request.user):
            return HttpResponseForbidden(_("Only the staff of a cooperative can import its products."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = imports.PRODUCT_COLUMNS
        user = self.request.user
        context["cooperatives"] = [] if user.is_superuser else staffed_cooperatives(user).order_by("title")
        context["max_rows"] = MAX_UPLOAD_ROWS
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        user = self.request.user
        try:
            report = imports.import_products(
                upload,
                filename=upload.name,
                submit=True,
                managed=None if user.is_superuser else list(staffed_cooperatives(user)),
                user=user,
                max_rows=MAX_UPLOAD_ROWS,
            )
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, report=report))


import_products_view = ProductImportView.as_view()


class ProductImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import_products(request.user)


def menu_item() -> ProductImportMenuItem:
    return ProductImportMenuItem(
        _("Import products"),
        reverse("catalog_import_products"),
        name="catalog-import-products",
        icon_name="upload",
        order=250,
    )
