"""Demo data for the platform, built through the same services production uses.

`build_demo()` creates alliances for all 34 provinces and the national VCA,
cooperatives in every province with products in all six OCOP groups (some with
valid, expiring or expired OCOP certificates), the demo accounts, and a few news
and market articles. Pictures are drawn locally with Pillow; nothing is downloaded.

It is idempotent: what already exists (keyed on names, tax codes, SKUs and
emails) is left as it is, so a second run adds nothing and changes nothing.
`scale_products` adds a large catalogue through `products_bulk_upsert`, whose
SKUs are deterministic, so running it again updates rows instead of duplicating.
"""

import datetime
import io
import random
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.images import ImageFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task_backends
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection

from accounts.services import email_mark_verified
from cms.demo import build_articles

from . import search, services
from .models import Alliance, Category, CooperativePage, ProductPage, Province, Ward
from .models.products import OCOP_EXPIRING_DAYS
from .places import UnknownWard, resolve_ward

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the published password of the demo accounts (README)
NATIONAL_ALLIANCE = "Liên minh Hợp tác xã Việt Nam"
HTX1_PROVINCE = "01"  # htx1@ works for a Hà Nội cooperative …
HTX2_PROVINCE = "91"  # … and htx2@ for one in An Giang (Phú Quốc fish sauce).
MINISTRY_RENAMED_ON = datetime.date(2025, 3, 1)  # Bộ NN&PTNT merged into Bộ NN&MT
PROVINCES_MERGED_ON = datetime.date(2025, 7, 1)


# --- products ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductTemplate:
    key: str
    sku: str
    name: str
    name_en: str
    category: str
    unit: str
    price_vnd: int
    about: str
    about_en: str
    shelf_life_days: int | None = None
    months: tuple[int, ...] = ()
    min_order_qty: int = 1


