import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/systems?organisation=t%00x", "/api/v1/organisations?na%00me=1"])
def test_api_refuses_nul_characters_as_problem_json(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]


def test_pages_refuse_nul_characters_with_a_clear_message(client):
    response = client.get("/matrix/?organisation=%00")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_ordinary_requests_pass(client):
    assert client.get("/api/v1/systems?organisation=camden").status_code == 200


@pytest.mark.parametrize("query", ["q=bell%07", "q=%1B%5B31m", "na%07me=1"])
def test_query_strings_follow_the_one_text_rule(client, query):
    response = client.get(f"/api/v1/systems?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "control character" in response.json()["detail"]


def test_tabs_in_a_query_string_pass(client):
    assert client.get("/api/v1/search?q=camden%09council").status_code == 200
