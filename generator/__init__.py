"""journeygen: typed Python packages from JourneyForge journeys, OpenAPI 3.1 and Arazzo 1.0.1."""
