"""Operands: selectors and calls after them, literals, names, lambdas, `if`/`unless`."""

from __future__ import annotations

from generator.dataweave import ast
from generator.dataweave.errors import DataWeaveError
from generator.dataweave.lexer import Token, lex_regex, tokenize
from generator.dataweave.parse_base import _DECL_WORDS, _REJECTED_OPS, describe
from generator.dataweave.parse_operators import OperatorParser


class TermParser(OperatorParser):
    """Operands: selectors and calls after them, literals, names, lambdas, `if`/`unless`."""

    def _postfix(self, node: ast.Node) -> ast.Node:
        while True:
            tok = self.tok
            if self.at(".") or self.at(".."):
                node = self._selector(node)
            elif self.at("["):
                node = self._index(node)
            elif self.at("?"):
                self.take()
                node = ast.Exists(tok.line, tok.column, node)
            elif self.at("!") and isinstance(node, ast.Select | ast.Index):
                self.take()
                node = ast.Assert(tok.line, tok.column, node)
            elif self.at("(") and isinstance(node, ast.Name):
                node = ast.Call(node.line, node.column, node.name, self._arguments())
            elif self.at("(") and isinstance(
                node, ast.Call | ast.Lambda | ast.Apply | ast.Select | ast.Index
            ):
                node = ast.Apply(tok.line, tok.column, node, self._arguments())
            elif self.at("@") or self.at("#") or self.at("^"):
                raise self.error(_REJECTED_OPS[tok.text])
            else:
                return node

    def _selector(self, target: ast.Node) -> ast.Node:
        dot = self.take()
        mode = "descendants" if dot.text == ".." else "single"
        if dot.text == "." and (self.at("*") or self.at("&")):
            mode = "multi" if self.take().text == "*" else "keyvalue"
        key = self.tok
        if key.kind in ("IDENT", "KEYWORD", "STRING"):
            self.take()
            return ast.Select(dot.line, dot.column, target, str(key.value), mode)
        if key.kind == "OP" and key.text in ("@", "^", "#"):
            raise self.error(_REJECTED_OPS[key.text], key)
        raise self.error(
            f"expected a field name after `{dot.text}`, found {describe(key)}", key
        )

    def _index(self, target: ast.Node) -> ast.Node:
        open_ = self.take()
        if self.at("?") and self.at("(", 1):
            self.take()
            self.take()
            condition = self.expression()
            self.expect(")", "to close the filter selector `[?( )]`")
            self.expect("]", "to close the filter selector `[?( )]`")
            return ast.FilterSelect(open_.line, open_.column, target, condition)
        if self.at("@") or self.at("^") or self.at("#"):
            raise self.error(_REJECTED_OPS[self.tok.text])
        index = self.expression()
        self.expect("]", "to close the index selector")
        return ast.Index(open_.line, open_.column, target, index)

    def _arguments(self) -> tuple[ast.Node, ...]:
        self.expect("(", "to start the argument list")
        args: list[ast.Node] = []
        while not self.at(")"):
            args.append(self.expression())
            if not self.at(")"):
                self.expect(",", "between arguments")
        self.take()
        return tuple(args)

    def _primary(self) -> ast.Node:
        tok = self.tok
        if tok.kind == "STRING":
            self.take()
            return ast.Literal(tok.line, tok.column, str(tok.value))
        if tok.kind == "NUMBER" or (tok.kind == "OP" and tok.text == "-"):
            return self._number()
        if tok.kind == "OP" and tok.text == "/":
            # After a name the lexer read `/` as a division; here an operand starts.
            self._relex_regex(tok)
            return self._primary()
        if tok.kind == "TEMPLATE":
            return self._template(self.take())
        if tok.kind == "REGEX":
            self.take()
            return ast.Regex(tok.line, tok.column, str(tok.value))
        if tok.kind == "TEMPORAL":
            self.take()
            return ast.Temporal(tok.line, tok.column, str(tok.value))
        if tok.kind == "KEYWORD":
            return self._keyword_primary(tok)
        if tok.kind == "IDENT":
            return ast.Name(tok.line, tok.column, self._qualified_name())
        return self._punctuation_primary(tok)

    def _relex_regex(self, tok: Token) -> None:
        end = self.tokens[-1].offset
        regex, after = lex_regex(self.source, tok.offset, end, (tok.line, tok.column))
        self.tokens[self.pos :] = [regex, *tokenize(self.source, after, end)]

    def _number(self) -> ast.Node:
        tok = self.take()
        sign = ""
        if tok.text == "-":
            sign, tok = "-", self.take()
        text = sign + tok.text
        if text.lstrip("-").isdigit():
            return ast.Literal(tok.line, tok.column, int(text))
        return ast.Number(tok.line, tok.column, text)

    def _template(self, tok: Token) -> ast.Node:
        assert isinstance(tok.value, tuple)
        parts: list[str | ast.Node] = []
        for part in tok.value:
            if isinstance(part, str):
                parts.append(part)
                continue
            inner = type(self)(tokenize(self.source, *part), self.source, self.warnings)
            inner.local_functions = self.local_functions
            inner.depth = self.depth
            parts.append(inner.whole())
        return ast.Template(tok.line, tok.column, tuple(parts))

    def _keyword_primary(self, tok: Token) -> ast.Node:
        constants = {"true": True, "false": False, "null": None}
        if tok.text in constants:
            self.take()
            return ast.Literal(tok.line, tok.column, constants[tok.text])
        if tok.text in ("if", "unless"):
            return self._if()
        if tok.text == "do":
            return self._do()
        if tok.text == "using":
            return self._using()
        if tok.text in _DECL_WORDS:
            raise self.error(
                f"`{tok.text}` declarations belong at the start of the expression or of a "
                f"`do {{ ... --- body }}` block"
            )
        raise self.error(f"expected an expression, found keyword `{tok.text}`")

    def _punctuation_primary(self, tok: Token) -> ast.Node:
        if tok.kind == "OP" and tok.text in ("$", "$$", "$$$"):
            self.take()
            return ast.Dollar(tok.line, tok.column, len(tok.text))
        if self.at("("):
            if self._lambda_ahead():
                return self._lambda()
            self.take()
            node = self.body()
            self.expect(")", "to close the parenthesis")
            return node
        if self.at("{"):
            return self._object()
        if self.at("["):
            return self._array()
        if tok.kind == "OP" and tok.text in _REJECTED_OPS:
            raise self.error(_REJECTED_OPS[tok.text])
        raise self.error(f"expected an expression, found {describe(tok)}")

    def _lambda_ahead(self) -> bool:
        """Whether the parenthesis at pos closes just before `->` (or `: Type ->`)."""
        depth, offset = 0, 0
        while True:
            token = self.peek(offset)
            if token.kind == "EOF":
                return False
            if token.kind == "OP" and token.text in ("(", "[", "{"):
                depth += 1
            elif token.kind == "OP" and token.text in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    break
            offset += 1
        if self.at("->", offset + 1):
            return True
        return (
            self.at(":", offset + 1)
            and self.peek(offset + 2).kind == "IDENT"
            and self.at("->", offset + 3)
        )

    def params(self) -> tuple[ast.Param, ...]:
        """`(name [: Type] [= default], ...)`; types are parsed and erased."""
        open_ = self.expect("(", "to start the parameters")
        params: list[ast.Param] = []
        while not self.at(")"):
            name = self.expect_name("a parameter name")
            if self.at(":"):
                self.take()
                self.type_expr()
            default = None
            if self.at("="):
                self.take()
                default = self.expression()
            params.append(ast.Param(name.line, name.column, name.text, default))
            if not self.at(")"):
                self.expect(",", "between parameters")
        self.take()
        names = [param.name for param in params]
        if len(set(names)) != len(names):
            raise self.error("duplicate parameter name", open_)
        return tuple(params)

    def _lambda(self) -> ast.Node:
        open_ = self.tok
        params = self.params()
        if self.at(":"):
            self.take()
            self.type_expr()
        self.expect("->", "after lambda parameters")
        return ast.Lambda(open_.line, open_.column, params, self.expression())

    def _if(self) -> ast.Node:
        start = self.take()
        cond = self._condition(start)
        then = self.expression()
        self.expect("else", f"after the `{start.text}` branch (`else` is required)")
        otherwise = self.expression()
        if start.text == "unless":
            then, otherwise = otherwise, then
        return ast.If(start.line, start.column, cond, then, otherwise)

    def _condition(self, start: Token) -> ast.Node:
        """`(cond)`, or JourneyForge's `(cond) then` / `cond then` (with a warning)."""
        self.in_condition += 1
        try:
            return self._condition_body(start)
        finally:
            self.in_condition -= 1

    def _condition_body(self, start: Token) -> ast.Node:
        fix = f"`then` is not DataWeave: write `{start.text} (condition) a else b`"
        if not self.at("("):
            cond = self.expression()
            if not self.at_word("then"):
                raise self.error(
                    f"expected `(` after `{start.text}`: write `{start.text} (condition) "
                    "a else b`"
                )
            self.warn(fix, self.take())
            return cond
        mark = self.pos
        self.take()
        paren = self.expression()
        self.expect(")", f"to close the `{start.text}` condition")
        if self.at_word("then"):
            self.warn(fix, self.take())
            return paren
        after_paren = self.pos
        self.pos = mark
        saved = len(self.warnings)
        try:
            full: ast.Node | None = self.expression()
        except DataWeaveError:
            full = None
        if full is not None and self.at_word("then"):
            self.warn(fix, self.take())
            return full
        del self.warnings[saved:]
        self.pos = after_paren
        return paren
