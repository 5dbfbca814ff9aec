from django import forms

from docs_registry.models import Category

from .models import EmailPreference, EventKind, Webhook, Weekday
from .services.webhooks import WebhookAddressError, check_address


class EmailPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Digest email",
        choices=EmailPreference.Frequency.choices,
        widget=forms.RadioSelect,
    )
    weekday = forms.TypedChoiceField(
        label="Day of the weekly digest",
        choices=Weekday.choices,
        coerce=int,
        help_text="Only used with “Weekly”.",
    )


class WebhookForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Where it goes, e.g. “#support-changes in Slack”."
    )
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="The incoming-webhook address your chat or tool gave you.",
    )
    format = forms.ChoiceField(choices=Webhook.Format.choices)
    events = forms.MultipleChoiceField(
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    in_sales = forms.BooleanField(
        label="Documents for the Sales team", required=False, initial=True
    )
    in_support = forms.BooleanField(
        label="Documents for the Support team", required=False, initial=True
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every category.",
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_address(url)
        except WebhookAddressError as error:
            raise forms.ValidationError(str(error), code="forbidden_address") from error
        return url

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("in_sales") or cleaned.get("in_support")):
            raise forms.ValidationError(
                "Choose the Sales team's documents, the Support team's, or both.",
                code="no_team",
            )
        return cleaned
