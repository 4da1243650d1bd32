"""Steps the browser tests share."""

PASSWORD = "correct horse battery"  # the password the tests give the accounts they create


def sign_in(page, username="admin", password=PASSWORD):
    """Sign in through the admin's login form and wait for the admin's front page."""
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
