"""Views for fairs (report pages)."""

urlpatterns: list = []
