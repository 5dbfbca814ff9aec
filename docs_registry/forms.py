"""Forms validate what people type; services decide and save."""

import html
from datetime import datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .models import (
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    Category,
    Document,
    Question,
    Team,
    User,
    Version,
)
from .params import NUMBER_MAX
from .rendering import RenderingError, check_markdown
from .selectors import SORTS, document_owners, owner_choices
from .selectors.changes import KINDS, ChangeFilters
from .selectors.documents import filter_options
from .services.questions import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH, QUOTE_MAX_LENGTH


class MarkdownField(forms.CharField):
    """A document body: required, and refused here already if the renderer would
    refuse it (too large, NUL characters, pathological nesting)."""

    widget = forms.Textarea(attrs={"rows": 24, "class": "markdown-source"})

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if not value.strip():
            raise ValidationError("The body is empty.", code="empty_body")
        try:
            check_markdown(value)
        except RenderingError as error:
            raise ValidationError(error.message, code=error.code) from error


def _title_field() -> forms.CharField:
    return forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": "A title is required."},
    )


def person_label(username: str, first_name: str, last_name: str) -> str:
    """A person as an option names them: "Ann Lee (alee)"."""
    return f"{User.name_from(username, first_name, last_name)} ({username})"


class _PeopleByName(forms.models.ModelChoiceIterator):
    """The options from the people's names as plain values: a filter listing
    hundreds of people builds no User for each."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *name in self.queryset.values_list("pk", *User.NAME_FIELDS):
            yield (pk, person_label(*name))


class UserChoiceField(forms.ModelChoiceField):
    """A person, from `queryset`."""

    iterator = _PeopleByName

    def label_from_instance(self, user):
        return person_label(user.username, user.first_name, user.last_name)


class DocumentCreateForm(forms.Form):
    title = _title_field()
    category = forms.ModelChoiceField(Category.objects.all())
    audience = forms.ChoiceField(choices=Audience.choices)
    owner = UserChoiceField(owner_choices())
    body = MarkdownField(
        help_text="Markdown. Published as v1 with the summary “Created”."
    )


class EditForm(forms.Form):
    """The owner's edit page. Publishing additionally requires a change summary."""

    title = _title_field()
    body = MarkdownField()
    summary = forms.CharField(
        label="Change summary",
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed and why, in words both teams will read. "
        f"Required to publish; at most {SUMMARY_MAX_LENGTH} characters.",
    )
    significance = forms.ChoiceField(
        choices=Version.Significance.choices,
        initial=Version.Significance.MAJOR,
        widget=forms.RadioSelect,
    )
    base_number = forms.IntegerField(
        min_value=1, max_value=NUMBER_MAX, widget=forms.HiddenInput
    )
    effective_date = forms.DateField(
        label="Effective date (optional)",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty to publish a change that applies now. With a date "
        "(within two years), everyone is told now and the current version stays in "
        "force until the start of that day.",
        error_messages={
            "invalid": "Enter the effective date as a date, e.g. 2027-01-01."
        },
    )

    def clean_effective_date(self):
        day = self.cleaned_data.get("effective_date")
        # Far outside any plausible date: said here, before a time zone's offset
        # could carry it past the calendar's ends.
        if day is not None and not 2000 <= day.year <= 9000:
            raise ValidationError(
                "Enter an effective date within the next two years.",
                code="effective_out_of_range",
            )
        return day

    def text_fields(self) -> dict:
        """What a draft keeps: everything but the effective date."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "effective_date"
        }

    def effective_at(self) -> datetime | None:
        """The start of the effective date in the site's time zone, if one is set."""
        day = self.cleaned_data.get("effective_date")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min))

    def require_summary(self) -> bool:
        """Publishing needs a summary; saving a draft does not."""
        if not self.cleaned_data.get("summary", "").strip():
            self.add_error(
                "summary",
                ValidationError(
                    "A change summary is required to publish.", code="summary_required"
                ),
            )
            return False
        return True


class PreviewForm(forms.Form):
    """The body alone, for the live preview beside the editor."""

    body = MarkdownField()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A reason is required."},
    )


class TransferForm(ReasonForm):
    new_owner = UserChoiceField(owner_choices(), label="New owner")
    field_order = ["new_owner", "reason"]