T = ProductTemplate
# fmt: off
TEMPLATES = {t.key: t for t in [
    # Food: rice and grains
    T("gao-st25", "GAO-ST25", "Gạo ST25", "ST25 fragrant rice", "food-rice", "túi 5 kg", 185_000,
      "Gạo thơm ST25 hạt dài, cơm dẻo, thơm mùi lá dứa.", "Long-grain ST25 rice, soft, with a pandan scent.", 365, (), 2),
    T("gao-tam-dien-bien", "GAO-TAM", "Gạo tám thơm Điện Biên", "Dien Bien fragrant rice", "food-rice", "túi 5 kg", 160_000,
      "Gạo tám trồng trên cánh đồng Mường Thanh, hạt nhỏ, cơm thơm.", "Fragrant rice from the Muong Thanh valley.", 365, (), 2),
    T("gao-tam-xoan", "GAO-TX", "Gạo Tám xoan Hải Hậu", "Hai Hau Tam Xoan rice", "food-rice", "túi 5 kg", 150_000,
      "Giống lúa tám xoan truyền thống vùng ven biển Nam Định.", "Traditional Tam Xoan rice from the coast of former Nam Dinh.", 365, (), 2),
    T("gao-nep-cai-hoa-vang", "NEP-CHV", "Gạo nếp cái hoa vàng", "Yellow-flower glutinous rice", "food-rice", "túi 2 kg", 90_000,
      "Nếp cái hoa vàng hạt tròn, dẻo, dùng đồ xôi và làm bánh chưng.", "Round glutinous rice for sticky rice and Tet cakes.", 365),
    T("com-lang-vong", "COM-VONG", "Cốm làng Vòng", "Vong village green rice flakes", "food-rice", "gói 500 g", 130_000,
      "Cốm non giã tay, gói lá sen, chỉ có vào mùa thu.", "Hand-pounded young rice flakes wrapped in lotus leaves, in autumn only.", 7, (8, 9, 10)),
    T("mien-dong", "MIEN-DONG", "Miến dong", "Arrowroot vermicelli", "food-rice", "túi 500 g", 65_000,
      "Miến làm từ tinh bột củ dong riềng, sợi dai, không chất tẩy trắng.", "Chewy vermicelli made from arrowroot starch, unbleached.", 365, (), 10),
    T("banh-trang", "BANH-TRANG", "Bánh tráng phơi sương Trảng Bàng", "Trang Bang dew-dried rice paper", "food-rice", "xấp 500 g", 60_000,
      "Bánh tráng nướng rồi phơi sương đêm, mềm dẻo, ăn kèm thịt luộc và rau rừng.", "Rice paper grilled then softened in the night dew.", 30),
    # Food: fruit, nuts and vegetables
    T("rau-huu-co", "RAU-HC", "Rau hữu cơ theo mùa", "Seasonal organic vegetables", "food-fruit", "kg", 45_000,
      "Rau ăn lá và rau củ trồng theo tiêu chuẩn hữu cơ, thu hoạch trong ngày.", "Organic leafy and root vegetables, picked the day they ship.", 5, (), 5),
    T("buoi-dien", "BUOI-DIEN", "Bưởi Diễn", "Dien pomelo", "food-fruit", "kg", 55_000,
      "Bưởi Diễn vỏ mỏng, tép vàng, ngọt thanh, vào vụ dịp Tết.", "Thin-skinned, sweet pomelo, in season for Tet.", 60, (11, 12, 1), 10),
    T("buoi-doan-hung", "BUOI-DH", "Bưởi Đoan Hùng", "Doan Hung pomelo", "food-fruit", "kg", 45_000,
      "Bưởi Sửu Chí Đám, múi ráo, vị ngọt mát.", "Dry-segmented, sweet pomelo from the Lo river banks.", 60, (9, 10, 11), 10),
    T("buoi-phuc-trach", "BUOI-PT", "Bưởi Phúc Trạch", "Phuc Trach pomelo", "food-fruit", "kg", 50_000,
      "Bưởi Phúc Trạch múi hồng, mọng nước, chỉ dẫn địa lý của Hà Tĩnh.", "Pink, juicy pomelo with a geographical indication.", 60, (8, 9, 10), 10),
    T("buoi-nam-roi", "BUOI-NR", "Bưởi Năm Roi Bình Minh", "Binh Minh Nam Roi pomelo", "food-fruit", "kg", 40_000,
      "Bưởi Năm Roi không hạt, vị ngọt chua nhẹ.", "Seedless Nam Roi pomelo, sweet with a light tang.", 45, (), 10),
    T("cam-vinh", "CAM-VINH", "Cam Vinh", "Vinh orange", "food-fruit", "kg", 45_000,
      "Cam Vinh vỏ mỏng, nhiều nước, trồng trên đất đồi Quỳ Hợp.", "Thin-skinned, juicy oranges from the Quy Hop hills.", 30, (10, 11, 12), 10),
    T("vai-thieu-say", "VAI-SAY", "Vải thiều sấy khô", "Dried lychee", "food-fruit", "túi 500 g", 120_000,
      "Vải thiều chín cây sấy nguyên quả, cùi dày, ngọt đậm.", "Whole tree-ripened lychees, dried; thick and sweet.", 180),
    T("nhan-long", "NHAN-LONG", "Nhãn lồng Hưng Yên", "Hung Yen longan", "food-fruit", "kg", 70_000,
      "Nhãn lồng cùi dày, giòn, xưa kia dùng để tiến vua.", "Thick, crisp longan once sent as tribute to the court.", 10, (7, 8), 5),
    T("xoai-cat-hoa-loc", "XOAI-HL", "Xoài cát Hòa Lộc", "Hoa Loc mango", "food-fruit", "kg", 85_000,
      "Xoài cát Hòa Lộc thịt vàng, mịn, thơm, ít xơ.", "Golden, smooth, fragrant mango with little fibre.", 10, (4, 5, 6), 5),
    T("xoai-uc", "XOAI-UC", "Xoài Úc Cam Lâm", "Cam Lam mango", "food-fruit", "kg", 50_000,
      "Xoài Úc trồng trên vùng đất nắng gió Cam Lâm, vỏ đỏ hồng.", "Red-blushed mango from sunny, windy Cam Lam.", 10, (5, 6, 7), 10),
    T("thanh-long", "THANH-LONG", "Thanh long ruột đỏ", "Red-flesh dragon fruit", "food-fruit", "kg", 35_000,
      "Thanh long ruột đỏ trồng theo VietGAP, ngọt, màu đẹp.", "VietGAP red-flesh dragon fruit.", 20, (), 20),
    T("hat-de", "HAT-DE", "Hạt dẻ Trùng Khánh", "Trung Khanh chestnuts", "food-fruit", "kg", 160_000,
      "Hạt dẻ rừng Trùng Khánh bùi, thơm, rang hoặc luộc đều ngon.", "Rich, fragrant chestnuts from the Trung Khanh forests.", 90, (8, 9, 10)),
    T("hat-dieu", "HAT-DIEU", "Hạt điều rang muối", "Salted roasted cashews", "food-fruit", "hộp 500 g", 190_000,
      "Hạt điều Bình Phước rang củi, còn vỏ lụa.", "Wood-roasted cashews from former Binh Phuoc, skins on.", 270),
    T("hat-sen", "HAT-SEN", "Hạt sen sấy", "Dried lotus seeds", "food-fruit", "túi 500 g", 150_000,
      "Hạt sen Tháp Mười tách tim, sấy khô, nấu chè hay hầm đều bở.", "Cored and dried lotus seeds from Thap Muoi.", 365),
    T("na-chi-lang", "NA-CL", "Na Chi Lăng", "Chi Lang custard apple", "food-fruit", "kg", 60_000,
      "Na dai trồng trên núi đá vôi, thịt chắc, ngọt đậm.", "Firm, sweet custard apples grown on limestone hills.", 5, (7, 8, 9), 5),
    T("man-hau", "MAN-HAU", "Mận hậu Mộc Châu", "Moc Chau plums", "food-fruit", "kg", 40_000,
      "Mận hậu giòn, chua ngọt, đầu mùa hè.", "Crisp sweet-sour plums of early summer.", 10, (5, 6), 10),
    T("chom-chom", "CHOM-CHOM", "Chôm chôm Long Khánh", "Long Khanh rambutan", "food-fruit", "kg", 35_000,
      "Chôm chôm nhãn tróc vỏ, cùi giòn.", "Free-stone rambutan with crisp flesh.", 7, (5, 6, 7), 10),
    # Food: seafood and meat
    T("tom-kho", "TOM-KHO", "Tôm khô Cà Mau", "Ca Mau dried shrimp", "food-seafood", "túi 500 g", 650_000,
      "Tôm đất nuôi quảng canh, phơi nắng tự nhiên, không phẩm màu.", "Extensively farmed shrimp, sun-dried, no colouring.", 180),
    T("cha-muc", "CHA-MUC", "Chả mực Hạ Long", "Ha Long squid cake", "food-seafood", "kg", 390_000,
      "Chả mực giã tay từ mực tươi vịnh Hạ Long, giòn sần sật.", "Hand-pounded cakes of fresh Ha Long bay squid.", 90, (), 2),
    T("sa-sung-kho", "SA-SUNG", "Sá sùng khô Quan Lạn", "Dried peanut worms, Quan Lan", "food-seafood", "hộp 100 g", 450_000,
      "Đặc sản đảo Quan Lạn, dùng nấu nước dùng phở và xào.", "A Quan Lan island speciality for broths and stir-fries.", 365),
    T("ca-kho", "CA-KHO", "Cá chỉ vàng khô", "Dried yellowstripe scad", "food-seafood", "túi 500 g", 160_000,
      "Cá chỉ vàng tẩm nhẹ, phơi một nắng.", "Lightly seasoned scad, sun-dried for one day.", 180),
    T("ca-ngu", "CA-NGU", "Cá ngừ đại dương phi lê", "Ocean tuna loin, frozen", "food-seafood", "kg", 280_000,
      "Cá ngừ câu tay, cấp đông ngay trên tàu.", "Hand-line tuna, frozen on board.", 365, (), 5),
    T("thit-trau-gac-bep", "TRAU-GB", "Thịt trâu gác bếp", "Smoked buffalo jerky", "food-meat", "túi 500 g", 550_000,
      "Thịt trâu tẩm mắc khén, hun khói trên gác bếp.", "Buffalo meat with mac khen pepper, smoked over the hearth.", 180),
    T("nem-chua", "NEM-CHUA", "Nem chua Thanh Hóa", "Thanh Hoa fermented pork rolls", "food-meat", "chục 10 cái", 55_000,
      "Nem chua gói lá chuối, lên men tự nhiên trong ba ngày.", "Pork rolls in banana leaves, naturally fermented for three days.", 7),
    # Food: condiments
    T("nuoc-mam-phu-quoc", "NM-PQ", "Nước mắm Phú Quốc 40 độ đạm", "Phu Quoc fish sauce, 40°N", "food-condiments", "chai 500 ml", 95_000,
      "Nước mắm cá cơm ủ chượp trong thùng gỗ bời lời 12 tháng.", "Anchovy fish sauce aged 12 months in wooden vats.", 730, (), 6),
    T("nuoc-mam-cat-hai", "NM-CH", "Nước mắm Cát Hải", "Cat Hai fish sauce", "food-condiments", "chai 500 ml", 80_000,
      "Nước mắm truyền thống đảo Cát Hải, vị mặn mòi, hậu ngọt.", "Traditional island fish sauce with a sweet finish.", 730, (), 6),
    T("nuoc-mam-van-phan", "NM-VP", "Nước mắm Vạn Phần", "Van Phan fish sauce", "food-condiments", "chai 500 ml", 70_000,
      "Nghề làm nước mắm hơn trăm năm của làng Vạn Phần.", "A century of fish-sauce making in Van Phan village.", 730, (), 6),
    T("nuoc-mam-truyen-thong", "NM-TT", "Nước mắm cá cơm truyền thống", "Traditional anchovy fish sauce", "food-condiments", "chai 500 ml", 65_000,
      "Cá cơm và muối biển, ủ chượp tự nhiên, không chất bảo quản.", "Anchovies and sea salt, naturally fermented, no preservatives.", 730, (), 6),
    T("ho-tieu", "TIEU", "Hồ tiêu đen", "Black pepper", "food-condiments", "túi 500 g", 110_000,
      "Tiêu đen hạt chắc, cay nồng, phơi trên sân gạch.", "Dense, pungent black pepper, dried on brick yards.", 365),
    T("toi-ly-son", "TOI-LS", "Tỏi Lý Sơn", "Ly Son garlic", "food-condiments", "kg", 190_000,
      "Tỏi trồng trên cát núi lửa đảo Lý Sơn, tép nhỏ, thơm.", "Small, aromatic garlic grown in Ly Son's volcanic sand.", 180),
    T("muoi-tom", "MUOI-TOM", "Muối tôm Tây Ninh", "Tay Ninh shrimp salt", "food-condiments", "hũ 200 g", 35_000,
      "Muối tôm rang với ớt, ăn kèm trái cây.", "Roasted shrimp salt with chilli, for fruit.", 365, (), 10),
    T("hoa-hoi", "HOI", "Hoa hồi khô", "Dried star anise", "food-condiments", "kg", 190_000,
      "Hồi tám cánh phơi khô, tinh dầu cao.", "Eight-pointed star anise, rich in oil.", 365),
    # Food: tea, coffee, cocoa; honey; sweets
    T("che-tan-cuong", "CHE-TC", "Chè Tân Cương Thái Nguyên", "Tan Cuong green tea, Thai Nguyen", "food-tea-coffee", "hộp 200 g", 190_000,
      "Chè búp một tôm hai lá, sao tay trong chảo gang.", "One bud and two leaves, hand-roasted in cast-iron pans.", 365),
    T("che-shan-tuyet", "CHE-ST", "Chè Shan tuyết cổ thụ", "Ancient Shan Tuyet tea", "food-tea-coffee", "hộp 100 g", 260_000,
      "Búp chè phủ lông trắng hái từ cây chè cổ thụ trên núi cao.", "White-downed buds from ancient mountain tea trees.", 365),
    T("tra-sen", "TRA-SEN", "Trà sen Tây Hồ", "West Lake lotus tea", "food-tea-coffee", "hộp 100 g", 650_000,
      "Chè ướp gạo sen bách diệp Hồ Tây theo cách làm truyền thống.", "Green tea scented with West Lake lotus stamens.", 365),
    T("ca-phe-robusta", "CF-ROB", "Cà phê Robusta rang xay", "Ground roasted Robusta coffee", "food-tea-coffee", "túi 500 g", 150_000,
      "Robusta chín đỏ, rang mộc, xay vừa cho phin.", "Red-cherry Robusta, plain roasted, ground for the phin.", 270),
    T("ca-phe-arabica", "CF-ARA", "Cà phê Arabica rang mộc", "Plain-roast Arabica coffee", "food-tea-coffee", "túi 500 g", 260_000,
      "Arabica trồng trên độ cao hơn 1.000 m, sơ chế ướt.", "Washed Arabica grown above 1,000 m.", 270),
    T("ca-cao", "CACAO", "Sô-cô-la đen 70% ca cao", "70% dark chocolate", "food-tea-coffee", "thanh 100 g", 65_000,
      "Hạt ca cao lên men sáu ngày, làm sô-cô-la tại vườn.", "Six-day fermented cocoa, made into chocolate on the farm.", 365),
    T("mat-ong-bac-ha", "MO-BH", "Mật ong bạc hà", "Mint flower honey", "food-honey", "chai 500 ml", 380_000,
      "Mật ong hoa bạc hà cao nguyên đá, chỉ có vào mùa đông.", "Mint-flower honey of the karst plateau, winter harvest.", 730),
    T("mat-ong-rung", "MO-RUNG", "Mật ong rừng", "Wild forest honey", "food-honey", "chai 500 ml", 280_000,
      "Mật ong khai thác từ tổ ong rừng tự nhiên.", "Honey from wild forest hives.", 730),
    T("mat-ong-hoa-nhan", "MO-NHAN", "Mật ong hoa nhãn", "Longan blossom honey", "food-honey", "chai 500 ml", 220_000,
      "Mật ong hoa nhãn vàng sánh, thơm dịu.", "Golden, mild longan-blossom honey.", 730),
    T("keo-dua", "KEO-DUA", "Kẹo dừa Bến Tre", "Ben Tre coconut candy", "food", "hộp 400 g", 45_000,
      "Kẹo dừa nấu từ nước cốt dừa và mạch nha, gói giấy gạo.", "Coconut cream and malt candy, wrapped in rice paper.", 180, (), 10),
    T("keo-cu-do", "KEO-CUDO", "Kẹo cu đơ", "Cu do peanut candy", "food", "hộp 500 g", 70_000,
      "Kẹo lạc mật mía kẹp bánh đa, đặc sản Hà Tĩnh.", "Peanut and molasses candy between rice crackers.", 90, (), 10),
    T("banh-gai", "BANH-GAI", "Bánh gai Ninh Giang", "Ninh Giang leaf cakes", "food", "hộp 10 chiếc", 65_000,
      "Bánh làm từ lá gai, nhân đỗ xanh, dừa và mỡ.", "Ramie-leaf cakes filled with mung bean and coconut.", 7),
    T("banh-pia", "BANH-PIA", "Bánh pía Sóc Trăng", "Soc Trang pia cakes", "food", "hộp 4 cái", 70_000,
      "Bánh pía nhân đậu xanh sầu riêng trứng muối.", "Flaky cakes with mung bean, durian and salted egg.", 60, (), 10),
    T("yen-sao", "YEN-SAO", "Yến sào tinh chế", "Cleaned edible bird's nest", "food", "hộp 50 g", 1_800_000,
      "Tổ yến nhà làm sạch thủ công, sợi dài.", "Hand-cleaned swiftlet nests, long strands.", 730),
    # Beverages
    T("ruou-can", "RUOU-CAN", "Rượu cần", "Jar rice wine", "beverages-alcoholic", "bình 2 lít", 250_000,
      "Rượu cần ủ men lá rừng, uống bằng cần trúc trong ngày hội.", "Rice wine with forest-leaf yeast, drunk through bamboo straws.", 365),
    T("ruou-ngo-bac-ha", "RUOU-NGO", "Rượu ngô men lá Bắc Hà", "Bac Ha corn wine", "beverages-alcoholic", "can 2 lít", 180_000,
      "Rượu ngô nấu bằng men lá của người Mông.", "Corn spirit made with Hmong leaf yeast.", 730),
    T("ruou-bau-da", "RUOU-BD", "Rượu Bàu Đá", "Bau Da rice wine", "beverages-alcoholic", "chai 500 ml", 120_000,
      "Rượu gạo nấu với nước giếng Bàu Đá, chưng cất hai lần.", "Rice spirit twice distilled with Bau Da well water.", 730, (), 6),
    T("ruou-sim", "RUOU-SIM", "Rượu sim Phú Quốc", "Phu Quoc rose-myrtle wine", "beverages-alcoholic", "chai 500 ml", 160_000,
      "Rượu ngâm trái sim rừng chín, màu tím đỏ.", "Wine of ripe wild rose-myrtle berries.", 730, (), 6),
    T("nuoc-chanh-leo", "CHANH-LEO", "Nước cốt chanh leo", "Passion fruit concentrate", "beverages-soft", "chai 1 lít", 95_000,
      "Cốt chanh leo nguyên chất, pha với nước và đá.", "Pure passion-fruit concentrate; dilute with water and ice.", 180, (), 6),
    T("nuoc-dua", "NUOC-DUA", "Nước dừa xiêm đóng chai", "Bottled coconut water", "beverages-soft", "thùng 24 chai", 240_000,
      "Nước dừa xiêm xanh, tiệt trùng, không thêm đường.", "Green coconut water, sterilised, no added sugar.", 180),
    # Herbal products
    T("cao-atiso", "CAO-ATISO", "Cao atiso Đà Lạt", "Da Lat artichoke extract", "herbal-medicine", "hũ 100 g", 220_000,
      "Cao đặc từ lá và bông atiso Đà Lạt.", "Thick extract of Da Lat artichoke leaves and flowers.", 730),
    T("tinh-bot-nghe", "NGHE", "Tinh bột nghệ", "Turmeric starch", "herbal-medicine", "hũ 500 g", 260_000,
      "Tinh bột nghệ vàng đã tách dầu, pha uống với mật ong.", "De-oiled yellow turmeric starch; drink with honey.", 730),
    T("tra-hoa-vang", "TRA-HV", "Trà hoa vàng Ba Chẽ", "Ba Che golden camellia tea", "herbal-medicine", "hộp 50 g", 650_000,
      "Hoa trà vàng sấy lạnh, nước pha màu vàng sáng.", "Freeze-dried golden camellia flowers.", 730),
    T("tra-duoc-lieu", "TRA-DL", "Trà dược liệu túi lọc", "Herbal tea bags", "herbal-medicine", "hộp 20 túi", 85_000,
      "Trà phối từ các vị thảo dược trồng tại hợp tác xã.", "A blend of herbs grown by the cooperative.", 540, (), 5),
    T("dau-tram", "DAU-TRAM", "Dầu tràm Huế", "Hue cajeput oil", "herbal-medicine", "chai 50 ml", 80_000,
      "Tinh dầu tràm gió chưng cất, giữ ấm cho trẻ nhỏ.", "Distilled cajeput oil, the traditional warming rub.", 1095, (), 10),
    T("sam-ngoc-linh", "SAM-NL", "Sâm Ngọc Linh", "Ngoc Linh ginseng", "herbal-medicine", "củ 100 g", 18_000_000,
      "Sâm Ngọc Linh trồng dưới tán rừng núi Ngọc Linh, có hồ sơ truy xuất.", "Ginseng grown under the Ngoc Linh forest canopy, traceable.", 30),
    T("tinh-dau-que", "TD-QUE", "Tinh dầu quế", "Cinnamon essential oil", "herbal-cosmetics", "chai 10 ml", 75_000,
      "Tinh dầu chưng cất từ lá và vỏ quế.", "Oil distilled from cinnamon leaves and bark.", 1095, (), 10),
    T("tinh-dau-sa", "TD-SA", "Tinh dầu sả chanh", "Lemongrass essential oil", "herbal-cosmetics", "chai 50 ml", 95_000,
      "Tinh dầu sả chanh nguyên chất, xông phòng và đuổi muỗi.", "Pure lemongrass oil for the room and against mosquitoes.", 1095, (), 10),
    T("xa-phong-thao-duoc", "XA-PHONG", "Xà phòng thảo dược", "Herbal soap", "herbal-cosmetics", "bánh 100 g", 45_000,
      "Xà phòng nấu thủ công từ dầu dừa và thảo dược.", "Handmade soap of coconut oil and herbs.", 730, (), 10),
    # Textiles and garments
    T("khan-tho-cam", "KHAN-TC", "Khăn thổ cẩm dệt tay", "Hand-woven brocade scarf", "textiles", "chiếc", 180_000,
      "Khăn dệt trên khung cửi, hoa văn truyền thống của đồng bào.", "Loom-woven scarf with the community's traditional patterns."),
    T("vai-lanh", "VAI-LANH", "Vải lanh dệt tay", "Hand-woven hemp cloth", "textiles", "mét", 350_000,
      "Vải lanh người Mông dệt tay, nhuộm chàm.", "Hmong hand-woven hemp, indigo dyed."),
    T("lua-van-phuc", "LUA-VP", "Lụa tơ tằm Vạn Phúc", "Van Phuc silk", "textiles", "mét", 290_000,
      "Lụa tơ tằm dệt tại làng nghề Vạn Phúc.", "Mulberry silk woven in Van Phuc village."),
    T("lua-tan-chau", "LUA-TC", "Lụa Tân Châu", "Tan Chau silk", "textiles", "mét", 420_000,
      "Lụa đen nhuộm trái mặc nưa, mặt lụa bóng.", "Black silk dyed with mac nua fruit, glossy."),
    T("tui-tho-cam-cham", "TUI-CHAM", "Túi thổ cẩm Chăm", "Cham brocade bag", "textiles", "chiếc", 250_000,
      "Túi may từ vải thổ cẩm Chăm Mỹ Nghiệp.", "Bag sewn from My Nghiep Cham brocade."),
    # Handicrafts, souvenirs and decoration
    T("gom-bat-trang", "GOM-BT", "Bộ ấm chén gốm Bát Tràng", "Bat Trang ceramic tea set", "handicrafts", "bộ", 650_000,
      "Bộ ấm chén men lam vẽ tay, nung ở 1.200 °C.", "Hand-painted blue-glaze tea set fired at 1,200 °C."),
    T("may-tre-dan", "MAY-TRE", "Giỏ mây tre đan", "Rattan and bamboo basket", "handicrafts", "chiếc", 220_000,
      "Giỏ đan tay từ mây và tre, xử lý chống mốc.", "Hand-woven rattan and bamboo basket, mould-treated.", None, (), 5),
    T("chieu-coi", "CHIEU-COI", "Chiếu cói Kim Sơn", "Kim Son sedge mat", "handicrafts", "chiếc 1,6 × 2 m", 260_000,
      "Chiếu cói dệt tay, nhuộm màu tự nhiên.", "Hand-woven sedge mat in natural dyes."),
    T("non-la", "NON-LA", "Nón lá bài thơ", "Poem conical hat", "handicrafts", "chiếc", 90_000,
      "Nón lá chuốt mỏng, soi lên nắng thấy câu thơ.", "Fine palm-leaf hat with a poem that shows against the light.", None, (), 5),
    T("den-long", "DEN-LONG", "Đèn lồng lụa Hội An", "Hoi An silk lantern", "handicrafts", "chiếc", 130_000,
      "Khung tre uốn tay, bọc lụa, gấp gọn được.", "Hand-bent bamboo frame covered in silk, folds flat.", None, (), 5),
    T("luc-binh", "LUC-BINH", "Giỏ lục bình", "Water hyacinth basket", "handicrafts", "chiếc", 150_000,
      "Giỏ đan từ cọng lục bình phơi khô.", "Basket woven from dried water hyacinth.", None, (), 5),
    T("tranh-dong-ho", "TRANH-DH", "Tranh dân gian Đông Hồ", "Dong Ho folk painting", "handicrafts", "bức", 150_000,
      "Tranh in ván gỗ trên giấy dó quét điệp.", "Woodblock print on do paper coated with seashell powder."),
    T("da-my-nghe", "DA-NN", "Tượng đá mỹ nghệ Non Nước", "Non Nuoc marble carving", "handicrafts", "chiếc", 480_000,
      "Tượng đá cẩm thạch chạm tay tại làng đá Non Nước.", "Hand-carved marble from the Non Nuoc stone village."),
    T("son-mai", "SON-MAI", "Tranh sơn mài", "Lacquer painting", "handicrafts", "bức 40 × 60 cm", 1_200_000,
      "Tranh sơn mài vẽ tay, mài nhiều lớp, khảm vỏ trứng.", "Hand-painted lacquer, many layers, eggshell inlay."),
    # Rural tourism services and points of sale
    T("homestay", "HOMESTAY", "Homestay nhà sàn cộng đồng", "Community stilt-house homestay", "tourism", "đêm/người", 250_000,
      "Nghỉ đêm trong nhà sàn, ăn cơm cùng gia đình chủ nhà.", "A night in a stilt house, dinner with the host family."),
    T("homestay-miet-vuon", "HS-MV", "Homestay miệt vườn", "Orchard homestay", "tourism", "đêm/phòng", 450_000,
      "Nghỉ giữa vườn cây trái, chèo xuồng trên kênh rạch.", "Stay in the orchards, paddle along the canals."),
    T("tour-nong-nghiep", "TOUR-NN", "Tour trải nghiệm làm nông một ngày", "One-day farm experience tour", "tourism", "người", 350_000,
      "Một ngày làm nông dân: gieo trồng, thu hoạch và nấu ăn.", "A day as a farmer: planting, harvesting and cooking."),
    T("tour-lang-nghe", "TOUR-LN", "Tour tham quan làng nghề", "Craft village tour", "tourism", "người", 200_000,
      "Tham quan xưởng, tự tay làm một sản phẩm mang về.", "Visit the workshops and make a piece to take home."),
    T("tour-hai-che", "TOUR-CHE", "Trải nghiệm hái và sao chè", "Tea picking and roasting experience", "tourism", "người", 250_000,
      "Hái chè buổi sáng, học sao chè và thưởng trà buổi chiều.", "Pick tea in the morning, roast it and taste it in the afternoon."),
]}
# fmt: on


