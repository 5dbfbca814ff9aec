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
]
