"""The demo's pictures, drawn locally with Pillow (nothing is downloaded) and saved as Wagtail images.

Used for products (demo/catalog.py) and articles (demo/cms.py).
"""

import io
import zlib

from anyascii import anyascii
from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection

GROUP_COLOURS = {
    "food": ((251, 191, 36), (180, 83, 9)),
    "beverages": ((96, 165, 250), (30, 58, 138)),
    "herbal": ((74, 222, 128), (22, 101, 52)),
    "textiles": ((244, 114, 182), (131, 24, 67)),
    "handicrafts": ((214, 168, 108), (107, 68, 35)),
    "tourism": ((45, 212, 191), (17, 94, 89)),
    "news": ((148, 163, 184), (30, 41, 59)),
}
IMAGE_SIZE = (800, 600)


def demo_image(*, title: str, subtitle: str, group: str, collection=None):
    """A diagonal gradient in the group's colours with the name's initials, saved as a Wagtail image."""
    top, bottom = GROUP_COLOURS.get(group, GROUP_COLOURS["news"])
    seed = zlib.crc32(title.encode())
    mask = PillowImage.linear_gradient("L").rotate(35 + seed % 40, expand=True).resize(IMAGE_SIZE)
    picture = PillowImage.composite(
        PillowImage.new("RGB", IMAGE_SIZE, bottom), PillowImage.new("RGB", IMAGE_SIZE, top), mask
    )
    draw = ImageDraw.Draw(picture)
    # The bundled font has no Vietnamese marks, so draw the folded (ASCII) initials.
    words = [w for w in anyascii(title).split() if w[:1].isalpha()]
    initials = "".join(w[0] for w in words[:2]).upper() or "HTX"
    draw.text(
        (IMAGE_SIZE[0] / 2, IMAGE_SIZE[1] / 2 - 30),
        initials,
        font=ImageFont.load_default(size=240),
        fill=(255, 255, 255),
        anchor="mm",
    )
    draw.text(
        (IMAGE_SIZE[0] / 2, IMAGE_SIZE[1] - 90),
        anyascii(subtitle)[:40],
        font=ImageFont.load_default(size=36),
        fill=(255, 255, 255),
        anchor="mm",
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=82)
    image = get_image_model()(
        title=title,
        collection=collection or Collection.get_first_root_node(),
        file=ImageFile(buffer, name=f"demo-{slugify(anyascii(title))[:50] or 'image'}.jpg"),
    )
    image._set_image_file_metadata()
    image.save()
    return image
