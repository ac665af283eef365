"""Fair pages outside the Wagtail page tree, under /hoi-cho-tham-gia/<fair id>/ (namespace "fairs")."""

from .views import organiser, participant, report

app_name = "fairs"
urlpatterns = [*participant.urlpatterns, *organiser.urlpatterns, *report.urlpatterns]
