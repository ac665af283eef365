"""The demo catalogue's product lines: one template per speciality, keyed by slug.

Each cooperative in demo/data/cooperatives.py lists the keys it makes; demo/catalog.py turns
a template into a listing (price jittered, stock and capacity drawn per SKU), and the scale
catalogue multiplies each line by the VARIANTS below. Names and descriptions are Vietnamese
with an English twin; categories are the slugs of catalog's OCOP category tree.
"""

from dataclasses import dataclass


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
