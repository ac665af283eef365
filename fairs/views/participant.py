"""Views for fairs (participant pages)."""

urlpatterns: list = []