# --- cooperatives ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CooperativeSpec:
    name: str
    sector: str
    products: tuple[str, ...]
    ward: str
    kind: str = "htx"
    former_province: str = ""  # the pre-2025 province, named on older certificates


C = CooperativeSpec
# Two cooperatives per province, each seated in a real ward of that province.
# fmt: off
COOPERATIVES: dict[str, tuple[CooperativeSpec, ...]] = {
    "01": (C("HTX Nông nghiệp Hữu cơ Sóc Sơn", "Trồng rau hữu cơ, sản xuất cốm và trà sen", ("rau-huu-co", "com-lang-vong", "tra-sen", "buoi-dien"), "Sóc Sơn"),
           C("HTX Gốm sứ Bát Tràng", "Sản xuất gốm sứ và thủ công mỹ nghệ", ("gom-bat-trang", "may-tre-dan", "lua-van-phuc", "tour-lang-nghe"), "Bát Tràng")),
    "04": (C("HTX Nông nghiệp Trùng Khánh", "Trồng và chế biến hạt dẻ, miến dong", ("hat-de", "mien-dong", "mat-ong-rung"), "Trùng Khánh"),
           C("Tổ hợp tác Du lịch cộng đồng Khuổi Ky", "Du lịch cộng đồng, dệt thổ cẩm", ("homestay", "khan-tho-cam", "tour-nong-nghiep"), "Đàm Thủy", "tht")),
    "08": (C("HTX Chè Shan tuyết Cao Bồ", "Trồng và chế biến chè Shan tuyết", ("che-shan-tuyet", "tour-hai-che", "mat-ong-rung"), "Cao Bồ", former_province="Hà Giang"),
           C("HTX Ong mật Đồng Văn", "Nuôi ong lấy mật, dệt vải lanh", ("mat-ong-bac-ha", "vai-lanh", "homestay", "ruou-ngo-bac-ha"), "Đồng Văn", former_province="Hà Giang")),
    "11": (C("HTX Nông nghiệp Thanh Yên", "Sản xuất lúa gạo đặc sản", ("gao-tam-dien-bien", "thit-trau-gac-bep", "mat-ong-rung"), "Thanh Yên"),
           C("HTX Cà phê Mường Ảng", "Trồng và chế biến cà phê", ("ca-phe-arabica", "khan-tho-cam", "homestay"), "Mường Ảng")),
    "12": (C("HTX Chè Bình Lư", "Trồng và chế biến chè", ("che-shan-tuyet", "tour-hai-che", "mien-dong"), "Bình Lư"),
           C("HTX Dược liệu Sìn Hồ", "Trồng và chế biến dược liệu", ("tra-duoc-lieu", "xa-phong-thao-duoc", "tinh-dau-sa"), "Sìn Hồ")),
    "14": (C("HTX Dệt thổ cẩm Chiềng Mai", "Dệt thổ cẩm, du lịch cộng đồng", ("khan-tho-cam", "thit-trau-gac-bep", "homestay"), "Chiềng Mai"),
           C("HTX Nông sản Mộc Châu", "Trồng cây ăn quả, chế biến nông sản", ("man-hau", "nuoc-chanh-leo", "ca-phe-arabica", "che-shan-tuyet"), "Mộc Châu")),
    "15": (C("HTX Quế Châu Quế", "Trồng và chế biến quế", ("tinh-dau-que", "che-shan-tuyet", "mat-ong-rung"), "Châu Quế", former_province="Yên Bái"),
           C("HTX Rượu ngô Bắc Hà", "Nấu rượu ngô men lá, du lịch cộng đồng", ("ruou-ngo-bac-ha", "thit-trau-gac-bep", "homestay"), "Bắc Hà")),
    "19": (C("HTX Chè Tân Cương", "Trồng và chế biến chè", ("che-tan-cuong", "tour-hai-che", "mat-ong-rung", "tra-duoc-lieu"), "Tân Cương"),
           C("HTX Miến dong Côn Minh", "Chế biến miến dong và nông sản", ("mien-dong", "gao-nep-cai-hoa-vang", "tinh-bot-nghe"), "Côn Minh", former_province="Bắc Kạn")),
    "20": (C("HTX Hồi Quế Văn Quan", "Trồng và chế biến hồi, quế", ("hoa-hoi", "tinh-dau-que", "tinh-dau-sa"), "Văn Quan"),
           C("HTX Na Chi Lăng", "Trồng cây ăn quả", ("na-chi-lang", "rau-huu-co", "tour-nong-nghiep"), "Chi Lăng")),
    "22": (C("HTX Thủy sản Hạ Long", "Khai thác và chế biến thủy sản", ("cha-muc", "sa-sung-kho", "nuoc-mam-truyen-thong"), "Hạ Long"),
           C("HTX Trà hoa vàng Ba Chẽ", "Trồng và chế biến dược liệu", ("tra-hoa-vang", "mien-dong", "tra-duoc-lieu"), "Ba Chẽ")),
    "24": (C("HTX Vải thiều Lục Ngạn", "Trồng và chế biến vải thiều", ("vai-thieu-say", "gao-nep-cai-hoa-vang", "tour-nong-nghiep", "mat-ong-rung"), "Lục Ngạn", former_province="Bắc Giang"),
           C("HTX Tranh dân gian Đông Hồ", "Làng nghề tranh dân gian", ("tranh-dong-ho", "tour-lang-nghe", "may-tre-dan"), "Thuận Thành")),
    "25": (C("HTX Bưởi Đoan Hùng", "Trồng cây ăn quả", ("buoi-doan-hung", "mat-ong-rung", "tra-duoc-lieu"), "Đoan Hùng"),
           C("HTX Du lịch cộng đồng Mai Châu", "Du lịch cộng đồng, dệt thổ cẩm", ("homestay", "khan-tho-cam", "ruou-can", "tour-nong-nghiep"), "Mai Châu", former_province="Hòa Bình")),
    "31": (C("HTX Vải thiều Thanh Hà", "Trồng cây ăn quả, làm bánh truyền thống", ("vai-thieu-say", "banh-gai", "tour-nong-nghiep"), "Thanh Hà", former_province="Hải Dương"),
           C("HTX Nước mắm Cát Hải", "Chế biến thủy sản", ("nuoc-mam-cat-hai", "ca-kho", "tour-lang-nghe"), "Cát Hải")),
    "33": (C("HTX Nhãn lồng Phố Hiến", "Trồng nhãn, nuôi ong", ("nhan-long", "mat-ong-hoa-nhan", "tinh-bot-nghe"), "Phố Hiến"),
           C("HTX Nông nghiệp Thái Thụy", "Sản xuất lúa gạo, chế biến thủy sản", ("gao-nep-cai-hoa-vang", "ca-kho", "rau-huu-co"), "Thái Thụy", former_province="Thái Bình")),
    "37": (C("HTX Cói Kim Sơn", "Thủ công mỹ nghệ từ cói", ("chieu-coi", "may-tre-dan", "tour-lang-nghe"), "Kim Sơn"),
           C("Liên hiệp HTX Nông nghiệp Hải Hậu", "Sản xuất và tiêu thụ lúa gạo", ("gao-tam-xoan", "gao-nep-cai-hoa-vang", "rau-huu-co"), "Hải Hậu", "lhhtx", former_province="Nam Định")),
    "38": (C("HTX Nem chua Hạc Thành", "Chế biến thịt và thực phẩm truyền thống", ("nem-chua", "nuoc-mam-truyen-thong", "gao-nep-cai-hoa-vang"), "Hạc Thành"),
           C("HTX Du lịch cộng đồng Pù Luông", "Du lịch cộng đồng", ("homestay", "tour-nong-nghiep", "khan-tho-cam", "mat-ong-rung"), "Pù Luông")),
    "40": (C("HTX Cam Quỳ Hợp", "Trồng cây ăn quả", ("cam-vinh", "nuoc-chanh-leo", "tinh-bot-nghe"), "Quỳ Hợp"),
           C("HTX Nước mắm Vạn Phần", "Chế biến thủy sản", ("nuoc-mam-van-phan", "ca-kho", "mat-ong-rung"), "Diễn Châu")),
    "42": (C("HTX Bưởi Phúc Trạch", "Trồng cây ăn quả", ("buoi-phuc-trach", "mat-ong-rung", "tra-duoc-lieu"), "Phúc Trạch"),
           C("HTX Kẹo cu đơ Thành Sen", "Chế biến thực phẩm truyền thống", ("keo-cu-do", "nuoc-mam-truyen-thong", "non-la"), "Thành Sen")),
    "44": (C("HTX Hồ tiêu Cồn Tiên", "Trồng và chế biến hồ tiêu, cà phê", ("ho-tieu", "ca-phe-arabica", "tinh-dau-sa"), "Cồn Tiên"),
           C("HTX Du lịch cộng đồng Phong Nha", "Du lịch cộng đồng", ("homestay", "tour-nong-nghiep", "nuoc-mam-truyen-thong"), "Phong Nha", former_province="Quảng Bình")),
    "46": (C("HTX Nón lá Phú Vang", "Làm nón lá và hàng lưu niệm", ("non-la", "tour-lang-nghe", "tra-duoc-lieu"), "Phú Vang", former_province="Thừa Thiên Huế"),
           C("HTX Dầu tràm Hương Trà", "Trồng và chưng cất tinh dầu", ("dau-tram", "tinh-dau-sa", "xa-phong-thao-duoc"), "Hương Trà", former_province="Thừa Thiên Huế")),
    "48": (C("HTX Đèn lồng Hội An", "Thủ công mỹ nghệ", ("den-long", "da-my-nghe", "tour-lang-nghe", "non-la"), "Hội An", former_province="Quảng Nam"),
           C("HTX Sâm Ngọc Linh Trà Linh", "Trồng dược liệu dưới tán rừng", ("sam-ngoc-linh", "tra-duoc-lieu", "mat-ong-rung"), "Trà Linh", former_province="Quảng Nam")),
    "51": (C("HTX Tỏi Lý Sơn", "Trồng tỏi và hành", ("toi-ly-son", "tour-nong-nghiep", "nuoc-mam-truyen-thong"), "Lý Sơn"),
           C("HTX Cà phê Đăk Hà", "Trồng và chế biến cà phê", ("ca-phe-robusta", "ruou-can", "mat-ong-rung"), "Đăk Hà", former_province="Kon Tum")),
    "52": (C("HTX Hồ tiêu Chư Sê", "Trồng hồ tiêu, cà phê", ("ho-tieu", "ca-phe-robusta", "ruou-can"), "Chư Sê"),
           C("HTX Rượu Bàu Đá An Nhơn", "Nấu rượu truyền thống", ("ruou-bau-da", "non-la", "nuoc-mam-truyen-thong"), "An Nhơn", former_province="Bình Định")),
    "56": (C("HTX Yến sào Cam Lâm", "Nuôi chim yến, trồng xoài", ("yen-sao", "xoai-uc", "nuoc-mam-truyen-thong"), "Cam Lâm"),
           C("HTX Dệt thổ cẩm Ninh Phước", "Dệt thổ cẩm Chăm", ("tui-tho-cam-cham", "khan-tho-cam", "tour-lang-nghe"), "Ninh Phước", former_province="Ninh Thuận")),
    "66": (C("HTX Cà phê Buôn Ma Thuột", "Trồng và chế biến cà phê, hồ tiêu", ("ca-phe-robusta", "ho-tieu", "ca-cao", "ruou-can"), "Buôn Ma Thuột"),
           C("HTX Hải sản Ô Loan", "Khai thác và chế biến hải sản", ("ca-ngu", "ca-kho", "nuoc-mam-truyen-thong"), "Ô Loan", former_province="Phú Yên")),
    "68": (C("Liên hiệp HTX Nông nghiệp Đà Lạt", "Rau, hoa, dược liệu và cà phê", ("cao-atiso", "ca-phe-arabica", "rau-huu-co", "tra-duoc-lieu"), "Lâm Viên - Đà Lạt", "lhhtx"),
           C("HTX Thanh long Hàm Thuận Nam", "Trồng thanh long", ("thanh-long", "nuoc-mam-truyen-thong", "tour-nong-nghiep"), "Hàm Thuận Nam", former_province="Bình Thuận")),
    "75": (C("HTX Điều Bù Đăng", "Trồng và chế biến hạt điều", ("hat-dieu", "ho-tieu", "ca-cao"), "Bù Đăng", former_province="Bình Phước"),
           C("HTX Nông nghiệp Long Khánh", "Trồng cây ăn quả", ("chom-chom", "homestay-miet-vuon", "mat-ong-rung"), "Long Khánh")),
    "79": (C("HTX Nông nghiệp Công nghệ cao Củ Chi", "Rau an toàn, nông nghiệp công nghệ cao", ("rau-huu-co", "tour-nong-nghiep", "nuoc-dua"), "Củ Chi"),
           C("HTX Sơn mài Thủ Dầu Một", "Sơn mài và thủ công mỹ nghệ", ("son-mai", "tour-lang-nghe", "gom-bat-trang"), "Thủ Dầu Một", former_province="Bình Dương")),
    "80": (C("HTX Muối tôm Trảng Bàng", "Chế biến gia vị và đặc sản", ("muoi-tom", "banh-trang", "tinh-dau-sa"), "Trảng Bàng"),
           C("HTX Nông nghiệp Châu Thành", "Trồng thanh long và lúa", ("thanh-long", "gao-st25", "nuoc-chanh-leo"), "Châu Thành", former_province="Long An")),
    "82": (C("HTX Xoài cát Hòa Lộc Cái Bè", "Trồng cây ăn quả, du lịch miệt vườn", ("xoai-cat-hoa-loc", "homestay-miet-vuon", "nuoc-dua"), "Cái Bè", former_province="Tiền Giang"),
           C("HTX Sen Tháp Mười", "Trồng sen và chế biến sản phẩm từ sen", ("hat-sen", "luc-binh", "gao-st25", "tour-nong-nghiep"), "Tháp Mười")),
    "86": (C("HTX Dừa Bến Tre", "Trồng và chế biến dừa", ("keo-dua", "nuoc-dua", "ca-cao", "may-tre-dan"), "Bến Tre", former_province="Bến Tre"),
           C("HTX Bưởi Năm Roi Bình Minh", "Trồng cây ăn quả", ("buoi-nam-roi", "homestay-miet-vuon", "mat-ong-rung"), "Bình Minh")),
    "91": (C("HTX Nước mắm Phú Quốc", "Chế biến nước mắm và đặc sản đảo", ("nuoc-mam-phu-quoc", "ruou-sim", "ho-tieu", "tour-lang-nghe"), "Phú Quốc", former_province="Kiên Giang"),
           C("HTX Dệt lụa Tân Châu", "Dệt lụa và thổ cẩm", ("lua-tan-chau", "khan-tho-cam", "tour-lang-nghe"), "Tân Châu")),
    "92": (C("HTX Nông nghiệp Mỹ Xuyên", "Sản xuất lúa gạo, bánh truyền thống", ("gao-st25", "banh-pia", "tom-kho"), "Mỹ Xuyên", former_province="Sóc Trăng"),
           C("HTX Du lịch Cồn Sơn", "Du lịch miệt vườn", ("homestay-miet-vuon", "luc-binh", "tour-nong-nghiep"), "Bình Thủy")),
    "96": (C("HTX Thủy sản Năm Căn", "Nuôi và chế biến tôm", ("tom-kho", "ca-kho", "mat-ong-rung"), "Năm Căn"),
           C("HTX Nông nghiệp Hồng Dân", "Lúa – tôm, gạo sạch", ("gao-st25", "tour-nong-nghiep", "nuoc-mam-truyen-thong"), "Hồng Dân", former_province="Bạc Liêu")),
}
# fmt: on

