"""Runtime support copied verbatim by journeygen: `client/` for the generated clients,
`server/` for the generated journey server (only in packages that have one)."""
