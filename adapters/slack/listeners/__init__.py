"""Bolt listener modules. Each exposes `register(app, deps)`; `adapters.slack.app.LISTENERS` lists them."""