# Certificates shown off on purpose: (province, cooperative index, product index) → state.
OCOP_SHOWCASE = {
    ("01", 0, 1): "expired",  # htx1@'s cốm làng Vòng: the stars have gone
    ("52", 1, 0): "expired",
    ("91", 0, 0): "expiring",  # htx2@'s fish sauce: renew within 90 days
    ("19", 0, 0): "expiring",
    ("68", 0, 0): "expiring",
    ("96", 0, 0): "expiring",
}
FIVE_STAR = {"nuoc-mam-phu-quoc", "che-tan-cuong", "cao-atiso", "sam-ngoc-linh", "yen-sao", "gao-st25"}


# --- accounts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    organisation: str = ""


ADMIN = DemoAccount("admin@demo.coop.vn", "Quản trị", "viên", "site administrator (/admin/)")
LIENMINH = DemoAccount(
    "lienminh@demo.coop.vn", "Phạm Minh", "Tuấn", "staff of the Hà Nội alliance: reviews Hà Nội listings"
)
HTX1 = DemoAccount("htx1@demo.coop.vn", "Nguyễn Văn", "Hùng", "staff of a Hà Nội cooperative")
HTX2 = DemoAccount("htx2@demo.coop.vn", "Lê Thị", "Hồng", "staff of a cooperative in An Giang")
BUYER = DemoAccount(
    "buyer@demo.coop.vn", "Trần Thị", "Mai", "buyer", organisation="Chuỗi cửa hàng Nông sản Sạch Hà Nội"
)
ACCOUNTS = (ADMIN, LIENMINH, HTX1, HTX2, BUYER)


