"""The server part: compile a journey into a step-function engine, a handlers Protocol and an app."""
