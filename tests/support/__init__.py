"""Helpers shared by the test folders: paths, the runtime loader, servers, case generation."""