# --- the builder -------------------------------------------------------------------------------


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n


@contextmanager
def _index_once() -> Iterator[None]:
    """Run background tasks (search and reference index updates) once per object, at the end.

    Publishing a page saves it three times, and every save enqueues both index
    updates; on the immediate task backend that was most of the build's time.
    The tasks are collected instead, then each distinct one runs once.
    """
    collector = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=collector):
        yield
        collected = list(task_backends["default"].results)
    seen = set()
    for task_result in collected:
        key = (task_result.task.module_path, repr(task_result.args), repr(task_result.kwargs))
        if key not in seen:
            seen.add(key)
            task_result.task.call(*task_result.args, **task_result.kwargs)


def build_demo(
    *,
    cooperatives_per_province: int = 2,
    products_per_cooperative: int | None = None,
    scale_products: int = 0,
    images: bool = True,
    articles: bool = True,
    fairs: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Build (or complete) the demo data; see the module docstring."""
    if not 1 <= cooperatives_per_province <= 2:
        raise ValueError("cooperatives_per_province must be 1 or 2.")
    started = time.monotonic()
    result = DemoResult()
    with transaction.atomic(), _index_once():
        users = _accounts(result)
        admin = users[ADMIN.email]
        alliances = _alliances(result)
        cooperatives = _cooperatives(result, admin=admin, per_province=cooperatives_per_province, log=log)
        _products(
            result,
            cooperatives=cooperatives,
            admin=admin,
            limit=products_per_cooperative,
            images=images,
            log=log,
        )
        _staff(users=users, cooperatives=cooperatives, alliances=alliances)
        _review_examples(result, cooperatives=cooperatives, users=users, images=images)
        if articles:
            result.add("articles", build_articles(user=admin, images=images))
    log(f"demo built and indexed in {time.monotonic() - started:.1f} s")
    if fairs:
        from fairs import demo as fairs_demo

        # The fairs' matching searches the catalogue, so their cooperatives are indexed first.
        with transaction.atomic(), _index_once():
            fairs_demo.build_cooperatives(result, images=images, log=log)
        # Demo participants' confirmations and schedules go nowhere: they are not real people.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic(), _index_once():
                fairs_demo.build_fairs(result, log=log)
    if scale_products:
        _scale_catalogue(result, cooperatives=cooperatives, n=scale_products, log=log)
    result.accounts = [(a.email, a.role) for a in ACCOUNTS]
    result.seconds = time.monotonic() - started
    return result


def _accounts(result: DemoResult) -> dict[str, object]:
    User = get_user_model()
    existing = {u.email: u for u in User.objects.filter(email__in=[a.email for a in ACCOUNTS])}
    # Demo passwords skip the validators on purpose: one short, published password,
    # hashed once (each hash costs a deliberate fraction of a second).
    password_hash = make_password(DEMO_PASSWORD) if len(existing) < len(ACCOUNTS) else ""
    users = {}
    for account in ACCOUNTS:
        user = existing.get(account.email)
        if user is None:
            make = User.objects.create_superuser if account is ADMIN else User.objects.create_user
            user = make(
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
                organisation=account.organisation,
            )
            user.password = password_hash
            user.save(update_fields=["password"])
            email_mark_verified(user=user)
            result.add("accounts")
        users[account.email] = user
    return users


def _province_label(province: Province) -> str:
    city = province.division_type.startswith("thành phố")
    return f"{'thành phố' if city else 'tỉnh'} {province.name}"


def _alliances(result: DemoResult) -> dict[str, Alliance]:
    """The national VCA and one alliance per province, each covering its own province."""
    existing = {a.name: a for a in Alliance.objects.all()}
    by_province: dict[str, Alliance] = {}
    if NATIONAL_ALLIANCE not in existing:
        services.alliance_create(
            name=NATIONAL_ALLIANCE,
            kind=Alliance.Kind.NATIONAL,
            short_name="VCA",
            email="vca@demo.coop.vn",
        )
        result.add("alliances")
    for province in Province.objects.all():
        name = f"Liên minh Hợp tác xã {_province_label(province)}"
        alliance = existing.get(name)
        if alliance is None:
            alliance = services.alliance_create(
                name=name,
                kind=Alliance.Kind.PROVINCIAL,
                provinces=[province],
                short_name=f"LMHTX {province.name}",
            )
            result.add("alliances")
        by_province[province.code] = alliance
    return by_province


def _tax_code(province_code: str, index: int) -> str:
    """A 10-digit code: province digits, a sequence and a mod-11 check digit, as real codes have."""
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    for attempt in range(3):
        body = f"{province_code}{8_000_000 + index * 3 + attempt:07d}"
        check = 10 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        if check < 10:
            return f"{body}{check}"
    raise AssertionError("three consecutive sequences cannot all lack a check digit")


@dataclass
class BuiltCooperative:
    page: CooperativePage
    spec: CooperativeSpec
    index: int


def _cooperatives(
    result, *, admin, per_province: int, log, specs=COOPERATIVES, first_index: int = 0
) -> list[BuiltCooperative]:
    provinces = {p.code: p for p in Province.objects.all()}
    plan = [
        (code, index, spec, _tax_code(code, index))
        for code, province_specs in sorted(specs.items())
        for index, spec in enumerate(province_specs[:per_province], start=first_index)
    ]
    existing = {
        c.tax_code: c
        for c in CooperativePage.objects.filter(tax_code__in=[t for *_, t in plan]).select_related("province")
    }
    built = []
    for code, index, spec, tax_code in plan:
        province = provinces[code]
        cooperative = existing.get(tax_code)
        if cooperative is None:
            cooperative = _create_cooperative(
                spec, province=province, index=index, tax_code=tax_code, admin=admin
            )
            result.add("cooperatives")
        built.append(BuiltCooperative(page=cooperative, spec=spec, index=index))
    log(f"{len(built)} cooperatives in {len({b.page.province_id for b in built})} provinces")
    return built


def build_more_cooperatives(
    result: DemoResult, specs: dict[str, tuple[CooperativeSpec, ...]], *, first_index: int, images: bool, log
) -> list[BuiltCooperative]:
    """Cooperatives beyond the catalogue's two per province, with their products (the fairs demo's).

    `first_index` keeps their tax codes apart from the catalogue's own; present ones are kept.
    """
    admin = get_user_model().objects.get(email=ADMIN.email)
    per_province = max(len(province_specs) for province_specs in specs.values())
    built = _cooperatives(
        result, admin=admin, per_province=per_province, log=log, specs=specs, first_index=first_index
    )
    _products(result, cooperatives=built, admin=admin, limit=None, images=images, log=log)
    return built


def _create_cooperative(spec, *, province, index, tax_code, admin) -> CooperativePage:
    rng = random.Random(tax_code)
    ward = _ward(spec.ward, province=province, index=index)
    founded = rng.randint(1997, 2021)
    members = rng.choice((rng.randint(7, 40), rng.randint(40, 350)))
    label = _province_label(province)
    story = (
        f"<p>{spec.name} được thành lập năm {founded}, hiện có {members} thành viên tại "
        f"{ward.name}, {label}. Lĩnh vực chính: {spec.sector.lower()}.</p>"
        "<p>Hợp tác xã liên kết với các hộ thành viên từ khâu giống, canh tác đến đóng gói, "
        "giữ chất lượng đồng đều và truy xuất được nguồn gốc từng lô hàng.</p>"
    )
    cooperative, _created = services.cooperative_upsert(
        data=services.CooperativeData(
            tax_code=tax_code,
            name=spec.name,
            kind=spec.kind,
            province=province,
            ward=ward,
            address=f"{ward.name}, {label[0].upper()}{label[1:]}",
            sector=spec.sector,
            members=members,
            founded_year=founded,
            phone=f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            email=f"lienhe.{tax_code}@demo.coop.vn",
            story=story,
        ),
        publish=True,
        verified=True,
        user=admin,
    )
    return cooperative


def _ward(hint: str, *, province: Province, index: int) -> Ward:
    try:
        return resolve_ward(hint, province=province)
    except UnknownWard:
        wards = list(Ward.objects.filter(province=province).order_by("code"))
        return wards[(index * 17) % len(wards)]


def _sku(template: ProductTemplate, built: BuiltCooperative) -> str:
    """Template code, province code and the cooperative's number there: NM-PQ-911."""
    return f"{template.sku}-{built.page.province_id}{built.index + 1}"


