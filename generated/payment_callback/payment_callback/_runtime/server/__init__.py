"""The generated journey server's runtime: the engine and its states, store, scheduler,
settings, ASGI app, webhooks and provider presets. `settings` and `store` import nothing from
FastAPI, so a package's `Settings` and stores work without the [server] extra."""
