"""Pages: evaluation."""

urlpatterns: list = []
