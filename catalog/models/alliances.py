"""Cooperative alliances (liên minh hợp tác xã): the organisers and moderators."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import Province


class Alliance(models.Model):
    """The national Vietnam Cooperative Alliance, or a provincial alliance.

    A provincial alliance looks after the cooperatives seated in its provinces and
    reviews their listings. The national alliance reviews where no provincial one
    covers a province. Staff are the members of the alliance's Wagtail group.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National (VCA)")
        PROVINCIAL = "provincial", _("Provincial")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROVINCIAL)
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="alliances", verbose_name=_("provinces")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    staff_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="alliance", editable=False, null=True
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    def __str__(self):
        return self.short_name or self.name
