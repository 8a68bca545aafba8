"""RFC 9535 JSONPath: typed AST, parser, evaluator and I-Regexp (RFC 9485) for match/search.

The whole of RFC 9535: `$`/`@`, `.name`, `['name']`, `[0]`, `[-1]`, `*`, slices, `..`
descendants, filters `[?...]` with comparisons, `&&`, `||`, `!`, parentheses, existence tests
and the functions length, count, match, search and value, with the RFC's well-typedness rules.
Invalid queries raise JsonPathError with the column (0-based offset) of the problem. Queries
nest at most MAX_DEPTH levels (filters, parentheses, `!` and function calls), so no query and
no document depth can exhaust the stack.

This module is the facade: jsonpath_nodes (syntax tree), jsonpath_lexer, jsonpath_query and
jsonpath_filter (the parser), jsonpath_evaluate, jsonpath_functions and jsonpath_iregexp. They
import only the standard library and each other, so journeygen loads these same files to
validate queries at generation time.
"""

from __future__ import annotations

from .jsonpath_evaluate import compare, locate, matches, normalized_path, select
from .jsonpath_filter import Parser
from .jsonpath_functions import FUNCTIONS
from .jsonpath_iregexp import iregexp
from .jsonpath_lexer import MAX_DEPTH, MAX_INT, WS
from .jsonpath_nodes import (
    NODE_CLASSES,
    NOTHING,
    And,
    CompareOp,
    Comparison,
    FilterExpr,
    FilterSelector,
    FunctionCall,
    IndexSelector,
    JsonPath,
    JsonPathError,
    LiteralValue,
    Location,
    NameSelector,
    Node,
    Not,
    Or,
    Segment,
    Selector,
    SliceSelector,
    WildcardSelector,
    is_singular,
)

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_INT",
    "NODE_CLASSES",
    "NOTHING",
    "And",
    "CompareOp",
    "Comparison",
    "FilterExpr",
    "FilterSelector",
    "FunctionCall",
    "IndexSelector",
    "JsonPath",
    "JsonPathError",
    "LiteralValue",
    "Location",
    "NameSelector",
    "Node",
    "Not",
    "Or",
    "Segment",
    "Selector",
    "SliceSelector",
    "WildcardSelector",
    "compare",
    "iregexp",
    "is_singular",
    "locate",
    "matches",
    "normalized_path",
    "parse",
    "select",
]


def parse(text: str) -> JsonPath:
    """Parse a JSONPath query (must start with `$`), raising JsonPathError when invalid."""
    parser = Parser(text)
    if not text.startswith("$"):
        raise parser.fail("a JSONPath query must start with '$' (no spaces before it)")
    result = parser.query()
    if not parser.at_end():
        if text[parser.pos :].strip(WS) == "":
            raise parser.fail("whitespace after the query is not allowed; remove it")
        raise parser.fail(f"unexpected {text[parser.pos :][:10]!r} after the query")
    return result
