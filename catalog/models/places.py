"""Administrative units in force since 1 July 2025, and the 63 provinces they replaced.

The 34 provinces and 3,321 communes/wards are loaded from the `vietnam-provinces`
data package by a migration; nobody types them in.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """Province-level unit (tỉnh / thành phố trực thuộc trung ương)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    full_name = models.CharField(_("official name"), max_length=120)
    division_type = models.CharField(_("division type"), max_length=40)
    codename = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Ward(models.Model):
    """Commune-level unit (xã, phường, đặc khu)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("division type"), max_length=40)
    codename = models.CharField(max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="wards", verbose_name=_("province")
    )

    class Meta:
        ordering = ["province_id", "name"]
        verbose_name = _("ward or commune")
        verbose_name_plural = _("wards and communes")

    def __str__(self):
        return self.name


class FormerProvince(models.Model):
    """One of the 63 pre-2025 provinces, and the province that succeeded it."""

    code = models.CharField(_("former code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    successor = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="predecessors", verbose_name=_("successor")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("former province")
        verbose_name_plural = _("former provinces")

    def __str__(self):
        return f"{self.name} → {self.successor.name}"
