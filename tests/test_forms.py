"""Form widgets written by hand render what Django's own would."""

import pytest
from django import forms
from django.test.html import parse_html

from docs_registry.forms import QuickSelect

from .querycount import compiling
from .steps import SQLiteSteps


@pytest.mark.parametrize("value", ["", "2", "<x>", None, 3, "1"])
def test_the_quick_select_renders_what_djangos_select_renders(value):
    from django.utils.safestring import mark_safe

    choices = [("", "Any"), ("1", "<One> & one"), ("Group", [("2", "Two"), ("3", "3")])]
    # A label already marked safe (a constant here) is written as it is.
    safe_label = mark_safe("<b>Four</b> &amp; 4")  # noqa: S308 -- a constant
    choices += [("4", safe_label), (5, "'Five' \"5\"")]
    attrs = {"id": "id_owner", "required": True, "aria-invalid": "true"}
    quick = QuickSelect(choices=choices).render("owner", value, attrs)
    assert parse_html(quick) == parse_html(
        forms.Select(choices=choices).render("owner", value, attrs)
    )


@pytest.mark.parametrize(
    "quick, djangos",
    [
        ("QuickTextInput", forms.TextInput),
        ("QuickCheckboxInput", forms.CheckboxInput),
        ("QuickHiddenInput", forms.HiddenInput),
        ("QuickDateInput", forms.DateInput),
    ],
)
@pytest.mark.parametrize("value", ["", 'refund <policy> & "quotes"', None, True, 3])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_q", "maxlength": 200, "required": True, "aria-invalid": "true"},
        {"id": "id_x", "disabled": False, "data-x": "<'x'>", "checked": True},
    ],
)
def test_the_quick_inputs_render_what_djangos_render(quick, djangos, value, attrs):
    from django.utils.safestring import mark_safe

    from docs_registry import forms as ours

    safe_placeholder = mark_safe("ID &amp; title")  # noqa: S308 -- a constant
    widget_attrs = {"placeholder": safe_placeholder, "autofocus": True}
    written = getattr(ours, quick)(attrs=widget_attrs).render("q", value, attrs)
    assert written == djangos(attrs=widget_attrs).render("q", value, attrs)