def _existing_skus(cooperative: CooperativePage) -> set[str]:
    # By tree position: a product saved only as a draft may lack the denormalised cooperative.
    return set(
        ProductPage.objects.filter(
            path__startswith=cooperative.path, depth=cooperative.depth + 1
        ).values_list("sku", flat=True)
    )


def _products(result, *, cooperatives, admin, limit, images: bool, log) -> None:
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    today = timezone.localdate()
    ordinal = 0
    for built in cooperatives:
        cooperative, spec = built.page, built.spec
        existing = _existing_skus(cooperative)
        for position, key in enumerate(spec.products[:limit]):
            ordinal += 1
            template = TEMPLATES[key]
            sku = _sku(template, built)
            if sku in existing:
                continue
            rng = random.Random(sku)
            category = categories[template.category]
            image_id = None
            if images:
                image_id = demo_image(
                    title=template.name,
                    subtitle=template.name_en,
                    group=category.group.slug,
                    collection=cooperative.collection,
                ).pk
            state = OCOP_SHOWCASE.get((cooperative.province_id, built.index, position))
            # Signature products are certified, and every fifth other one.
            certified = state is not None or position == 0 or ordinal % 5 == 0
            services.product_create(
                cooperative=cooperative,
                data=_product_data(
                    template,
                    sku=sku,
                    category=category,
                    cooperative=cooperative,
                    spec=spec,
                    rng=rng,
                    image_id=image_id,
                    ocop=_ocop(
                        template,
                        cooperative,
                        spec,
                        signature=position == 0,
                        ordinal=ordinal,
                        state=state,
                        today=today,
                    )
                    if certified
                    else None,
                ),
                user=admin,
                publish=True,
            )
            result.add("products")
            if image_id:
                result.add("images")
    log(f"{result.created.get('products', 0)} products created")


