"""Signing out: Django's own view, and a word that it worked."""

from django.contrib import messages
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse


class SignOutView(LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # After the session is gone: the message travels in the new one.
        messages.info(request, "You have signed out.")
        return response
