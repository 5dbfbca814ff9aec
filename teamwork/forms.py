"""Forms validate what people type; services save it (and check again)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from docs_registry.models import User

from .models import (
    HELP_LINE_MAX_LENGTH,
    NUMBER_DIGITS,
    NUMBER_PLACES,
    Goal,
    MeetingNote,
)

NUMBER_ERRORS = {"invalid": "Enter a number, such as 10 or 7.5."}


def _number(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=NUMBER_DIGITS,
        decimal_places=NUMBER_PLACES,
        error_messages=NUMBER_ERRORS,
        **kwargs,
    )


class DateInput(forms.DateInput):
    input_type = "date"


def _owners():
    return User.objects.filter(is_active=True).order_by("first_name", "username")


class GoalForm(forms.ModelForm):
    target = _number("Target")
    baseline = _number(
        "Starting value",
        initial=0,
        help_text=Goal._meta.get_field("baseline").help_text,
    )
    owner = forms.ModelChoiceField(queryset=_owners())

    class Meta:
        model = Goal
        fields = [
            "team",
            "owner",
            "statement",
            "measure",
            "unit",
            "direction",
            "target",
            "baseline",
            "period_start",
            "period_end",
            "help_line",
        ]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}
        labels = {"period_start": "Period starts", "period_end": "Period ends"}

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end",
                ValidationError(
                    "The period ends before it starts.", code="period_reversed"
                ),
            )
        return data

    def _post_clean(self):
        # The service builds the goal; the model's own checks would need
        # `created_by`, which the form does not have.
        pass


class ReadingForm(forms.Form):
    value = _number("Value")
    taken_on = forms.DateField(label="Measured on", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taken_on"].initial = timezone.localdate


class HelpLineForm(forms.Form):
    help_line = forms.CharField(
        label="How the other team can help",
        max_length=HELP_LINE_MAX_LENGTH,
        required=False,
    )


class TargetForm(forms.Form):
    target = _number("New target")
    owner = forms.ModelChoiceField(queryset=_owners())
    reason = forms.CharField(label="Why", max_length=300)


class CloseForm(forms.Form):
    reason = forms.CharField(label="Why close it", max_length=300)


class LiaisonsForm(forms.Form):
    sales_liaison = forms.ModelChoiceField(
        label="Sales liaison",
        queryset=_owners().filter(in_sales=True),
        required=False,
    )
    support_liaison = forms.ModelChoiceField(
        label="Support liaison",
        queryset=_owners().filter(in_support=True),
        required=False,
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="This is", choices=MeetingNote.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Text", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