def _descriptions(template: ProductTemplate, *, cooperative: CooperativePage, spec: CooperativeSpec):
    ward = cooperative.ward.name if cooperative.ward_id else cooperative.province.name
    return (
        f"<p>{template.about}</p><p>Sản phẩm của {spec.name}, {ward}, "
        f"{_province_label(cooperative.province)}.</p>",
        f"<p>{template.about_en}</p><p>Made by {anyascii(spec.name)}.</p>",
    )


def _product_data(
    template,
    *,
    sku,
    category,
    cooperative,
    spec,
    rng,
    image_id,
    ocop,
    name=None,
    price=None,
    descriptions=None,
):
    description, description_en = descriptions or _descriptions(template, cooperative=cooperative, spec=spec)
    return services.ProductData(
        sku=sku,
        name=name or template.name,
        name_en=template.name_en,
        category=category,
        unit=template.unit,
        price_vnd=price or _round_price(template.price_vnd * rng.uniform(0.92, 1.1)),
        description=description,
        description_en=description_en,
        min_order_qty=template.min_order_qty,
        stock=None if category.group.slug == "tourism" else rng.randint(0, 40) * 25,
        monthly_capacity=rng.randint(2, 80) * 50,
        months_in_season=list(template.months),
        origin_province=cooperative.province,
        shelf_life_days=template.shelf_life_days,
        packaging=template.unit,
        main_image_id=image_id,
        ocop=ocop,
    )


