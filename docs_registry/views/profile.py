"""The signed-in person's profile: who they are, and their personal API tokens."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .. import services
from ..models import ApiToken
from ..services.tokens import NAME_MAX_LENGTH


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        help_text="What the token is for, e.g. “Helpdesk sync”.",
        error_messages={"required": "Give the token a name."},
    )


def _render(request: HttpRequest, form: TokenCreateForm, **extra) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens} | extra
    return render(request, "docs_registry/profile.html", context)


# A new token's secret waits here for the one page that shows it: the answer to
# the creating POST is a redirect, so reloading that page creates nothing.
NEW_TOKEN = "profile:new-token"  # noqa: S105 (a session key, not a secret)


@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        new = request.session.pop(NEW_TOKEN, None) or {}
        return _render(
            request,
            TokenCreateForm(),
            new_token_name=new.get("name"),
            raw_token=new.get("raw"),
        )
    if "revoke" in request.POST:
        return _revoke(request, request.POST["revoke"])
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _render(request, form)
    token, raw = services.api_token_create(
        user=request.user, name=form.cleaned_data["name"]
    )
    request.session[NEW_TOKEN] = {"name": token.name, "raw": raw}
    return redirect("docs_registry:profile")


def _revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    # Someone else's token is as unknown as a token that does not exist.
    token = get_object_or_404(
        ApiToken, pk=token_id if token_id.isdigit() else None, user=request.user
    )
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” is revoked: it no longer works.")
    return redirect("docs_registry:profile")
