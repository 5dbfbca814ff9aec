from django.contrib import admin
from django.urls import include, path

from docs_registry import api

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls()),
    path("", include("docs_registry.urls")),
]
