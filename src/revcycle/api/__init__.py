"""The REST face of revcycle: a FastAPI application over the service layer.

`revcycle.api.app.create_app` builds the application; route modules in `revcycle.api.routes` stay thin (parse the
request, call one service, shape the response) and `revcycle.api.errors` is the one place where the errors of
`revcycle.errors` become HTTP statuses.
"""
