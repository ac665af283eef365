"""The Ecoop fairs' tables: the nine provinces, their extra cooperatives, the buyers, the two fairs' texts.

Read by demo/fairs.py, which builds the fairs from them through fairs.services.
"""

from .cooperatives import CooperativeSpec

# Hà Nội, Hải Phòng, Quảng Ninh, Bắc Ninh, Hưng Yên, Ninh Bình, Phú Thọ, Thái Nguyên, Lạng Sơn.
ECOOP_PROVINCES = ("01", "31", "22", "24", "33", "37", "25", "19", "20")

PAST_FAIR = {
    "title": "Hội nghị kết nối cung cầu Ecoop 2026",
    "name_en": "Ecoop supply–demand connection conference 2026",
    "slug": "ket-noi-cung-cau-ecoop-2026",
    "venue": "Trung tâm Hội nghị tỉnh Bắc Ninh",
    "intro": "<p>Liên kết chín liên minh hợp tác xã phía Bắc dưới thương hiệu <b>Ecoop</b>: "
    "giới thiệu sản phẩm của nhau và cùng tiêu thụ.</p>",
    "intro_en": "<p>Nine northern cooperative alliances linked under the <b>Ecoop</b> brand.</p>",
    "programme": "<p>8:00 Khai mạc · 8:30–11:10 Gặp gỡ B2B · 13:30–16:10 Gặp gỡ B2B · 16:30 Ký kết</p>",
}
OPEN_FAIR = {
    "title": "Hội chợ Ecoop Xuân 2027",
    "name_en": "Ecoop Spring Fair 2027",
    "slug": "hoi-cho-ecoop-xuan-2027",
    "venue": "Cung Văn hoá Hữu nghị Việt Xô, 91 Trần Hưng Đạo, Hà Nội",
    "intro": "<p>Hội chợ sản phẩm OCOP và đặc sản của hợp tác xã chín tỉnh, thành phía Bắc, "
    "kèm các phiên gặp gỡ B2B giữa người mua và hợp tác xã.</p>",
    "intro_en": "<p>OCOP products and specialities of cooperatives from nine northern provinces, "
    "with B2B meeting sessions between buyers and cooperatives.</p>",
    "programme": "<p>Ngày 1: Khai mạc, gặp gỡ B2B · Ngày 2–3: Trưng bày và bán hàng</p>",
}

