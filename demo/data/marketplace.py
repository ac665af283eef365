"""The e-trading floor's demo tables: buyers, banks, carriers and the purchases that tell its story.

Read by demo/marketplace.py. Every purchase is a `Story`: who buys what from which of the three
demo shops, how they pay, when (a day of last month, or hours ago), and what then happens to each
of its orders. Together they leave one order in every state a buyer or a cooperative can meet.
"""

from dataclasses import dataclass

from .accounts import BUYER, DemoAccount

# Three buyers besides buyer@ (README), who place the demo's orders. Password as every demo account.
NAM = DemoAccount("nam.hoang@demo.coop.vn", "Hoàng Văn", "Nam", "buyer (home orders, cash on delivery)")
HANH = DemoAccount("hanh.do@demo.coop.vn", "Đỗ Thị", "Hạnh", "buyer (bank transfers)")
QUE_NHA = DemoAccount(
    "quenha@demo.coop.vn",
    "Phạm Quốc",
    "Bảo",
    "buyer for a restaurant",
    organisation="Nhà hàng Quê Nhà, Hà Nội",
)
BUYERS = (NAM, HANH, QUE_NHA)

# Real NAPAS BINs, and the length of an account number at each bank (marketplace/payments/banks.py).
BANKS = (
    ("970436", 13),  # Vietcombank
    ("970418", 14),  # BIDV
    ("970405", 13),  # Agribank
    ("970415", 12),  # VietinBank
    ("970407", 14),  # Techcombank
    ("970422", 12),  # MB Bank
    ("970432", 9),  # VPBank
    ("970403", 12),  # Sacombank
)
# Shipping terms, taken in turn by the demo cooperatives (amounts in đồng).
SHIPPING = (
    {"shipping": "flat", "shipping_fee_vnd": 30_000},
    {"shipping": "free_above", "shipping_fee_vnd": 35_000, "free_shipping_from_vnd": 1_000_000},
    {"shipping": "pickup"},
    {"shipping": "flat", "shipping_fee_vnd": 45_000},
)

# The three shops the stories buy from, by (province code, index in the province): htx1@'s organic
# farm in Hà Nội, htx2@'s fish sauce on Phú Quốc, and the Đà Lạt union, which takes no cash on
# delivery. Their own shipping terms are set here; other cooperatives take SHIPPING in turn.
SOC_SON, PHU_QUOC, DA_LAT = ("01", 0), ("91", 0), ("68", 0)
SHOP_SHIPPING = {
    SOC_SON: {"shipping": "flat", "shipping_fee_vnd": 30_000},
    PHU_QUOC: {"shipping": "free_above", "shipping_fee_vnd": 40_000, "free_shipping_from_vnd": 800_000},
    DA_LAT: {"shipping": "pickup"},
}
NO_CASH_ON_DELIVERY = {DA_LAT}

# Carriers, with how their tracking numbers begin.
CARRIERS = (
    ("Viettel Post", "VTP"),
    ("Giao Hàng Nhanh", "GHN"),
    ("Giao Hàng Tiết Kiệm", "S"),
    ("VNPost", "EE"),
)
ADDRESSES = {
    BUYER.email: ("Trần Thị Mai", "0912 345 678", "01", "Hoàn Kiếm", "35 Hàng Bông"),
    NAM.email: ("Hoàng Văn Nam", "0987 654 321", "01", "Cầu Giấy", "Ngõ 12 Trần Thái Tông, số 8"),
    HANH.email: ("Đỗ Thị Hạnh", "0903 112 233", "79", "Bến Thành", "142 Lê Lợi"),
    QUE_NHA.email: ("Phạm Quốc Bảo", "0243 822 6677", "01", "Ba Đình", "18 Phan Đình Phùng"),
}


@dataclass(frozen=True)
class Story:
    """One purchase and what happens to each of its orders afterwards.

    `when` is a day of last month ("d12") or a time before now ("h3": three hours ago). `shops`
    are the cooperatives bought from, each with the number of its products and the quantity;
    `moves` are applied in turn to every order of the purchase, as the people involved would:
    paid (bank statement matched), confirmed, shipped, delivered, completed, cancelled by the
    buyer, cancelled by the cooperative (and refunded, when paid), expired, pending (card).
    """

    key: str
    buyer: str
    method: str
    when: str
    shops: tuple[tuple[tuple[str, int], int], ...]
    moves: tuple[str, ...] = ()
    note: str = ""


S = Story
STORIES = (
    # Last month: what the settlement shows.
    S(
        "completed-transfer",
        BUYER.email,
        "vietqr",
        "d2",
        ((SOC_SON, 3), (PHU_QUOC, 2)),
        ("paid", "confirmed", "shipped", "delivered", "completed"),
        "Giao giờ hành chính.",
    ),
    S(
        "completed-cash",
        NAM.email,
        "cod",
        "d5",
        ((SOC_SON, 2),),
        ("confirmed", "shipped", "delivered", "completed"),
    ),
    S("refunded", HANH.email, "vietqr", "d8", ((PHU_QUOC, 4),), ("paid", "cancelled_by_cooperative")),
    S("expired", QUE_NHA.email, "vietqr", "d11", ((SOC_SON, 5), (DA_LAT, 2)), ("expired",)),
    S("cancelled-by-buyer", NAM.email, "vietqr", "d14", ((DA_LAT, 1),), ("cancelled_by_buyer",)),
    S("delivered-cash", BUYER.email, "cod", "d18", ((PHU_QUOC, 6),), ("confirmed", "shipped", "delivered")),
    S(
        "completed-restaurant",
        QUE_NHA.email,
        "vietqr",
        "d24",
        ((SOC_SON, 10), (DA_LAT, 3)),
        ("paid", "confirmed", "shipped", "delivered", "completed"),
        "Giao trước 9 giờ sáng.",
    ),
    # The last few days: orders still on their way.
    S("shipped", QUE_NHA.email, "vietqr", "h70", ((PHU_QUOC, 12),), ("paid", "confirmed", "shipped")),
    S("confirmed", HANH.email, "vietqr", "h40", ((DA_LAT, 2),), ("paid", "confirmed")),
    S("paid", NAM.email, "vietqr", "h20", ((SOC_SON, 2),), ("paid",)),
    S("placed-cash", BUYER.email, "cod", "h6", ((SOC_SON, 1), (PHU_QUOC, 1))),
    S("placed-transfer", QUE_NHA.email, "vietqr", "h2", ((SOC_SON, 4), (PHU_QUOC, 3))),
)
# Card purchases, built only when card payment is configured (STRIPE_* settings, localstripe):
# two paid last month (the platform then owes the shops, and pays one of them out), one pending.
CARD_STORIES = (
    S(
        "completed-card",
        HANH.email,
        "card",
        "d3",
        ((SOC_SON, 2), (PHU_QUOC, 2)),
        ("card_paid", "confirmed", "shipped", "delivered", "completed"),
    ),
    S(
        "delivered-card",
        BUYER.email,
        "card",
        "d16",
        ((SOC_SON, 6),),
        ("card_paid", "confirmed", "shipped", "delivered"),
    ),
    S("pending-card", NAM.email, "card", "now", ((PHU_QUOC, 1),), ("pending",)),
)
PAYOUT_DAY = 28  # of last month: the alliance pays Sóc Sơn what card buyers paid for its goods
