"""Managers' webhooks: register one (its secret shown once), read each one's
latest deliveries, send an event again. Not kept: read rarely, by few, and each
page's queries do not grow with its rows."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from docs_registry import permissions
from docs_registry.params import ID_MAX

from .. import selectors, services
from ..forms import WebhookForm
from ..models import Webhook, WebhookEvent

# A new webhook's secret waits here for the one page that shows it: the answer
# to the creating POST is a redirect, so reloading shows it no more.
NEW_SECRET = "integrations:new-webhook-secret"  # noqa: S105 (a session key)


def _require_manager(request: HttpRequest, *ids: int) -> None:
    permissions.require(
        permissions.can_manage_integrations(request.user),
        "Only managers see and register webhooks.",
    )
    if any(row_id > ID_MAX for row_id in ids):
        raise Http404  # beyond any row id; the database would refuse to look


@require_http_methods(["GET", "HEAD", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        webhook, secret = services.webhook_create(
            actor=request.user, **form.cleaned_data
        )
        request.session[NEW_SECRET] = {"pk": webhook.pk, "secret": secret}
        return redirect("integrations:webhook", pk=webhook.pk)
    context = {"form": form, "webhooks": selectors.webhooks_with_counts()}
    return render(request, "integrations/webhooks.html", context)


def webhook(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request, pk)
    hook = get_object_or_404(Webhook.objects.select_related("created_by"), pk=pk)
    new = request.session.pop(NEW_SECRET, None) or {}
    context = {
        "webhook": hook,
        "events": selectors.webhook_recent_events(hook),
        "secret": new.get("secret") if new.get("pk") == hook.pk else None,
    }
    return render(request, "integrations/webhook.html", context)


@require_POST
def event_send_again(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    _require_manager(request, pk, event_pk)
    event = get_object_or_404(WebhookEvent, pk=event_pk, webhook_id=pk)
    services.webhook_event_requeue(actor=request.user, event=event)
    messages.success(request, "It will be sent again at the next delivery run.")
    return redirect("integrations:webhook", pk=pk)
