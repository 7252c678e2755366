"""The app starts and serves its login page."""


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "CareProcure" in response.get_data(as_text=True)


def test_officer_logs_in_and_sees_dashboard(as_user):
    browser, user = as_user("officer")
    response = browser.get("/")
    assert response.status_code == 200
    assert user.email in response.get_data(as_text=True) or user.name in response.get_data(
        as_text=True)
