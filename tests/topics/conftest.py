from tests.hub.conftest import admin, app, client, editor, hub_template, reporter  # noqa: F401
