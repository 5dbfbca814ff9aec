"""Forms validate what people type; services decide and save."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from docs_registry.forms import QuickSelect, QuickTextInput
from docs_registry.models import Document
from docs_registry.params import NUMBER_MAX

from .models import (
    ACCOUNT_MAX_LENGTH,
    AREA_MAX_LENGTH,
    CUSTOMER_MAX_LENGTH,
    GRANTED_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    WHY_MAX_LENGTH,
    FieldReport,
)
from .selectors import SHOW_ACTIVE, SHOW_ALL, SHOW_PROPOSED, SORT_MOST, SORT_NEWEST

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentIdField(forms.CharField):
    """A document ID as people type it (`pol-0001`), cleaned to the document."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", "The policy this departs from, e.g. POL-0001.")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        document = (
            Document.objects.select_related("current_version")
            .filter(doc_id=value.strip().upper())
            .first()
        )
        if document is None:
            raise ValidationError(
                "No document has the ID %(value)s.",
                code="unknown_document",
                params={"value": value.strip()},
            )
        return document


class ExceptionForm(forms.Form):
    customer = forms.CharField(max_length=CUSTOMER_MAX_LENGTH)
    account = forms.CharField(
        label="Account reference",
        max_length=ACCOUNT_MAX_LENGTH,
        required=False,
        help_text="Optional: the customer's CRM or helpdesk id.",
    )
    granted = forms.CharField(
        label="What was granted",
        max_length=GRANTED_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. “refund outside the 30-day window”.",
    )
    document = DocumentIdField(label="Document")
    version_number = forms.IntegerField(
        label="Version",
        min_value=1,
        max_value=NUMBER_MAX,
        required=False,
        help_text="Leave empty for the current version.",
    )
    valid_from = forms.DateField(label="Valid from", widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label="Valid until",
        widget=DATE_WIDGET,
        help_text="The last day it applies. Every exception ends.",
        error_messages={
            "required": "Give the last day the exception applies: none is open-ended."
        },
    )
    why = forms.CharField(
        label="Why",
        max_length=WHY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Where a refusal from the service belongs on the form.
    FIELD_OF_CODE = {
        "retired_document": "document",
        "unknown_version": "version_number",
        "no_expiry": "valid_until",
        "ends_before_start": "valid_until",
    }

    def proposal(self) -> dict:
        data = dict(self.cleaned_data)
        if data["version_number"] is None:
            data["version_number"] = data["document"].current_version.number
        return data

    def add_refusal(self, error) -> None:
        self.add_error(self.FIELD_OF_CODE.get(error.code), error.message)


def exception_initial(doc_id: str) -> dict:
    return {"valid_from": timezone.localdate(), "document": doc_id[:16]}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason: it is kept with your name."},
    )


class ExceptionFilterForm(forms.Form):
    customer = forms.CharField(
        max_length=CUSTOMER_MAX_LENGTH, required=False, widget=QuickTextInput
    )
    account = forms.CharField(
        label="Account reference",
        max_length=ACCOUNT_MAX_LENGTH,
        required=False,
        widget=QuickTextInput,
    )
    show = forms.ChoiceField(
        choices=[
            (SHOW_ACTIVE, "Active today"),
            (SHOW_PROPOSED, "Awaiting approval"),
            (SHOW_ALL, "All, expired included"),
        ],
        required=False,
        widget=QuickSelect,
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"show": SHOW_ACTIVE}
        data = self.cleaned_data
        return {
            "customer": data["customer"].strip(),
            "account": data["account"].strip(),
            "show": data["show"] or SHOW_ACTIVE,
        }


# --- field reports ------------------------------------------------------------------

DOCUMENTS_MAX = 10


class DocumentIdsField(forms.CharField):
    """Document IDs separated by commas or spaces (`PRC-0003, POL-0001`), cleaned
    to the documents; an ID that names none is an error that names it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        ids = list(dict.fromkeys(value.replace(",", " ").upper().split()))
        if len(ids) > DOCUMENTS_MAX:
            raise ValidationError(
                f"Name at most {DOCUMENTS_MAX} documents.", code="too_many"
            )
        found = Document.objects.in_bulk(ids, field_name="doc_id")
        missing = [doc_id for doc_id in ids if doc_id not in found]
        if missing:
            raise ValidationError(
                "No document has the ID %(ids)s.",
                code="unknown_document",
                params={"ids": ", ".join(missing)},
            )
        return [found[doc_id] for doc_id in ids]


class FieldReportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=FieldReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose what kind of report this is from the list.",
            "required": "Choose what kind of report this is.",
        },
    )
    text = forms.CharField(
        label="What you heard",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"A sentence or two; at most {TEXT_MAX_LENGTH} characters.",
        error_messages={"required": "Say what you heard: the text is empty."},
    )
    customer = forms.CharField(
        max_length=CUSTOMER_MAX_LENGTH, required=False, help_text="Optional."
    )
    area = forms.CharField(
        label="Product or area",
        max_length=AREA_MAX_LENGTH,
        required=False,
        help_text="Optional, e.g. Billing, SSO, Mobile app.",
    )
    documents = DocumentIdsField(
        label="Documents concerned",
        help_text="Optional: document IDs, e.g. PRC-0003, POL-0001.",
    )


class FieldReportFilterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Any kind"), *FieldReport.Kind.choices],
        required=False,
        widget=QuickSelect,
    )
    area = forms.CharField(
        label="Area", max_length=AREA_MAX_LENGTH, required=False, widget=QuickTextInput
    )
    team = forms.ChoiceField(
        label="Reporter's team",
        choices=[("", "Either team"), ("sales", "Sales"), ("support", "Support")],
        required=False,
        widget=QuickSelect,
    )
    period = forms.ChoiceField(
        choices=[
            ("", "Any time"),
            ("week", "Last 7 days"),
            ("month", "Last 30 days"),
            ("quarter", "Last 3 months"),
        ],
        required=False,
        widget=QuickSelect,
    )
    sort = forms.ChoiceField(
        choices=[(SORT_NEWEST, "Newest first"), (SORT_MOST, "Most reported first")],
        required=False,
        widget=QuickSelect,
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"sort": SORT_NEWEST}
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "area": data["area"].strip(),
            "team": data["team"],
            "period": data["period"],
            "sort": data["sort"] or SORT_NEWEST,
        }


class AnswerForm(forms.Form):
    """Which version of which concerned document answered the report."""

    document = forms.ModelChoiceField(
        Document.objects.none(), label="Answered in", to_field_name="doc_id"
    )
    number = forms.IntegerField(label="Version", min_value=1, max_value=NUMBER_MAX)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.filter(
            field_reports=report
        ).select_related("current_version")
        self.fields["document"].label_from_instance = lambda d: d.doc_id
