"""Names of Vietnamese banks by their NAPAS BIN, to show a transfer's bank in words.

An unknown BIN is shown as itself: the VietQR code carries the BIN, which every banking app reads.
"""

BANKS = {
    "970400": "Saigonbank",
    "970403": "Sacombank",
    "970405": "Agribank",
    "970406": "DongA Bank",
    "970407": "Techcombank",
    "970409": "Bac A Bank",
    "970412": "PVcomBank",
    "970415": "VietinBank",
    "970416": "ACB",
    "970418": "BIDV",
    "970419": "NCB",
    "970422": "MB Bank",
    "970423": "TPBank",
    "970425": "ABBANK",
    "970426": "MSB",
    "970428": "Nam A Bank",
    "970431": "Eximbank",
    "970432": "VPBank",
    "970436": "Vietcombank",
    "970437": "HDBank",
    "970438": "BaoViet Bank",
    "970440": "SeABank",
    "970441": "VIB",
    "970443": "SHB",
    "970446": "Co-opBank",
    "970448": "OCB",
    "970449": "LPBank",
    "970452": "Kienlongbank",
}


def bank_name(bin_code: str) -> str:
    return BANKS.get(bin_code, bin_code)
