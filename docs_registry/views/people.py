"""Accounts locked after failed sign-ins: managers see them and clear them."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import permissions, services
from ..selectors.signin import locked_sign_ins


@require_http_methods(["GET", "HEAD", "POST"])
def locked(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_clear_lockouts(request.user),
        "Only managers see and clear locked sign-ins.",
    )
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            services.lockout_clear(actor=request.user, username=username)
        except services.ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{username} can sign in again.")
        return redirect("docs_registry:locked")
    context = {
        "locked": locked_sign_ins(),
        "cooloff": get_cool_off(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "docs_registry/locked.html", context)
