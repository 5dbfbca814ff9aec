"""The digest email setting, shown on the profile page (which lives in another
app) without that page's view knowing about it."""

from django import template

from ..forms import EmailPreferenceForm
from ..models import EmailPreference

register = template.Library()


@register.inclusion_tag("integrations/_email_preference.html", takes_context=True)
def email_preference_form(context):
    user = context["user"]
    preference = EmailPreference.objects.filter(user=user).first() or EmailPreference()
    form = EmailPreferenceForm(
        initial={"frequency": preference.frequency, "weekday": preference.weekday}
    )
    return {"form": form, "user": user, "csrf_token": context.get("csrf_token")}