# Five more cooperatives in each of the nine provinces, besides the catalogue's two.
C = CooperativeSpec
# fmt: off
ECOOP_COOPERATIVES: dict[str, tuple[CooperativeSpec, ...]] = {
    "01": (C("HTX Gạo nếp Phú Xuyên", "Trồng lúa nếp", ("gao-nep-cai-hoa-vang", "com-lang-vong"), "Phú Xuyên"),
           C("HTX Gốm sứ Bát Tràng Xanh", "Sản xuất gốm sứ", ("gom-bat-trang",), "Bát Tràng"),
           C("HTX Rau sạch Đông Anh", "Trồng rau an toàn", ("rau-huu-co",), "Đông Anh"),
           C("HTX Lụa Vạn Phúc", "Dệt lụa tơ tằm", ("lua-van-phuc", "tour-lang-nghe"), "Hà Đông"),
           C("HTX Mật ong Ba Vì", "Nuôi ong lấy mật", ("mat-ong-rung", "tra-duoc-lieu"), "Ba Vì")),
    "31": (C("HTX Nước mắm Đồ Sơn", "Chế biến nước mắm", ("nuoc-mam-truyen-thong", "ca-kho"), "Đồ Sơn"),
           C("HTX Gạo Tiên Lãng", "Trồng lúa chất lượng cao", ("gao-tam-xoan", "gao-nep-cai-hoa-vang"), "Tiên Lãng"),
           C("HTX Bánh gai Ninh Giang", "Làm bánh truyền thống", ("banh-gai", "keo-cu-do"), "Ninh Giang"),
           C("HTX Thủy sản Cát Bà", "Nuôi trồng và chế biến thủy sản", ("tom-kho", "cha-muc"), "Cát Bà"),
           C("HTX Rau củ Kiến Thụy", "Trồng rau củ", ("rau-huu-co", "toi-ly-son"), "Kiến Thụy")),
    "22": (C("HTX Miến dong Bình Liêu", "Chế biến miến dong", ("mien-dong",), "Bình Liêu"),
           C("HTX Chè hoa vàng Ba Chẽ", "Trồng và chế biến chè hoa vàng", ("tra-hoa-vang", "tra-duoc-lieu"), "Ba Chẽ"),
           C("HTX Hải sản Vân Đồn", "Khai thác hải sản", ("sa-sung-kho", "tom-kho"), "Vân Đồn"),
           C("HTX Nước mắm Cái Rồng", "Chế biến nước mắm", ("nuoc-mam-truyen-thong",), "Cái Rồng"),
           C("HTX Dầu tràm Tiên Yên", "Chưng cất tinh dầu", ("dau-tram", "tinh-dau-sa"), "Tiên Yên")),
    "24": (C("HTX Vải sấy Tân Yên", "Sơ chế và sấy vải", ("vai-thieu-say",), "Tân Yên"),
           C("HTX Gạo thơm Yên Dũng", "Trồng lúa", ("gao-st25", "gao-tam-xoan"), "Yên Dũng"),
           C("HTX Mây tre Phù Lãng", "Đan mây tre", ("may-tre-dan",), "Phù Lãng"),
           C("HTX Mật ong Lục Nam", "Nuôi ong", ("mat-ong-rung",), "Lục Nam"),
           C("HTX Rượu làng Vân", "Nấu rượu truyền thống", ("ruou-sim",), "Vân Hà")),
    "33": (C("HTX Nhãn lồng Tiên Lữ", "Trồng nhãn", ("nhan-long", "mat-ong-hoa-nhan"), "Tiên Lữ"),
           C("HTX Gạo Khoái Châu", "Trồng lúa", ("gao-st25", "gao-nep-cai-hoa-vang"), "Khoái Châu"),
           C("HTX Tinh bột nghệ Khoái Châu", "Chế biến nghệ", ("tinh-bot-nghe",), "Khoái Châu"),
           C("HTX Nước mắm Thái Thụy", "Chế biến thủy sản", ("nuoc-mam-truyen-thong",), "Thái Thụy"),
           C("HTX Chiếu cói Quỳnh Phụ", "Dệt chiếu cói", ("chieu-coi",), "Quỳnh Phụ")),
    "37": (C("HTX Gạo hữu cơ Nho Quan", "Trồng lúa hữu cơ", ("gao-st25", "gao-tam-xoan"), "Nho Quan"),
           C("HTX Dê núi Hoa Lư", "Chăn nuôi và du lịch", ("tour-nong-nghiep", "homestay"), "Hoa Lư"),
           C("HTX Cói Nga Sơn", "Thủ công từ cói", ("chieu-coi", "may-tre-dan"), "Kim Sơn"),
           C("HTX Nước mắm Giao Thủy", "Chế biến nước mắm", ("nuoc-mam-truyen-thong",), "Giao Thủy"),
           C("HTX Mật ong Cúc Phương", "Nuôi ong rừng", ("mat-ong-rung",), "Cúc Phương")),
    "25": (C("HTX Chè Thanh Ba", "Trồng chè", ("che-tan-cuong", "tra-duoc-lieu"), "Thanh Ba"),
           C("HTX Bưởi Phú Hộ", "Trồng bưởi", ("buoi-doan-hung",), "Phú Hộ"),
           C("HTX Gạo Tam Nông", "Trồng lúa", ("gao-tam-xoan",), "Tam Nông"),
           C("HTX Mây tre Hạ Hòa", "Đan mây tre", ("may-tre-dan",), "Hạ Hòa"),
           C("HTX Mật ong Tân Sơn", "Nuôi ong", ("mat-ong-rung",), "Tân Sơn")),
    "19": (C("HTX Chè La Bằng", "Trồng và chế biến chè", ("che-tan-cuong", "tour-hai-che"), "La Bằng"),
           C("HTX Chè Trại Cài", "Chế biến chè", ("che-tan-cuong",), "Đồng Hỷ"),
           C("HTX Gạo Bao thai Định Hóa", "Trồng lúa", ("gao-tam-xoan",), "Định Hóa"),
           C("HTX Miến dong Ba Bể", "Chế biến miến", ("mien-dong",), "Ba Bể"),
           C("HTX Hạt dẻ Trùng Khánh", "Trồng hạt dẻ", ("hat-de",), "Bạch Thông")),
    "20": (C("HTX Na Chi Lăng", "Trồng na", ("na-chi-lang",), "Chi Lăng"),
           C("HTX Hồi Bình Gia", "Trồng và sơ chế hồi", ("hoa-hoi", "tinh-dau-que"), "Bình Gia"),
           C("HTX Thạch đen Tràng Định", "Chế biến nông sản", ("tra-duoc-lieu",), "Tràng Định"),
           C("HTX Rượu Mẫu Sơn", "Nấu rượu men lá", ("ruou-ngo-bac-ha",), "Mẫu Sơn"),
           C("HTX Đào Mẫu Sơn", "Du lịch nông nghiệp", ("tour-nong-nghiep", "homestay"), "Lộc Bình")),
}
# fmt: on

BUYER_NAMES = {
    "supermarket": ("Chuỗi siêu thị Sao Việt", "Siêu thị Nông sản Xanh", "Chuỗi cửa hàng Bếp Việt"),
    "retailer": (
        "Cửa hàng Đặc sản Ba Miền",
        "Cửa hàng OCOP Phố Cổ",
        "Tạp hoá sạch An Khang",
        "Gian hàng Quà quê",
    ),
    "wholesaler": (
        "Công ty Phân phối Nông sản Bắc Bộ",
        "Tổng kho Thực phẩm Long Biên",
        "Công ty TNHH Thương mại Hồng Hà",
    ),
    "processor": ("Công ty CP Chế biến Thực phẩm Hưng Thịnh", "Xưởng bánh kẹo Hương Xưa"),
    "exporter": ("Công ty Xuất khẩu Nông sản Việt Xanh", "Công ty CP Xuất nhập khẩu Đông Dương"),
    "importer": ("Tokyo Asian Foods Co.", "Seoul Green Market", "Berlin Asia Import GmbH"),
    "horeca": ("Nhà hàng Sen Quê", "Khách sạn Hồ Gươm", "Chuỗi quán Cơm Nhà"),
    "household": ("Hộ kinh doanh Minh Anh", "Hộ kinh doanh Thu Hà"),
}
ABROAD = {"Tokyo Asian Foods Co.": "JP", "Seoul Green Market": "KR", "Berlin Asia Import GmbH": "DE"}
