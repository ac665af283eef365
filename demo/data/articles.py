"""The demo's news and market-information articles, published by demo/cms.py."""

from cms.models import ArticlePage

DEMO_NOTE = "<p><em>Bài viết minh họa cho dữ liệu demo của sàn.</em></p>"

# slug, kind, days ago, title, summary, body
ARTICLES = [
    (
        "hoi-nghi-ket-noi-cung-cau-ecoop",
        ArticlePage.Kind.NEWS,
        6,
        "Hội nghị kết nối cung cầu Ecoop: hợp tác xã chín tỉnh phía Bắc gặp nhà phân phối",
        "Liên minh HTX các tỉnh, thành phía Bắc tổ chức phiên kết nối B2B giữa hợp tác xã và "
        "chuỗi bán lẻ, kết thúc bằng lễ ký biên bản ghi nhớ.",
        "<p>Trong khuôn khổ chương trình liên kết vùng <b>Ecoop</b>, liên minh hợp tác xã của chín "
        "tỉnh, thành phía Bắc phối hợp tổ chức hội nghị kết nối cung cầu tại Hà Nội. Các nhà phân "
        "phối, chuỗi siêu thị và doanh nghiệp chế biến gửi trước nhu cầu: mặt hàng, sản lượng, tiêu "
        "chuẩn chất lượng và thời gian giao hàng.</p>"
        "<p>Ban tổ chức xếp lịch gặp song phương theo bàn và khung giờ, để mỗi hợp tác xã gặp đúng "
        "người mua cần sản phẩm của mình. Các nhóm hàng được quan tâm nhiều nhất là gạo đặc sản, "
        "chè, mật ong và rau an toàn.</p>"
        "<p>Cuối ngày, các bên ký biên bản ghi nhớ và hợp đồng nguyên tắc. Liên minh HTX các tỉnh sẽ "
        "theo dõi việc thực hiện và tổng hợp kết quả theo từng tỉnh.</p>",
    ),
    (
        "gia-nong-san-ocop-thang-nay",
        ArticlePage.Kind.MARKET,
        3,
        "Thị trường nông sản OCOP: cà phê giữ giá cao, bưởi và cam vào vụ",
        "Giá cà phê nhân và cà phê rang xay của hợp tác xã Tây Nguyên ổn định ở mức cao; các vùng "
        "bưởi, cam phía Bắc bước vào vụ thu hoạch chính.",
        "<p><b>Cà phê.</b> Giá cà phê Robusta nhân xô và sản phẩm rang xay của các hợp tác xã Tây "
        "Nguyên tiếp tục đứng ở mức cao so với cùng kỳ. Người mua nên chốt đơn sớm cho các lô "
        "Arabica sơ chế ướt vì sản lượng hạn chế.</p>"
        "<p><b>Trái cây có múi.</b> Bưởi Đoan Hùng, bưởi Phúc Trạch và cam Vinh bắt đầu vào vụ. "
        "Giá bán buôn tại vườn thường giảm khi vào chính vụ rồi tăng lại trước Tết.</p>"
        "<p><b>Lời khuyên cho người mua.</b> Với sản phẩm OCOP, hãy kiểm tra số quyết định và thời "
        "hạn chứng nhận trên trang sản phẩm: sao OCOP chỉ hiển thị khi chứng nhận còn hiệu lực.</p>",
    ),
    (
        "tap-huan-chuyen-doi-so-hop-tac-xa",
        ArticlePage.Kind.NEWS,
        12,
        "Tập huấn chuyển đổi số: hợp tác xã tự đăng sản phẩm lên sàn bằng điện thoại",
        "Cán bộ liên minh HTX hướng dẫn thành viên hợp tác xã chụp ảnh sản phẩm, nhập giá theo "
        "đồng và gửi tin đăng để liên minh duyệt.",
        "<p>Nhiều hợp tác xã chưa quen với bán hàng trực tuyến. Buổi tập huấn tập trung vào những "
        "việc làm được ngay trên điện thoại: chụp ảnh sản phẩm đủ sáng, viết mô tả ngắn bằng tiếng "
        "Việt và tiếng Anh, ghi đơn vị tính và số lượng đặt tối thiểu.</p>"
        "<p>Tin đăng của hợp tác xã được gửi đến liên minh HTX của tỉnh để duyệt trước khi hiển thị "
        "công khai. Số lượng tồn kho được cập nhật riêng, không cần duyệt lại.</p>",
    ),
    (
        "nhu-cau-xuat-khau-nuoc-mam-gao-thom",
        ArticlePage.Kind.MARKET,
        9,
        "Nhà nhập khẩu châu Âu tìm nguồn nước mắm truyền thống và gạo thơm",
        "Yêu cầu thường gặp: hồ sơ truy xuất nguồn gốc, chứng nhận an toàn thực phẩm và khả năng "
        "cung ứng đều theo tháng.",
        "<p>Các nhà nhập khẩu thực phẩm châu Á tại châu Âu quan tâm đến nước mắm ủ chượp truyền "
        "thống và gạo thơm như ST25. Họ thường yêu cầu chứng nhận HACCP hoặc ISO 22000, nhãn mác "
        "song ngữ và mẫu thử trước khi đặt hàng.</p>"
        "<p>Hợp tác xã nên ghi rõ sản lượng cung ứng mỗi tháng và thời hạn sử dụng trên trang sản "
        "phẩm, để người mua quốc tế đánh giá được khả năng đáp ứng đơn hàng.</p>",
    ),
    (
        "gia-han-chung-nhan-ocop",
        ArticlePage.Kind.NEWS,
        1,
        "Chứng nhận OCOP có hiệu lực 36 tháng: nhớ đánh giá lại trước khi hết hạn",
        "Sàn nhắc hợp tác xã khi chứng nhận OCOP còn dưới 90 ngày; sao OCOP tự ẩn khi chứng nhận hết hạn.",
        "<p>Chứng nhận sản phẩm OCOP có hiệu lực 36 tháng kể từ ngày ký quyết định. Khi chứng nhận "
        "còn dưới 90 ngày, trang quản trị của hợp tác xã hiển thị cảnh báo để chuẩn bị hồ sơ đánh "
        "giá lại.</p>"
        "<p>Khi chứng nhận hết hạn, số sao không còn hiển thị trên sàn cho đến khi có quyết định công "
        "nhận mới.</p>",
    ),
]
