import pytest
from django.core.exceptions import PermissionDenied

from docs_registry import services
from docs_registry.models import Acknowledgment

from .factories import make_document, publish

pytestmark = pytest.mark.django_db


def acked(user, document):
    return sorted(
        Acknowledgment.objects.filter(user=user, document=document).values_list(
            "number", flat=True
        )
    )


def test_acknowledging_a_version_covers_the_earlier_ones(document, sales_staff):
    publish(document, body="v2")
    publish(document, body="v3")
    assert services.acknowledgment_record(user=sales_staff, document=document, number=3)
    for number in (1, 2, 3):
        assert not services.acknowledgment_record(
            user=sales_staff, document=document, number=number
        )
    assert acked(sales_staff, document) == [3]


def test_acknowledgment_is_recorded_with_the_time(document, sales_staff):
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    row = Acknowledgment.objects.get(user=sales_staff)
    assert row.acknowledged_at is not None


def test_only_the_audience_acknowledges(owner, manager, category, support_staff):
    sales_only = make_document(
        owner=owner, manager=manager, category=category, audience="sales"
    )
    with pytest.raises(PermissionDenied) as error:
        services.acknowledgment_record(
            user=support_staff, document=sales_only, number=1
        )
    assert "not on that team" in str(error.value)
    assert not Acknowledgment.objects.filter(user=support_staff).exists()


@pytest.mark.parametrize("number", [0, 2, 99])
def test_a_version_that_does_not_exist_is_refused(document, sales_staff, number):
    with pytest.raises(services.ServiceError) as error:
        services.acknowledgment_record(
            user=sales_staff, document=document, number=number
        )
    assert error.value.code == "unknown_version"


def test_the_publisher_has_read_what_they_published(document, owner):
    publish(document, body="v2")
    assert acked(owner, document) == [2]


def test_acknowledge_all_is_all_or_nothing(owner, manager, category, sales_staff):
    first = make_document(owner=owner, manager=manager, category=category)
    second = make_document(owner=owner, manager=manager, category=category)
    with pytest.raises(services.ServiceError):
        services.acknowledgments_record(
            user=sales_staff, versions=[(first, 1), (second, 5)]
        )
    assert not Acknowledgment.objects.filter(user=sales_staff).exists()
    count = services.acknowledgments_record(
        user=sales_staff, versions=[(first, 1), (second, 1)]
    )
    assert count == 2


def test_reading_a_version_is_not_acknowledging_it(client, document, sales_staff):
    client.force_login(sales_staff)
    client.post("/docs/PRC-0001/acknowledge/", {"number": 1})
    publish(document, body="v2 text", summary="Second")
    client.get("/docs/PRC-0001/")  # shown v2, still acknowledged v1 only
    html = client.get("/docs/PRC-0001/").content.decode()
    assert "changed since you acknowledged v1" in html
    assert "You acknowledged v2." not in html


def test_acknowledge_buttons_on_the_document_page(client, document, sales_staff):
    publish(document, body="v2 text", summary="Second")
    client.force_login(sales_staff)
    html = client.get("/docs/PRC-0001/").content.decode()
    assert "You have not acknowledged this document yet." in html
    response = client.post("/docs/PRC-0001/acknowledge/", {"number": 2}, follow=True)
    assert "Recorded: you have read PRC-0001 v2." in response.content.decode()
    assert "You acknowledged v2." in response.content.decode()
    publish(document, body="v3 text", summary="Third")
    html = client.get("/docs/PRC-0001/").content.decode()
    assert "changed since you acknowledged v2" in html
    assert "/docs/PRC-0001/compare/?from=2&amp;to=3" in html
    again = client.post("/docs/PRC-0001/acknowledge/", {"number": 2}, follow=True)
    assert "Already recorded" in again.content.decode()


@pytest.mark.parametrize(
    ("number", "message"),
    [("7", "PRC-0001 has no version 7."), ("x", "Say which version you have read.")],
)
def test_acknowledging_bad_versions_gives_a_message(
    client, document, sales_staff, number, message
):
    client.force_login(sales_staff)
    response = client.post(
        "/docs/PRC-0001/acknowledge/", {"number": number}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_acknowledging_outside_the_audience_is_refused_clearly(
    client, owner, manager, category, support_staff
):
    make_document(owner=owner, manager=manager, category=category, audience="sales")
    client.force_login(support_staff)
    response = client.post("/docs/PRC-0001/acknowledge/", {"number": 1})
    assert response.status_code == 403
    assert "not on that team" in response.content.decode()
    page = client.get("/docs/PRC-0001/").content.decode()
    assert "I have read" not in page


def test_acknowledge_only_by_post(client, document, sales_staff):
    client.force_login(sales_staff)
    assert client.get("/docs/PRC-0001/acknowledge/").status_code == 405
