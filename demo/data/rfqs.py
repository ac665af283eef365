"""The B2B demo's tables: the businesses that buy on quotes, the markets they buy in, and what they ask.

Read by demo/rfqs.py. A `Market` is a kind of goods traded by the tonne or the litre in one OCOP
category, with a typical wholesale unit price and how it moved month by month over the last half
year; the cooperatives that quote in it are those listing products of that category.
"""

from dataclasses import dataclass

from .accounts import BUYER, DemoAccount


@dataclass(frozen=True)
class Market:
    category: str  # the category's slug
    title: str  # what buyers ask for
    unit: str
    price_vnd: int  # a typical wholesale price per unit six months ago, VAT included
    trend: float  # how the price moved each month since (0.01: up 1% a month)
    quantities: tuple[int, ...]
    details: str
    line: str  # how a cooperative describes its goods on a quote ("{product}" is its product's name)
    step: int = 100  # prices are rounded to this many đồng


MARKETS = (
    Market(
        "food-rice",
        "Gạo thơm đóng bao 25 kg",
        "kg",
        23_500,
        0.012,
        (3_000, 5_000, 8_000, 10_000),
        "Gạo vụ mới, độ ẩm dưới 14%, có truy xuất nguồn gốc; giao theo lô về kho.",
        "{product} – hàng rời, đóng bao PP 25 kg",
    ),
    Market(
        "food-honey",
        "Mật ong rừng nguyên chất",
        "lít",
        235_000,
        -0.004,
        (100, 150, 200, 300),
        "Mật ong nguyên chất, độ ẩm dưới 20%, có phiếu kiểm nghiệm; đóng can 5 lít.",
        "{product} – can 5 lít",
        step=1_000,
    ),
    Market(
        "food-condiments",
        "Nước mắm truyền thống 30 độ đạm",
        "lít",
        92_000,
        0.006,
        (500, 1_000, 2_000),
        "Nước mắm cá cơm ủ chượp truyền thống, độ đạm từ 30 trở lên; đóng can 20 lít.",
        "{product} – can 20 lít",
        step=500,
    ),
    Market(
        "food-tea-coffee",
        "Chè búp khô loại 1",
        "kg",
        310_000,
        -0.008,
        (50, 100, 200),
        "Chè búp sao khô, không dư lượng thuốc bảo vệ thực vật; đóng túi hút chân không 1 kg.",
        "{product} – túi hút chân không 1 kg",
        step=1_000,
    ),
)


@dataclass(frozen=True)
class B2bBuyer:
    account: DemoAccount
    kind: str  # a BuyerKind
    address: tuple[str, str, str, str, str]  # recipient, phone, province code, ward hint, street


# Businesses that buy on quotes; the first signs in with the README's password and is listed.
SIEU_THI_XANH = DemoAccount(
    "sieuthi@demo.coop.vn",
    "Vũ Thị",
    "Thu",
    "buyer for a supermarket chain (requests for quotation)",
    organisation="Chuỗi siêu thị Xanh",
)
B2B_BUYERS = (
    B2bBuyer(
        SIEU_THI_XANH,
        "supermarket",
        ("Vũ Thị Thu", "0904 556 778", "01", "Long Biên", "Kho Sài Đồng, 7 Vũ Xuân Thiều"),
    ),
    B2bBuyer(
        DemoAccount(
            "bep@suatanhaiphong.demo.coop.vn",
            "Đặng Văn",
            "Long",
            "",
            organisation="Công ty Suất ăn Công nghiệp Hải Phòng",
        ),
        "horeca",
        ("Đặng Văn Long", "0936 112 445", "31", "Hồng Bàng", "Lô B4 KCN Nomura"),
    ),
    B2bBuyer(
        DemoAccount(
            "xuatkhau@kinhbac.demo.coop.vn",
            "Ngô Thị",
            "Lan",
            "",
            organisation="Công ty XNK Nông sản Kinh Bắc",
        ),
        "exporter",
        ("Ngô Thị Lan", "0912 778 990", "24", "Kinh Bắc", "Lô 12 KCN Quế Võ"),
    ),
    B2bBuyer(
        DemoAccount(
            "phanphoi@halong.demo.coop.vn",
            "Bùi Quang",
            "Huy",
            "",
            organisation="Nhà phân phối Thực phẩm Hạ Long",
        ),
        "wholesaler",
        ("Bùi Quang Huy", "0987 220 331", "22", "Hạ Long", "28 Lê Thánh Tông"),
    ),
    B2bBuyer(
        DemoAccount(
            "chebien@trangan.demo.coop.vn",
            "Trịnh Văn",
            "Đức",
            "",
            organisation="Công ty Chế biến Thực phẩm Tràng An",
        ),
        "processor",
        ("Trịnh Văn Đức", "0915 334 556", "37", "Hoa Lư", "Cụm công nghiệp Gián Khẩu"),
    ),
    B2bBuyer(BUYER, "retailer", ("Trần Thị Mai", "0912 345 678", "01", "Hoàn Kiếm", "35 Hàng Bông")),
)

# What the buyers say in the message threads, and what the cooperatives answer.
QUESTIONS = (
    "HTX giao được trong tuần đầu tháng không? Bên em cần kèm phiếu kiểm nghiệm lô hàng.",
    "Giá này đã gồm vận chuyển đến kho chưa ạ?",
    "Nếu lấy đều hằng tháng trong sáu tháng thì HTX có giảm giá không?",
)
ANSWERS = (
    "Dạ được ạ, HTX gửi kèm phiếu kiểm nghiệm và giấy chứng nhận VietGAP.",
    "Giá đã gồm vận chuyển đến kho trong bán kính 100 km ạ.",
    "HTX đã gửi lại báo giá mới, giảm thêm cho đơn lấy đều hằng tháng ạ.",
)
DELIVERY_TERMS = (
    "Giao tại kho bên mua, bốc xếp do HTX chịu.",
    "Giao theo đợt, mỗi đợt báo trước 3 ngày.",
    "Giao tại kho HTX, bên mua tự vận chuyển.",
)