class DetailsForm(forms.Form):
    title = _title_field()
    category = forms.ModelChoiceField(Category.objects.all())
    audience = forms.ChoiceField(choices=Audience.choices)
    review_interval_days = forms.IntegerField(
        label="Review interval (days)",
        min_value=1,
        max_value=3650,
        required=False,
        help_text="How often the owner confirms it accurate. Empty: the category's "
        "interval (90 days when it has none).",
    )
    reason = forms.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why, for the change history.",
    )


def _escaped(value) -> str:
    """`conditional_escape(value)`: a plain string (an option's value or label, the
    common case) escaped by the standard library as Django's `escape` does, without
    its checks for lazy and safe text (3 µs an option: a filter lists 60)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


class QuickSelect(forms.Select):
    """Django's Select, its options written here from the choices rather than
    built as one context per option and rendered through one template include
    each: the same HTML (select.html, select_option.html) in a tenth of the time.
    The browse and search filters list every owner, and rendering them took a
    third of those pages' time when nothing was kept."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        marked = False  # a single choice is marked once, as Select marks it

        def option(option_value, label) -> str:
            nonlocal marked
            text = str(option_value)
            selected = (not marked or self.allow_multiple_selected) and text in chosen
            marked |= selected
            mark = " selected" if selected else ""
            return (
                f'\n  <option value="{_escaped(text)}"{mark}>{_escaped(label)}</option>'
            )

        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                grouped = "".join(option(*choice) for choice in label)
                parts.append(
                    f'\n  <optgroup label="{conditional_escape(option_value)}">'
                    f"{grouped}\n  </optgroup>"
                )
            else:
                parts.append(
                    option("" if option_value is None else option_value, label)
                )
        select_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            select_attrs["multiple"] = True
        return mark_safe(  # noqa: S308 -- every value above went through escape
            f'<select name="{conditional_escape(name)}"{flatatt(select_attrs)}>'
            f"{''.join(parts)}\n</select>"
        )


