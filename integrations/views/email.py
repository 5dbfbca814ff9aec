"""Digest email: each person's preference, the one-click unsubscribe link, and
the managers' page of who gets none and whose deliveries fail. The managers' page
is not kept: it is read rarely, and its few queries do not grow with the rows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from docs_registry import permissions

from .. import selectors, services
from ..forms import EmailPreferenceForm
from ..services.digests import retry_wait


@require_POST
def preference(request: HttpRequest) -> HttpResponse:
    form = EmailPreferenceForm(request.POST)
    if form.is_valid():
        services.email_preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Your digest email setting is saved.")
    else:
        messages.error(request, "Choose how often the digest email comes.")
    return redirect(reverse("docs_registry:profile") + "#email")


# The link in each digest works without signing in: the signed token names the
# person. RFC 8058: mail providers POST to it with no CSRF token ("one-click");
# a person following it sees a page asking to confirm, which POSTs the same.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    person = services.unsubscribe_user(token)
    if person is None:
        return render(
            request, "integrations/unsubscribe.html", {"invalid": True}, status=404
        )
    if request.method == "POST":
        services.email_unsubscribe(user=person)
    context = {"person": person, "done": request.method == "POST"}
    return render(request, "integrations/unsubscribe.html", context)


def email_status(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_manage_integrations(request.user),
        "Only managers see digest email deliveries.",
    )
    failing = list(selectors.failing_deliveries())
    for attempt in failing:
        attempt.next_try = attempt.attempted_at + retry_wait(attempt.failures or 1)
    context = {
        "without_email": selectors.people_without_email(),
        "failing": failing,
        "recent_failures": selectors.recent_failures(),
    }
    return render(request, "integrations/email_status.html", context)
