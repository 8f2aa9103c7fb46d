"""Pages: authoring."""

urlpatterns: list = []
