"""The OpenAPI schema says what the server does: every answer an operation gives,
with its JSON shape, and every rule a parameter must follow. (schemathesis checks
the same against a live server in CI: bench/api_contract.py.)"""

import pytest

from docs_registry import services
from docs_registry.api import ID_MAX, PAGE_MAX

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
# Operation -> the statuses it answers with.
STATUSES = {
    "/api/docs/": {"200", "400", "401", "404"},
    "/api/docs/{doc_id}/": {"200", "400", "401", "403", "404"},
    "/api/docs/{doc_id}/versions/": {"200", "400", "401", "403", "404"},
    "/api/docs/{doc_id}/versions/{number}/": {"200", "400", "401", "403", "404"},
    "/api/changes/": {"200", "400", "401", "404"},
    "/api/search/": {"200", "400", "401", "404"},
    "/api/goals/": {"200", "400", "401"},
    "/api/exceptions/": {"200", "400", "401", "404"},
}
# The operations that write, each with a personal token: a goal's owner posts a
# reading, a manager approves an exception.
WRITES = {
    "/api/goals/{goal_id}/readings/": {"201", "400", "401", "403", "404"},
    "/api/exceptions/{pk}/approve/": {"200", "400", "401", "403", "404", "409"},
}


@pytest.fixture
def schema(client, sales_staff):
    client.force_login(sales_staff)
    served = client.get("/api/openapi.json").json()
    client.logout()
    return served


@pytest.fixture
def token(sales_staff):
    return services.api_token_create(user=sales_staff, name="test")[1]


def get(client, url: str, token: str):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def parameter(schema, path: str, name: str) -> dict:
    (found,) = [
        p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name
    ]
    return found


def test_every_operation_lists_each_status_it_answers_with_its_shape(schema):
    assert set(schema["paths"]) == set(STATUSES) | set(WRITES)
    operations = [(path, "get", statuses) for path, statuses in STATUSES.items()]
    operations += [(path, "post", statuses) for path, statuses in WRITES.items()]
    for path, method, statuses in operations:
        assert list(schema["paths"][path]) == [method], path
        responses = schema["paths"][path][method]["responses"]
        assert set(responses) == statuses, path
        for status in statuses - {"200", "201"}:
            assert responses[status]["content"]["application/json"]["schema"] == ERROR
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["properties"] == {"detail": {"title": "Detail", "type": "string"}}
    assert error["required"] == ["detail"]
    assert "405" in schema["info"]["description"]


def test_every_parameter_states_its_constraints(schema):
    for path in ("/api/docs/", "/api/docs/{doc_id}/versions/", "/api/changes/"):
        page = parameter(schema, path, "page")["schema"]
        assert (page["type"], page["minimum"], page["maximum"]) == (
            "integer",
            1,
            PAGE_MAX,
        )
    for path in ("/api/docs/", "/api/search/"):
        category = parameter(schema, path, "category")["schema"]["anyOf"][0]
        assert (category["minimum"], category["maximum"]) == (1, ID_MAX)
    number = parameter(schema, "/api/docs/{doc_id}/versions/{number}/", "number")
    assert (number["schema"]["minimum"], number["schema"]["maximum"]) == (1, ID_MAX)
    q = parameter(schema, "/api/search/", "q")
    assert q["required"] and q["schema"]["pattern"] == r"[^\W_]"
    assert q["schema"]["maxLength"] == 200
    since = parameter(schema, "/api/changes/", "since")
    assert since["required"] and since["schema"]["format"] == "date-time"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/docs/?page={PAGE_MAX + 1}",
        f"/api/docs/?category={ID_MAX + 1}",
        "/api/docs/?category=0",
        f"/api/docs/?q={'x' * 201}",
        f"/api/docs/?owner={'x' * 151}",
        f"/api/docs/PRC-0001/versions/{ID_MAX + 1}/",
        "/api/docs/PRC-0001/versions/0/",
        f"/api/search/?q={'x' * 201}",
        "/api/search/?q=_-_",
        f"/api/search/?q=x&category={ID_MAX + 1}",
        "/api/changes/?since=2026-01-31",
    ],
)
def test_what_breaks_a_documented_constraint_is_400(client, document, token, url):
    response = get(client, url, token)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/docs/?page={PAGE_MAX}",
        "/api/docs/?owner=nobody",
        f"/api/docs/PRC-0001/versions/{ID_MAX}/",
        f"/api/search/?q=x&category={ID_MAX}&page=2",
        "/api/changes/?since=2026-01-31T09:00:00Z&page=2",
    ],
)
def test_what_the_schema_allows_but_does_not_exist_is_404(client, document, token, url):
    response = get(client, url, token)
    assert response.status_code == 404, response.content
    assert response.json()["detail"]
