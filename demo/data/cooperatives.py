"""The demo cooperatives: two per province, each seated in a real ward of it.

Read by demo/catalog.py. Each spec names the product templates (demo/data/products.py) the
cooperative makes, first its signature product; `former_province` is the pre-2025 province
that older OCOP certificates name.
"""

from dataclasses import dataclass

NATIONAL_ALLIANCE = "Liên minh Hợp tác xã Việt Nam"


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
