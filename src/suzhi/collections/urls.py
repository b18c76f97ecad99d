from suzhi.collections.views.pages import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
