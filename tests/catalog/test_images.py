"""Image uploads by cooperative staff: ordinary photos in, anything dangerous out as a form error.

Every rejection must be an answer the user can act on (the form again with an
error, or a JSON error for the multiple uploader), never a 500, and must store nothing.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from tests import factories

Image = get_image_model()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    user = factories.user(email="anh@htx-a.example.org")
    cooperative = factories.cooperative(province="01", staff=[user])
    cooperative.refresh_from_db()
    user.collection = cooperative.collection
    return user


def encoded(format_name: str, size=(64, 48), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size, "orange").save(buffer, format_name)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG whose header declares width×height pixels, a few hundred bytes on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * 16)  # far too little data: a decoder would have to invent it
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def upload(client, collection, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": collection.pk,
        },
    )


@pytest.mark.parametrize(
    ("name", "format_name", "content_type"),
    [
        ("mat-ong.jpg", "JPEG", "image/jpeg"),
        ("mat-ong.jpeg", "JPEG", "image/jpeg"),
        ("mat-ong.png", "PNG", "image/png"),
        ("mat-ong.webp", "WEBP", "image/webp"),
    ],
)
def test_ordinary_photos_are_accepted_into_the_cooperatives_collection(
    client, staff, name, format_name, content_type
):
    client.force_login(staff)

    response = upload(client, staff.collection, name, encoded(format_name), content_type)

    assert response.status_code == 302
    image = Image.objects.get(title=name)
    assert image.collection == staff.collection
    assert (image.width, image.height) == (64, 48)
    assert image.get_rendition("fill-32x32").width == 32


def test_heic_photos_from_phones_are_accepted(client, staff):
    pillow_heif = pytest.importorskip("pillow_heif")
    try:
        content = io.BytesIO()
        pillow_heif.from_pillow(PILImage.new("RGB", (64, 48), "orange")).save(content, format="HEIF")
    except Exception as error:  # the wheel may ship without an HEVC encoder
        pytest.skip(f"pillow-heif cannot encode HEIC here: {error}")
    client.force_login(staff)

    response = upload(client, staff.collection, "anh-dien-thoai.heic", content.getvalue(), "image/heic")

    assert response.status_code == 302, response.context["form"].errors
    image = Image.objects.get(title="anh-dien-thoai.heic")
    assert (image.width, image.height) == (64, 48)
    assert image.get_rendition("fill-32x32|format-jpeg").width == 32


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


def _truncated_jpeg() -> bytes:
    whole = encoded("JPEG", size=(400, 300))
    return whole[: len(whole) // 2]


def _too_big() -> bytes:
    # A real JPEG header followed by padding: over the 10 MB limit whatever its content.
    return encoded("JPEG") + b"\x00" * (10 * 1024 * 1024)


@pytest.mark.parametrize(
    ("name", "make_content"),
    [
        pytest.param("logo.svg", lambda: SVG, id="svg"),
        pytest.param("logo.jpg", lambda: SVG, id="svg-renamed-jpg"),
        pytest.param("bom.png", lambda: png_declaring(10_000, 10_000), id="decompression-bomb"),
        pytest.param("bom-hep.png", lambda: png_declaring(60_000, 1_000), id="decompression-bomb-narrow"),
        pytest.param("cat-do.jpg", _truncated_jpeg, id="truncated-jpeg"),
        pytest.param(
            "ghi-chu.jpg", lambda: "Đây là văn bản, không phải ảnh.\n".encode() * 50, id="text-as-jpg"
        ),
        pytest.param("rong.jpg", lambda: b"", id="empty"),
        pytest.param("anh.png", lambda: encoded("JPEG"), id="jpeg-named-png"),
        pytest.param("anh.gif", lambda: encoded("GIF"), id="gif-not-allowed"),
        pytest.param("qua-lon.jpg", _too_big, id="over-10MB"),
    ],
)
def test_unsafe_or_broken_files_are_refused_with_a_form_error(client, staff, name, make_content):
    client.force_login(staff)

    response = upload(client, staff.collection, name, make_content())

    assert response.status_code in (200, 400)
    assert response.context["form"].errors.get("file")
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    ("name", "make_content"),
    [
        pytest.param("bom.png", lambda: png_declaring(10_000, 10_000), id="decompression-bomb"),
        pytest.param("cat-do.jpg", _truncated_jpeg, id="truncated-jpeg"),
        pytest.param("logo.svg", lambda: SVG, id="svg"),
    ],
)
def test_the_multiple_uploader_refuses_them_too(client, staff, name, make_content):
    client.force_login(staff)

    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "files[]": SimpleUploadedFile(name, make_content()),
            "title": name,
            "collection": staff.collection.pk,
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert not Image.objects.exists()


def test_the_multiple_uploader_accepts_a_photo(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "files[]": SimpleUploadedFile("vuon.jpg", encoded("JPEG"), content_type="image/jpeg"),
            "title": "vuon.jpg",
            "collection": staff.collection.pk,
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.json()["success"] is True
    assert Image.objects.get().collection == staff.collection


def test_replacing_an_images_file_is_checked_the_same_way(client, staff):
    client.force_login(staff)
    upload(client, staff.collection, "vuon.png", encoded("PNG"), "image/png")
    image = Image.objects.get()

    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": "vuon.png",
            "file": SimpleUploadedFile("vuon.jpg", _truncated_jpeg()),
            "collection": staff.collection.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors.get("file")
    image.refresh_from_db()
    assert image.file.name.endswith(".png")
