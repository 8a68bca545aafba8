"""Typed models of the three inputs: JourneyForge DSL, OpenAPI (via openapi-pydantic), Arazzo 1.0.1."""

from .validate import validate_document

__all__ = ["validate_document"]
