"""The five demo accounts the README lists, with the role it gives each."""

from dataclasses import dataclass


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
