"""The generated client: typed operations, compiled Arazzo workflows and the journey run."""
