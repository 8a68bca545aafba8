"""`match`/`case` patterns and `update` cases with their field paths."""

from __future__ import annotations

from generator.dataweave import ast
from generator.dataweave.lexer import Token
from generator.dataweave.parse_base import _REJECTED_OPS, describe
from generator.dataweave.parse_terms import TermParser


class PatternParser(TermParser):
    """`match`/`case` patterns and `update` cases with their field paths."""

    def _match(self, value: ast.Node) -> ast.Node:
        start = self.take()
        self.expect("{", "after `match`")
        cases: list[ast.Case] = []
        while self.at("case"):
            case = self.take()
            pattern = self._pattern(case)
            guard = self._guard()
            self.expect("->", "after the `case` pattern")
            cases.append(
                ast.Case(case.line, case.column, pattern, guard, self.expression())
            )
        if self.at("else"):
            other = self.take()
            if self.at("->"):
                self.take()
            pattern = ast.Pattern(other.line, other.column, "else")
            cases.append(
                ast.Case(other.line, other.column, pattern, None, self.expression())
            )
        if not cases:
            raise self.error(
                "a `match` needs at least one `case pattern -> value`", start
            )
        self.expect("}", "to close `match` (expected `case`, `else` or `}`)")
        return ast.Match(start.line, start.column, value, tuple(cases))

    def _guard(self) -> ast.Node | None:
        """`if cond` of a case; `if (cond) ->` is a parenthesized condition, not a lambda."""
        if not self.at("if"):
            return None
        self.take()
        if self.at("(") and self._lambda_ahead():
            self.take()
            cond = self.expression()
            self.expect(")", "to close the `case` condition")
            return cond
        return self.expression()

    def _pattern(self, case: Token) -> ast.Pattern:
        tok = self.tok
        if self.at("is"):
            self.take()
            return ast.Pattern(tok.line, tok.column, "type", type=self.type_expr())
        if self.at_word("matches"):
            self.take()
            return ast.Pattern(
                tok.line, tok.column, "regex", value=self._regex_operand()
            )
        if tok.kind == "IDENT" and not self.at("::", 1):
            return self._named_pattern(tok)
        if self.at("[") and self.peek(1).kind == "IDENT" and self.at("~", 2):
            return self._array_pattern()
        if self.at("{") and self.peek(1).kind == "IDENT" and self.at(":", 2):
            return self._object_pattern()
        value = self._or()
        if isinstance(value, ast.Regex):
            raise self.error(
                "a regular expression pattern is written `case matches /.../ ->` "
                "(or `case name matches /.../ ->`)",
                tok,
            )
        return ast.Pattern(tok.line, tok.column, "literal", value=value)

    def _named_pattern(self, tok: Token) -> ast.Pattern:
        nxt = self.peek(1)
        if nxt.kind == "KEYWORD" and nxt.text == "is":
            self.take()
            self.take()
            return ast.Pattern(
                tok.line, tok.column, "type", binder=tok.text, type=self.type_expr()
            )
        if nxt.kind == "IDENT" and nxt.text == "matches":
            self.take()
            self.take()
            regex = self._regex_operand()
            return ast.Pattern(
                tok.line, tok.column, "regex", binder=tok.text, value=regex
            )
        if self.at("if", 1) or self.at("->", 1):
            self.take()
            return ast.Pattern(tok.line, tok.column, "bind", binder=tok.text)
        if self.at(":", 1):  # `case name: "literal" ->` binds the matched literal
            self.take()
            self.take()
            value = self._or()
            return ast.Pattern(
                tok.line, tok.column, "literal", binder=tok.text, value=value
            )
        value = self._or()
        return ast.Pattern(tok.line, tok.column, "literal", value=value)

    def _regex_operand(self) -> ast.Node:
        node = self._or()
        if not isinstance(node, ast.Regex):
            raise self.error("expected a regular expression `/.../` after `matches`")
        return node

    def _array_pattern(self) -> ast.Pattern:
        open_ = self.take()
        head = self.take().text
        self.take()
        tail = self.expect_name("a name for the rest of the array").text
        self.expect("]", "to close the `[head ~ tail]` pattern")
        return ast.Pattern(open_.line, open_.column, "array", binder=head, rest=tail)

    def _object_pattern(self) -> ast.Pattern:
        open_ = self.take()
        key = self.take().text
        self.take()
        value = self.expect_name("a name for the first value").text
        self.expect("~", "in the `{key: value ~ rest}` pattern")
        rest = self.expect_name("a name for the rest of the object").text
        self.expect("}", "to close the `{key: value ~ rest}` pattern")
        return ast.Pattern(
            open_.line, open_.column, "object", binder=value, key_name=key, rest=rest
        )

    def _update(self, value: ast.Node) -> ast.Node:
        start = self.take()
        self.expect("{", "after `update`")
        cases: list[ast.UpdateCase] = []
        while self.at("case"):
            case = self.take()
            binder = None
            if self.tok.kind == "IDENT" and self.at_word("at", 1):
                binder = self.take().text
                self.take()
            path = self._update_path()
            guard = self._guard()
            self.expect("->", "after the `update` field path")
            body = self.expression()
            cases.append(
                ast.UpdateCase(case.line, case.column, binder, path, guard, body)
            )
        if not cases:
            raise self.error("an `update` needs at least one `case .path -> value`")
        self.expect("}", "to close `update` (expected `case` or `}`)")
        return ast.Update(start.line, start.column, value, tuple(cases))

    def _update_path(self) -> tuple[ast.PathStep, ...]:
        steps: list[ast.PathStep] = []
        while self.at(".") or self.at("["):
            tok = self.take()
            if tok.text == "[":
                if self.at("*"):
                    raise self.error("`[*]` is not an `update` path step; use `.*key`")
                index = self.expression()
                self.expect("]", "to close the index in the `update` path")
                steps.append(ast.PathStep(tok.line, tok.column, "index", index=index))
                continue
            kind = "key"
            if self.at("*"):
                self.take()
                kind = "multi"
            if self.at("@") or self.at("^") or self.at("#"):
                raise self.error(_REJECTED_OPS[self.tok.text])
            key = self.tok
            if key.kind not in ("IDENT", "KEYWORD", "STRING"):
                raise self.error(f"expected a field name, found {describe(key)}")
            self.take()
            upsert = self.at("!") and bool(self.take())
            steps.append(
                ast.PathStep(
                    tok.line, tok.column, kind, key=str(key.value), upsert=upsert
                )
            )
        if not steps:
            raise self.error(
                "expected a field path such as `.name`, `.items[0].price` after `case`"
            )
        return tuple(steps)