def _round_price(value: float) -> int:
    step = 1_000 if value < 1_000_000 else 50_000
    return max(step, round(value / step) * step)


def _ocop(template, cooperative, spec, *, signature, ordinal, state, today) -> services.OcopData:
    """A certificate whose age gives the wanted state: valid (default), expiring or expired."""
    stars = 5 if (signature and template.key in FIVE_STAR) else (4 if ordinal % 2 else 3)
    if state == "expired":
        age_days = 1_200 + ordinal % 200
    elif state == "expiring":
        age_days = 1_095 - (20 + ordinal % (OCOP_EXPIRING_DAYS - 30))
    else:
        age_days = 60 + (ordinal * 37) % 900  # well inside the 36 months
    issued_on = today - datetime.timedelta(days=age_days)
    number = 100 + (ordinal * 7919) % 3800
    if stars == 5:
        ministry_renamed = issued_on >= MINISTRY_RENAMED_ON
        return services.OcopData(
            stars=5,
            decision_number=f"{number}/QĐ-{'BNNMT' if ministry_renamed else 'BNN-VPĐP'}",
            issued_on=issued_on,
            issuing_authority="Bộ Nông nghiệp và Môi trường"
            if ministry_renamed
            else "Bộ Nông nghiệp và Phát triển nông thôn",
        )
    # Before the 2025 merger the certificate names the province of the day.
    if spec.former_province and issued_on < PROVINCES_MERGED_ON:
        authority = f"UBND tỉnh {spec.former_province}"
    else:
        authority = f"UBND {_province_label(cooperative.province)}"
    return services.OcopData(
        stars=stars,
        decision_number=f"{number}/QĐ-UBND",
        issued_on=issued_on,
        issuing_authority=authority,
    )


def _staff(*, users, cooperatives, alliances) -> None:
    """htx1@ in a Hà Nội cooperative, htx2@ in An Giang, lienminh@ in the Hà Nội alliance."""
    by_province = {b.page.province_id: b.page for b in cooperatives if b.index == 0}
    services.cooperative_add_staff(cooperative=by_province[HTX1_PROVINCE], user=users[HTX1.email])
    services.cooperative_add_staff(cooperative=by_province[HTX2_PROVINCE], user=users[HTX2.email])
    services.alliance_add_staff(alliance=alliances[HTX1_PROVINCE], user=users[LIENMINH.email])


def _review_examples(result, *, cooperatives, users, images: bool) -> None:
    """A draft and a listing waiting for the Hà Nội alliance, so the review flow has something to show."""
    cooperative = next(b.page for b in cooperatives if b.page.province_id == HTX1_PROVINCE and b.index == 0)
    existing = _existing_skus(cooperative)
    staff = users[HTX1.email]
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    for key, submit in (("mat-ong-rung", True), ("tra-duoc-lieu", False)):
        template = TEMPLATES[key]
        sku = f"{template.sku}-MOI"
        if sku in existing:
            continue
        category = categories[template.category]
        image_id = None
        if images:
            image_id = demo_image(
                title=template.name,
                subtitle=template.name_en,
                group=category.group.slug,
                collection=cooperative.collection,
            ).pk
            result.add("images")
        services.product_create(
            cooperative=cooperative,
            data=_product_data(
                template,
                sku=sku,
                category=category,
                cooperative=cooperative,
                spec=COOPERATIVES[HTX1_PROVINCE][0],
                rng=random.Random(sku),
                image_id=image_id,
                ocop=None,
            ),
            user=staff,
            submit=submit,
        )
        result.add("products")


# --- the scale catalogue -----------------------------------------------------------------------

SCALE_SKU_PREFIX = "SC-"
# Two axes of variants per OCOP group, so a cooperative's line has a few dozen distinct names.
_GOODS = (
    (("", ""), ("loại 1", "grade 1"), ("loại đặc biệt", "premium"), ("hữu cơ", "organic")),
    (
        ("", "", 1.0),
        ("hộp quà", "gift box", 1.35),
        ("thùng sỉ", "wholesale carton", 0.85),
        ("gói dùng thử", "sample pack", 0.4),
        ("đóng gói xuất khẩu", "export pack", 1.15),
    ),
)
_CRAFTS = (
    (
        ("", ""),
        ("mẫu truyền thống", "traditional design"),
        ("mẫu hiện đại", "modern design"),
        ("màu chàm", "indigo"),
    ),
    (
        ("", "", 1.0),
        ("cỡ nhỏ", "small", 0.7),
        ("cỡ lớn", "large", 1.5),
        ("bộ quà tặng", "gift set", 1.8),
        ("lô sỉ 20 chiếc", "wholesale lot of 20", 0.8),
    ),
)
VARIANTS = {
    "food": _GOODS,
    "beverages": _GOODS,
    "herbal": _GOODS,
    "textiles": _CRAFTS,
    "handicrafts": _CRAFTS,
    "tourism": (
        (
            ("", ""),
            ("cuối tuần", "weekend"),
            ("mùa lễ hội", "festival season"),
            ("có hướng dẫn viên tiếng Anh", "English-speaking guide"),
        ),
        (
            ("", "", 1.0),
            ("nhóm 4 người", "group of 4", 0.9),
            ("đoàn 10 người", "party of 10", 0.8),
            ("gói gia đình", "family package", 0.95),
            ("đoàn học sinh", "school group", 0.6),
        ),
    ),
}


def _scale_catalogue(result, *, cooperatives, n: int, log) -> None:
    """`n` products spread evenly over the demo cooperatives, variants of each one's own line.

    SKUs are `SC-<n>` with a global number, so each lands in the same cooperative on
    every run and a second run updates instead of adding.
    """
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    # Reuse the pictures of the curated products: a small pool, no new files.
    pictures = dict(
        ProductPage.objects.filter(main_image__isnull=False)
        .exclude(sku__startswith=SCALE_SKU_PREFIX)
        .order_by("pk")
        .values_list("sku", "main_image_id")
    )
    today = timezone.localdate()
    count = len(cooperatives)
    created = updated = 0
    started = time.monotonic()
    for position, built in enumerate(cooperatives):
        cooperative, spec = built.page, built.spec
        line = [TEMPLATES[key] for key in spec.products]
        descriptions = {t.key: _descriptions(t, cooperative=cooperative, spec=spec) for t in line}
        rng = random.Random(cooperative.tax_code)  # one stream per cooperative: same items, same values
        items = []
        for k, number in enumerate(range(position, n, count)):
            template = line[k % len(line)]
            category = categories[template.category]
            grades, packs = VARIANTS[category.group.slug]
            grade_vi, grade_en = grades[(k // len(line)) % len(grades)]
            pack_vi, pack_en, factor = packs[(k // (len(line) * len(grades))) % len(packs)]
            name = " ".join(part for part in (template.name, grade_vi, pack_vi) if part)
            ocop = None
            if number % 10 == 0:
                state = "expired" if number % 50 == 0 else None
                ocop = _ocop(
                    template, cooperative, spec, signature=False, ordinal=number, state=state, today=today
                )
            data = _product_data(
                template,
                sku=f"{SCALE_SKU_PREFIX}{number:07d}",
                name=name,
                price=_round_price(template.price_vnd * factor * rng.uniform(0.9, 1.12)),
                category=category,
                cooperative=cooperative,
                spec=spec,
                rng=rng,
                image_id=pictures.get(_sku(template, built)),
                ocop=ocop,
                descriptions=descriptions[template.key],
            )
            data.name_en = " ".join(part for part in (template.name_en, grade_en, pack_en) if part)
            items.append(data)
        if items:
            made, changed = services.products_bulk_upsert(
                cooperative=cooperative, items=items, publish=True, reindex=False
            )
            created, updated = created + made, updated + changed
        if (position + 1) % 10 == 0 or position + 1 == count:
            log(
                f"scale catalogue: {position + 1}/{count} cooperatives, {created} created, "
                f"{updated} updated ({time.monotonic() - started:.0f} s)"
            )
    result.add("scale products created", created)
    result.add("scale products updated", updated)
    if created or updated:
        counts = search.rebuild()
        log(f"search index rebuilt: {counts['indexed']} listings ({time.monotonic() - started:.0f} s)")


# --- pictures ----------------------------------------------------------------------------------

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
