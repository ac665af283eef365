"""Load the 34 provinces and 3,321 wards from `vietnam-provinces`, the 63 former provinces,
and the six OCOP product groups."""

from django.db import migrations

CATEGORIES = [
    # slug, name, English name, subcategories
    ("food", "Thực phẩm", "Food", [
        ("food-rice", "Gạo và ngũ cốc", "Rice and grains"),
        ("food-fruit", "Rau quả tươi và chế biến", "Fresh and processed fruit and vegetables"),
        ("food-seafood", "Thủy sản và sản phẩm từ thủy sản", "Seafood and seafood products"),
        ("food-meat", "Thịt và sản phẩm từ thịt", "Meat and meat products"),
        ("food-condiments", "Gia vị, nước mắm, tương", "Condiments and fish sauce"),
        ("food-tea-coffee", "Chè, cà phê, ca cao", "Tea, coffee and cocoa"),
        ("food-honey", "Mật ong và sản phẩm từ ong", "Honey and bee products"),
    ]),
    ("beverages", "Đồ uống", "Beverages", [
        ("beverages-alcoholic", "Đồ uống có cồn", "Alcoholic drinks"),
        ("beverages-soft", "Đồ uống không cồn", "Soft drinks"),
    ]),
    ("herbal", "Thảo dược", "Herbal products", [
        ("herbal-medicine", "Dược liệu và sản phẩm từ dược liệu", "Medicinal herbs"),
        ("herbal-cosmetics", "Mỹ phẩm từ thảo dược", "Herbal cosmetics"),
    ]),
    ("textiles", "Vải và may mặc", "Textiles and garments", []),
    ("handicrafts", "Thủ công mỹ nghệ, lưu niệm, trang trí", "Handicrafts, souvenirs and decoration", []),
    ("tourism", "Dịch vụ du lịch cộng đồng và điểm bán", "Rural tourism services and points of sale", []),
]


def load(apps, schema_editor):
    from vietnam_provinces import Province as SourceProvince
    from vietnam_provinces import Ward as SourceWard

    from catalog.former_provinces import FORMER_PROVINCES

    Province = apps.get_model("catalog", "Province")
    Ward = apps.get_model("catalog", "Ward")
    FormerProvince = apps.get_model("catalog", "FormerProvince")
    Category = apps.get_model("catalog", "Category")

    def code_of(value):
        return int(getattr(value, "value", value))

    provinces = []
    for source in SourceProvince.iter_all():
        full_name = source.name
        short = full_name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        provinces.append(
            Province(
                code=f"{code_of(source.code):02d}",
                name=short,
                full_name=full_name,
                division_type=getattr(source.division_type, "value", source.division_type),
                codename=source.codename,
            )
        )
    Province.objects.bulk_create(provinces)
    Ward.objects.bulk_create(
        [
            Ward(
                code=f"{code_of(w.code):05d}",
                name=w.name,
                division_type=getattr(w.division_type, "value", w.division_type),
                codename=w.codename,
                province_id=f"{code_of(w.province_code):02d}",
            )
            for w in SourceWard.iter_all()
        ],
        batch_size=500,
    )
    FormerProvince.objects.bulk_create(
        [FormerProvince(code=code, name=name, successor_id=successor) for code, name, successor in FORMER_PROVINCES]
    )
    for order, (slug, name, name_en, children) in enumerate(CATEGORIES):
        group = Category.objects.create(slug=slug, name=name, name_en=name_en, sort_order=order)
        for child_order, (child_slug, child_name, child_name_en) in enumerate(children):
            Category.objects.create(
                slug=child_slug, name=child_name, name_en=child_name_en, parent=group, sort_order=child_order
            )


def unload(apps, schema_editor):
    for model in ("Category", "FormerProvince", "Ward", "Province"):
        model_class = apps.get_model("catalog", model)
        if model == "Category":
            model_class.objects.filter(parent__isnull=False).delete()
        model_class.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
