"""Pages: proposals."""

urlpatterns: list = []
