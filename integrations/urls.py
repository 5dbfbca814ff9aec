from django.urls import path

from .views import email, webhooks

app_name = "integrations"

urlpatterns = [
    path("profile/email/", email.preference, name="email_preference"),
    path("email/unsubscribe/<str:token>/", email.unsubscribe, name="unsubscribe"),
    path("people/email/", email.email_status, name="email_status"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.webhook, name="webhook"),
    path(
        "webhooks/<int:pk>/events/<int:event_pk>/send-again/",
        webhooks.event_send_again,
        name="event_send_again",
    ),
]
