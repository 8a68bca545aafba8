"""JSONPath (RFC 9535 §2.1-2.5) queries: `$`/`@`, child and descendant segments, and the
name, wildcard, index, slice and filter selectors. Filter expressions are parsed by the
subclass in jsonpath_filter.
"""

from __future__ import annotations

from .jsonpath_lexer import Lexer, is_name_char, is_name_first
from .jsonpath_nodes import (
    FilterExpr,
    FilterSelector,
    IndexSelector,
    JsonPath,
    NameSelector,
    Segment,
    Selector,
    SliceSelector,
    WildcardSelector,
)


class QueryParser(Lexer):
    """Recursive-descent parser of queries and their segments."""

    def logical(self) -> FilterExpr:
        """The filter expression after `?` (jsonpath_filter.Parser)."""
        raise NotImplementedError

    def query(self) -> JsonPath:
        relative = self.peek("@")
        self.pos += 1  # '$' or '@', checked by the caller
        segments: list[Segment] = []
        while True:
            mark = self.pos
            self.skip_ws()
            if self.eat(".."):
                segments.append(self.descendant())
            elif self.eat("."):
                segments.append(Segment((self.shorthand("."),)))
            elif self.peek("["):
                segments.append(Segment(self.bracketed()))
            else:
                self.pos = mark
                return JsonPath(tuple(segments), relative)

    def descendant(self) -> Segment:
        if self.peek("["):
            return Segment(self.bracketed(), descendant=True)
        return Segment((self.shorthand(".."),), descendant=True)

    def shorthand(self, after: str) -> Selector:
        if self.eat("*"):
            return WildcardSelector()
        start = self.pos
        if self.at_end() or not is_name_first(self.text[self.pos]):
            raise self.fail(
                f"expected a member name or '*' right after {after!r} (no spaces); "
                "for other names write ['name']"
            )
        while not self.at_end() and is_name_char(self.text[self.pos]):
            self.pos += 1
        return NameSelector(self.text[start : self.pos])

    def bracketed(self) -> tuple[Selector, ...]:
        self.pos += 1  # '['
        selectors = [self.selector()]
        while True:
            self.skip_ws()
            if self.eat("]"):
                return tuple(selectors)
            if not self.eat(","):
                raise self.fail(
                    f"expected ',' or ']' after a selector but found {self.found()}"
                )
            selectors.append(self.selector())

    def selector(self) -> Selector:
        self.skip_ws()
        if self.peek("'") or self.peek('"'):
            return NameSelector(self.string())
        if self.eat("*"):
            return WildcardSelector()
        start = self.pos
        if self.eat("?"):
            self.enter(start)
            self.skip_ws()
            expr = self.logical()
            self.leave()
            return FilterSelector(expr)
        return self.index_or_slice()

    def index_or_slice(self) -> Selector:
        start = self.integer()
        self.skip_ws()
        if not self.eat(":"):
            if start is None:
                raise self.fail(
                    "expected a 'name' in quotes, an index, a slice, '*' or a filter "
                    f"'?...' in brackets but found {self.found()}"
                )
            return IndexSelector(start)
        self.skip_ws()
        end = self.integer()
        self.skip_ws()
        step = None
        if self.eat(":"):
            self.skip_ws()
            step = self.integer()
        return SliceSelector(start, end, step)
