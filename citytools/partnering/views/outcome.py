"""Pages: outcome."""

urlpatterns: list = []
