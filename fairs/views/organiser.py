"""Views for fairs (organiser pages)."""

urlpatterns: list = []
