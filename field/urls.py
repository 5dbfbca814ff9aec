from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("exceptions/", views.exception_list, name="exceptions"),
    path("exceptions/new/", views.exception_propose, name="exception_new"),
    path("exceptions/<int:pk>/", views.exception_detail, name="exception"),
    path(
        "exceptions/<int:pk>/<str:action>/",
        views.exception_decide,
        name="exception_decide",
    ),
    path("field/", views.field_report_list, name="reports"),
    path("field/new/", views.field_report_file, name="report_new"),
    path("field/<int:pk>/", views.field_report_detail, name="report"),
    path("field/<int:pk>/seen/", views.field_report_seen, name="report_seen"),
    path(
        "field/<int:pk>/<str:action>/",
        views.field_report_resolve,
        name="report_resolve",
    ),
]
