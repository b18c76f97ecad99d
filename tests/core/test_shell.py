def test_login_page_renders_in_chinese(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_home_renders_for_town_admin(tree, login_client):
    response = login_client(tree.town_a_admin).get("/")
    assert response.status_code == 200


def test_openapi_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Suzhi API"
