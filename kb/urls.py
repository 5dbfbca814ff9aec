from django.contrib import admin
from django.urls import include, path

from docs_registry import api
from docs_registry.views.accounts import SignOutView
from sso.views import SignInView

urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("sso/", include("sso.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls()),
    path("", include("integrations.urls")),
    path("", include("teamwork.urls")),
    path("", include("field.urls")),
    path("", include("docs_registry.urls")),
]

handler400 = "docs_registry.views.errors.bad_request"
handler403 = "docs_registry.views.errors.permission_denied"
handler404 = "docs_registry.views.errors.page_not_found"
handler500 = "docs_registry.views.errors.server_error"