class QuickInput:
    """For Django's input widgets: the same HTML as their templates write
    (input.html and attrs.html), written here, a tenth of the time (50–100 µs
    each through the templates; the browse and search filters show three)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        written = [f'<input type="{_escaped(widget["type"])}" name="{_escaped(name)}"']
        if widget["value"] is not None:
            written.append(f' value="{_escaped(str(widget["value"]))}"')
        for attr, attr_value in widget["attrs"].items():
            if attr_value is True:
                written.append(f" {_escaped(attr)}")
            elif attr_value is not False:
                written.append(f' {_escaped(attr)}="{_escaped(str(attr_value))}"')
        written.append(">")
        return mark_safe("".join(written))  # noqa: S308 -- every value escaped


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass


class QuickHiddenInput(QuickInput, forms.HiddenInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


def _offer(field: forms.ChoiceField, options: list[tuple]) -> None:
    """Set `field`'s choices to `options`, (value, label) pairs of plain values,
    as they are. Setting `choices` normalizes every option, for the field and
    again for its widget, 4 µs an option: the filters list 60 on every browse
    and search page worked out afresh. Django keeps both in `_choices`
    (tests/test_forms.py checks that the options are offered and chosen)."""
    field._choices = field.widget._choices = options


class BrowseForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=200, label="ID or title", widget=QuickTextInput
    )
    audience = forms.ChoiceField(
        choices=[("", "All teams"), *Audience.choices],
        required=False,
        widget=QuickSelect,
    )
    # The options are set from `filter_options` when the form is made: a value
    # is valid when it is one of them (every category; everyone who owns a
    # document), and cleaned to its key.
    category = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    owner = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    owner_inactive = forms.BooleanField(
        required=False, label="Owner inactive", widget=QuickCheckboxInput
    )
    include_retired = forms.BooleanField(
        required=False, label="Include retired", widget=QuickCheckboxInput
    )
    sort = forms.ChoiceField(
        choices=[(key, key) for key in SORTS], required=False, widget=QuickHiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Both lists' options from one statement, read once: the page lists the
        # categories twice, as links and as options (a ModelChoiceField would
        # query them again for each, and build an object for each option).
        options = filter_options()
        _offer(
            self.fields["category"],
            [
                ("", "All categories"),
                *(
                    (pk, Category.label(name, prefix))
                    for pk, name, prefix in options.categories
                ),
            ],
        )
        _offer(
            self.fields["owner"],
            [
                ("", "Any owner"),
                *((pk, person_label(*name)) for pk, *name in options.owners),
            ],
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data["q"].strip(),
            "audience": data["audience"],
            "category_id": data["category"],
            "owner_id": data["owner"],
            "owner_inactive": data["owner_inactive"],
            "include_retired": data["include_retired"],
            "sort": data["sort"] or "id",
        }


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise ValidationError("That date is in the future.", code="future_date")


class TeamDigestForm(forms.Form):
    team = forms.ChoiceField(
        choices=Team.choices,
        error_messages={"invalid_choice": "Unknown team: choose Sales or Support."},
        widget=QuickSelect,
    )
    since = forms.DateField(
        widget=QuickDateInput(attrs={"type": "date"}),
        validators=[_not_in_future],
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )


class CoverageFilterForm(forms.Form):
    team = forms.ChoiceField(
        choices=[("", "Both teams"), *Team.choices],
        required=False,
        error_messages={"invalid_choice": "Unknown team: choose Sales or Support."},
        widget=QuickSelect,
    )
    category = forms.ModelChoiceField(
        Category.objects.all(),
        required=False,
        empty_label="All categories",
        widget=QuickSelect,
    )


class ChangeHistoryForm(forms.Form):
    document = forms.CharField(
        required=False, max_length=16, label="Document ID", widget=QuickTextInput
    )
    who = UserChoiceField(
        User.objects.order_by("username"),
        required=False,
        empty_label="Anyone",
        label="Changed by",
        widget=QuickSelect,
    )
    owner = UserChoiceField(
        document_owners().order_by("username"),
        required=False,
        empty_label="Any owner",
        widget=QuickSelect,
    )
    audience = forms.ChoiceField(
        choices=[("", "Any audience"), *Audience.choices],
        required=False,
        widget=QuickSelect,
    )
    category = forms.ModelChoiceField(
        Category.objects.all(),
        required=False,
        empty_label="All categories",
        widget=QuickSelect,
    )
    since = forms.DateField(
        required=False,
        validators=[_not_in_future],
        widget=QuickDateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )
    until = forms.DateField(
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )
    kind = forms.ChoiceField(
        choices=[("", "Any change"), *KINDS.items()],
        required=False,
        widget=QuickSelect,
    )

    def clean_document(self):
        doc_id = self.cleaned_data["document"].strip().upper()
        if not doc_id:
            return None
        document = Document.objects.filter(doc_id=doc_id).first()
        if document is None:
            raise ValidationError(
                f"No document has the ID {doc_id}.", code="unknown_document"
            )
        return document

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error(
                "until",
                ValidationError(
                    "The end date is before the start date.", code="reversed_dates"
                ),
            )
        return data

    def filters(self) -> ChangeFilters:
        return ChangeFilters(**self.cleaned_data)


class GlossaryTermForm(forms.Form):
    term = forms.CharField(
        max_length=100, error_messages={"required": "A term is required."}
    )
    definition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "A definition is required."},
    )
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.BOTH)
    avoid = forms.CharField(
        label="Words to avoid",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One word or phrase a line. List plurals as words of their own.",
    )
    owner = UserChoiceField(
        owner_choices(), required=False, empty_label="Managers only"
    )
    reason = forms.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        help_text="Optional: why, for the history.",
    )


class ReviewConfirmForm(forms.Form):
    note = forms.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        help_text="Optional: what you checked, for the history.",
    )


# The fields sit in the document page's kept part and name their form by id (the
# form, with its CSRF token, is rendered apart: see _document_forms.html).
ASK_FORM = {"form": "ask-form"}


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Question.Kind.choices,
        initial=Question.Kind.QUESTION,
        widget=forms.RadioSelect(attrs=ASK_FORM),
        label="This is",
    )
    text = forms.CharField(
        label="Your question",
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, **ASK_FORM}),
        error_messages={"required": "Write your question."},
    )
    quote = forms.CharField(
        label="Passage it is about",
        max_length=QUOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **ASK_FORM}),
        help_text="Optional: paste the sentence you mean.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write an answer."},
        help_text="Plain text. Everyone sees it under the document.",
    )
    answered_in = forms.IntegerField(
        label="Answered in version",
        required=False,
        min_value=1,
        help_text="Optional: the version that resolved it, e.g. 4 for v4.",
    )


class QuestionReportForm(forms.Form):
    show = forms.ChoiceField(
        choices=[("overdue", "Overdue"), ("open", "All open")],
        required=False,
        error_messages={"invalid_choice": "Show overdue or all open questions."},
    )