def _filter_forms():
    from docs_registry import forms as ours
    from field.forms import ExceptionFilterForm, FieldReportFilterForm

    return [
        ours.BrowseForm,
        ours.TeamDigestForm,
        ours.CoverageFilterForm,
        ours.ChangeHistoryForm,
        ExceptionFilterForm,
        FieldReportFilterForm,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", _filter_forms(), ids=lambda form: form.__name__)
def test_the_lists_filters_are_written_without_templates(form_class, monkeypatch):
    """A list's filters are on its every page worked out afresh: their fields are
    written by the quick widgets (Django's text input through its templates took
    0.3 ms of the field reports page, and the change history's list of everyone
    who can change a document one template include for each person)."""

    def through_a_template(widget, *args, **kwargs):
        raise AssertionError(f"{type(widget).__name__} rendered through a template")

    monkeypatch.setattr(forms.Widget, "_render", through_a_template)
    form = form_class({"q": "<x>", "area": "Billing", "customer": "Acme"})
    written = "".join(str(field) for field in form.visible_fields())
    assert "<select" in written


@pytest.mark.django_db
def test_the_quick_select_of_people_renders_what_djangos_renders():
    from docs_registry.forms import UserChoiceField, owner_choices

    from .factories import make_user

    chosen = make_user("o-brien", first_name="Ann <O'Brien>")
    make_user("zed")
    field = UserChoiceField(owner_choices(), required=False)
    for value in (None, chosen.pk, str(chosen.pk)):
        field.widget = QuickSelect()
        field.widget.choices = field.choices
        quick = field.widget.render("owner", value, {"id": "id_owner"})
        field.widget = forms.Select()
        field.widget.choices = field.choices
        django = field.widget.render("owner", value, {"id": "id_owner"})
        assert parse_html(quick) == parse_html(django)
        assert (f'value="{chosen.pk}" selected' in quick) is (value is not None)


@pytest.mark.django_db
def test_the_options_of_people_are_djangos_built_from_plain_values(
    django_assert_num_queries,
):
    """The same values and labels as Django's iterator over User objects, in the
    same order, in one query; no User is built for an option."""
    from django.forms.models import ModelChoiceIterator

    from docs_registry.forms import UserChoiceField, owner_choices
    from docs_registry.models import User

    from .factories import make_user

    make_user("zed")
    make_user("o-brien", first_name="Ann <O'Brien>", last_name="Lee")
    make_user("amy", first_name="Amy")
    field = UserChoiceField(owner_choices(), empty_label="Anyone")
    djangos = [(str(value), label) for value, label in ModelChoiceIterator(field)]
    built = User.__init__
    with django_assert_num_queries(1):
        User.__init__ = None  # building one would fail
        try:
            ours = [(str(value), label) for value, label in field.choices]
        finally:
            User.__init__ = built
    assert ours == djangos
    assert ours[:2] == [("", "Anyone"), (ours[1][0], "Amy (amy)")]


@pytest.mark.django_db
def test_the_filters_list_the_document_owners_from_a_prepared_query(
    owner, manager, category
):
    """The browse and search filters' owners: the people who own a document, as
    the queryset gives them, by name, from a query compiled once."""
    from docs_registry.forms import BrowseForm, UserChoiceField
    from docs_registry.selectors import document_owners

    from .factories import make_document, make_user

    make_user("no-documents")
    make_document(owner=owner, manager=manager, category=category)
    make_document(owner=manager, manager=manager, category=category)
    field = UserChoiceField(document_owners(), empty_label="Any owner")
    anyone, *people = field.choices
    expected = [anyone, *sorted(people, key=lambda choice: choice[1].casefold())]
    list(BrowseForm().fields["owner"].choices)  # compiled once
    form = BrowseForm()
    with compiling() as compiled:
        # As the widget reads them (list() would count them first).
        options = [option for option in form.fields["owner"].choices]  # noqa: C416
    assert compiled == []
    assert [(str(v), label) for v, label in options] == [
        (str(v), label) for v, label in expected
    ]
    assert [label for _, label in options] == [
        "Any owner",
        "Manager (manager)",
        "Sales Lead (sales-lead)",
    ]


@pytest.mark.django_db
def test_the_filters_owners_are_read_in_as_many_steps_whatever_the_staff(
    owner, manager, category
):
    """The owners are found one from the next in the index on the owner column,
    so listing them costs the database as much with 200 more people on the staff
    as without (133 steps of SQLite's virtual machine either way). Asking each
    person whether they own a document read them all: 48 steps, then 2,448."""
    from django.db import connection

    from docs_registry.models import User
    from docs_registry.selectors import document_owners
    from docs_registry.selectors.documents import filter_options

    from .factories import make_document

    if connection.vendor != "sqlite":
        pytest.skip("counts the steps of SQLite's virtual machine")
    make_document(owner=owner, manager=manager, category=category)
    make_document(owner=manager, manager=manager, category=category)

    def steps() -> int:
        with SQLiteSteps(connection) as counted:
            names = filter_options().owners
        assert sorted(name for _, name, *_ in names) == sorted(
            [owner.username, manager.username]
        )
        assert list(document_owners().order_by("pk")) == sorted(
            [owner, manager], key=lambda person: person.pk
        )
        return counted.count

    few = steps()
    User.objects.bulk_create(User(username=f"staff-{n}") for n in range(200))
    assert steps() == few


@pytest.mark.django_db
def test_postgresql_looks_the_owners_up_rather_than_reading_the_staff(
    owner, manager, category
):
    """On PostgreSQL the owners are looked up in the people's primary key, one
    by one, with the setting the query is sent with. As the bench's 50 owners
    among 502 people, a tenth of the staff owning documents: planned alone, the
    join read the people's whole index (a merge join), as a hash join once read
    the whole staff (with 5,502 people, 1.0 ms to run against 0.27)."""
    from django.db import connection

    from docs_registry import owners
    from docs_registry.models import Document, User
    from docs_registry.selectors.documents import _FILTER_OPTIONS

    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's query plan")
    staff = User.objects.bulk_create(User(username=f"staff-{n}") for n in range(500))
    Document.objects.bulk_create(
        Document(doc_id=f"PRC-{n:04}", category=category, title="T", owner=person)
        for n, person in enumerate(staff[::10])
    )
    owners.rebuild()
    compiled = _FILTER_OPTIONS._compiled()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE docs_registry_user")
        cursor.execute("ANALYZE docs_registry_documentowner")  # as the migration
        # In the test's transaction, as the query's own sends it.
        for setting in _FILTER_OPTIONS._setting.split("; "):
            cursor.execute(setting)
        cursor.execute("EXPLAIN " + compiled.sql, compiled.bind({}))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on docs_registry_user" not in plan, plan
    assert "Merge Join" not in plan and "Hash Join" not in plan, plan
    assert "docs_registry_user_pkey" in plan, plan


@pytest.mark.django_db
def test_the_filters_list_the_categories_from_a_prepared_query(category):
    from docs_registry.forms import BrowseForm
    from docs_registry.models import Category

    Category.objects.create(name="Apples <&>", prefix="APL")
    Category.objects.create(name="Zebra", prefix="ZEB")
    django = forms.ModelChoiceField(Category.objects.all(), empty_label="All")
    expected = [(str(value), label) for value, label in django.choices]
    [option for option in BrowseForm().fields["category"].choices]  # compiled once
    with compiling() as compiled:
        form = BrowseForm({"category": str(category.pk)})
        choices = form["category"].field.choices
    options = [(str(value), label) for value, label in choices]
    assert compiled == []
    assert options[1:] == expected[1:] and options[0] == ("", "All categories")
    assert options[1] == (options[1][0], "Apples <&> (APL)")
    assert form.is_valid() and form.cleaned_data["category"] == category.pk


@pytest.mark.django_db
def test_the_filters_offer_and_accept_only_their_options(owner, manager, category):
    """The owner filter offers everyone who owns a document and accepts only
    them, cleaned to their key; the one chosen is marked in the served select."""
    from docs_registry.forms import BrowseForm

    from .factories import make_document, make_user

    make_document(owner=owner, manager=manager, category=category)
    stranger = make_user("no-documents")
    form = BrowseForm({"owner": str(owner.pk), "category": str(category.pk)})
    assert form.is_valid(), form.errors
    assert form.filters()["owner_id"] == owner.pk
    assert form.filters()["category_id"] == category.pk
    select = str(form["owner"])
    assert f'<option value="{owner.pk}" selected>' in select
    assert f'value="{stranger.pk}"' not in select
    assert select.count("<option") == 2  # "Any owner" and the one owner
    for wrong in ({"owner": str(stranger.pk)}, {"category": "999999"}):
        refused = BrowseForm(wrong)
        assert not refused.is_valid() and refused.filters() == {}
        assert "Select a valid choice." in str(refused.errors)


def test_a_multiple_quick_select_marks_every_chosen_option():
    class QuickSelectMultiple(QuickSelect):
        allow_multiple_selected = True

    choices = [("1", "One"), ("2", "Two"), ("3", "Three")]
    quick = QuickSelectMultiple(choices=choices).render("teams", ["1", "3"])
    assert parse_html(quick) == parse_html(
        forms.SelectMultiple(choices=choices).render("teams", ["1", "3"])
    )


def test_a_single_quick_select_marks_the_first_match_only():
    choices = [("1", "One"), ("Again", [("1", "One again")])]
    quick = QuickSelect(choices=choices).render("owner", "1")
    assert quick.count(" selected") == 1
    assert parse_html(quick) == parse_html(
        forms.Select(choices=choices).render("owner", "1")
    )
