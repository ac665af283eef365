"""Image upload form: Wagtail's checks, made safe against hostile and damaged files.

Wagtail's image field learns an image's size by decoding all of it (Willow converts
the file to a Pillow image and loads it) and only then compares the pixel count
with the limit, and it lets a decoding error escape as a 500. So this form:

- refuses an image by the size its header declares, before anything decodes it,
  so a small file declaring 100 million pixels costs nothing;
- turns any decoding failure (truncated JPEG, text renamed .jpg) into a form error;
- decodes the whole file once more within the limit, so a file Pillow can open but
  not read fails here rather than later, when a rendition is made for a public page;
- refuses a request naming a collection the user may not upload to (403).
"""

import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

try:  # HEIC uploads from phones
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is in requirements.txt
    pass

DAMAGED = _("This image file is damaged or incomplete. Please upload it again.")


def _too_many_pixels(pixels: int | None = None) -> forms.ValidationError:
    limit = f"{settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:,}"
    if pixels is None:
        message = _("This image has too many pixels. The limit is %(limit)s.") % {"limit": limit}
    else:
        message = _("This image has too many pixels (%(pixels)s). The limit is %(limit)s.") % {
            "pixels": f"{pixels:,}",
            "limit": limit,
        }
    return forms.ValidationError(message, code="file_too_many_pixels")


def check_image_header(uploaded) -> None:
    """Raise ValidationError if the header declares more pixels than allowed; decodes nothing.

    A file Pillow does not recognise passes: Wagtail's own checks then say why it is refused.
    """
    position = uploaded.tell()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(uploaded) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:
        return  # unreadable: Wagtail's field reports it
    finally:
        uploaded.seek(position)
    if width * height * frames > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
        raise _too_many_pixels(width * height * frames)


def check_image_decodes(uploaded) -> None:
    """Raise ValidationError unless the whole file decodes within the pixel limit."""
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(uploaded) as image:
                width, height = image.size
                if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(width * height)
                image.load()
    except forms.ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:
        raise forms.ValidationError(DAMAGED, code="invalid_image") from None
    finally:
        if hasattr(uploaded, "seek"):
            uploaded.seek(position)


class SafeImageField(WagtailImageField):
    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "seek") and hasattr(data, "size"):
            self.check_image_file_size(data)
            check_image_header(data)
        try:
            return super().to_python(data)
        except forms.ValidationError:
            raise
        except Exception:
            # Willow decodes the file to measure it; a damaged one must not become a 500.
            raise forms.ValidationError(DAMAGED, code="invalid_image") from None


class SafeImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields and not isinstance(self.fields["file"], SafeImageField):
            wagtail_field = self.fields["file"]
            self.fields["file"] = SafeImageField(
                label=wagtail_field.label, required=wagtail_field.required, widget=wagtail_field.widget
            )

    def clean(self):
        cleaned = super().clean()
        self._refuse_foreign_collection()
        return cleaned

    def _refuse_foreign_collection(self) -> None:
        """A request naming a collection the user may not add to has been tampered with.

        Wagtail offers only the user's own collections, and with a single one it drops
        the field and quietly files the upload there; either way a submitted foreign
        collection never comes from the form, so it is refused (403), not corrected.
        """
        submitted = self.data.get(self.add_prefix("collection"))
        if submitted in (None, ""):
            return
        if str(submitted) not in {str(collection.pk) for collection in self.collections}:
            raise PermissionDenied

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            check_image_decodes(uploaded)
        return uploaded
