"""Fair pages outside the Wagtail page tree, under /hoi-cho-tham-gia/<fair id>/ (namespace "fairs").

Ids use the `id` converter (catalog.converters), so an id too large for the database is a 404.
"""

from django.urls import path

from .views import agreements, organiser, participant, report

app_name = "fairs"
urlpatterns = [
    # participant
    path("<id:fair_id>/dang-ky/", participant.register, name="register"),
    path("<id:fair_id>/dang-ky/nguoi-mua/", participant.register_buyer, name="register_buyer"),
    path(
        "<id:fair_id>/dang-ky/hop-tac-xa/<id:cooperative_id>/",
        participant.register_cooperative,
        name="register_cooperative",
    ),
    path("<id:fair_id>/cua-toi/", participant.mine, name="mine"),
    path("<id:fair_id>/cua-toi/<id:participant_id>/nhu-cau/", participant.demand_add, name="demand_add"),
    path(
        "<id:fair_id>/cua-toi/<id:participant_id>/yeu-cau-gap/",
        participant.request_meeting,
        name="request_meeting",
    ),
    path("<id:fair_id>/cua-toi/<id:participant_id>/quan-tam/", participant.interest, name="interest"),
    path(
        "<id:fair_id>/yeu-cau-gap/<id:request_id>/tra-loi/", participant.request_answer, name="request_answer"
    ),
    path(
        "<id:fair_id>/yeu-cau-gap/<id:request_id>/rut-lai/",
        participant.request_withdraw,
        name="request_withdraw",
    ),
    path(
        "<id:fair_id>/cua-toi/<id:participant_id>/nhu-cau/<id:demand_id>/xoa/",
        participant.demand_delete,
        name="demand_delete",
    ),
    path("<id:fair_id>/cua-toi/<id:participant_id>/rut-dang-ky/", participant.withdraw, name="withdraw"),
    path("tham-gia/<id:participant_id>/lich/", participant.schedule, name="schedule"),
    path("tham-gia/<id:participant_id>/lich.ics", participant.schedule_ics, name="schedule_ics"),
    path("tham-gia/<id:participant_id>/the/", participant.badge, name="badge"),
    # organiser
    path("<id:fair_id>/to-chuc/", organiser.organise, name="organise"),
    path("<id:fair_id>/to-chuc/nguoi-tham-gia/", organiser.participants, name="participants"),
    path("<id:fair_id>/to-chuc/duyet/", organiser.decide, name="decide"),
    path("<id:fair_id>/to-chuc/trang-thai/", organiser.status, name="status"),
    path("<id:fair_id>/to-chuc/cuoc-gap-moi/", organiser.meeting_new, name="meeting_new"),
    path("<id:fair_id>/to-chuc/xep-lich/", organiser.schedule_run, name="schedule_run"),
    path("<id:fair_id>/to-chuc/ghim/", organiser.pin, name="pin"),
    path("<id:fair_id>/to-chuc/so-do-ban/", organiser.table_plan, name="table_plan"),
    path("<id:fair_id>/to-chuc/check-in/", organiser.check_in, name="check_in"),
    path("<id:fair_id>/cuoc-gap/<id:meeting_id>/", organiser.meeting, name="meeting"),
    path(
        "<id:fair_id>/thoa-thuan/<id:agreement_id>/tai-lieu/",
        agreements.agreement_document,
        name="agreement_document",
    ),
    path(
        "<id:fair_id>/thoa-thuan/<id:agreement_id>/dat-hang/",
        agreements.agreement_orders,
        name="agreement_orders",
    ),
    # report
    path("<id:fair_id>/bao-cao/", report.report, name="report"),
    path("<id:fair_id>/bao-cao.csv", report.report_csv, name="report_csv"),
    path("<id:fair_id>/bao-cao.xlsx", report.report_xlsx, name="report_xlsx"),
]
