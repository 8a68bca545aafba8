"""Runtime support shared by the generated client and server; copied verbatim by journeygen."""
