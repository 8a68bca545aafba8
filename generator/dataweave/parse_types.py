"""Type expressions: names with arguments, unions `A | B`, intersections `A & B`, literal
types, object types `{ name: String, age?: Number, tags*: String }` (closed `{| |}` too) and
function types `(a: String, b?: Number) -> Boolean`, kept whole for `is` and the
dw::core::Types functions."""

from __future__ import annotations

from generator.dataweave import ast
from generator.dataweave.lexer import Token, tokenize
from generator.dataweave.parse_base import ParserBase, describe


class TypeParser(ParserBase):
    """The type grammar (mixed into the operator parser)."""

    def type_expr(self) -> ast.TypeRef:
        """A type: `A | B` of `A & B` of atoms."""
        first = self.tok
        members = [self._intersection()]
        while self.at("|"):
            self.take()
            members.append(self._intersection())
        if len(members) == 1:
            return members[0]
        return ast.TypeRef(first.line, first.column, "union", args=tuple(members))

    def _intersection(self) -> ast.TypeRef:
        first = self.tok
        members = [self._type_atom()]
        while self.at("&"):
            self.take()
            members.append(self._type_atom())
        if len(members) == 1:
            return members[0]
        return ast.TypeRef(
            first.line, first.column, "intersection", args=tuple(members)
        )

    def _type_atom(self) -> ast.TypeRef:
        tok = self.tok
        if tok.kind == "STRING" or tok.kind == "NUMBER":
            self.take()
            value: ast.Scalar = str(tok.value)
            if tok.kind == "NUMBER":
                value = int(tok.text) if tok.text.isdigit() else tok.text
            # name "number": a number literal type kept as its text (`type L = 1.5`)
            number = "number" if tok.kind == "NUMBER" else ""
            return ast.TypeRef(tok.line, tok.column, "literal", number, value=value)
        if self.at("true") or self.at("false") or self.at("null"):
            self.take()
            literal = {"true": True, "false": False, "null": None}[tok.text]
            return ast.TypeRef(tok.line, tok.column, "literal", value=literal)
        if self.at("{"):
            return self._object_type()
        if self.at("("):
            return self._function_type()
        if tok.kind != "IDENT":
            raise self.error(f"expected a type name, found {describe(tok)}")
        name = self._qualified_name()
        args: tuple[ast.TypeRef, ...] = ()
        if self.at("<"):
            args = self._type_arguments()
        return ast.TypeRef(tok.line, tok.column, "name", name=name, args=args)

    def _object_type(self) -> ast.TypeRef:
        open_ = self.take()
        if (
            self.tok.kind == "TEMPORAL"
        ):  # `{| a: String |}`: the lexer read `|...|` whole
            closed = self.take()
            inner = type(self)(
                tokenize(
                    self.source, closed.offset + 1, closed.offset + 1 + len(closed.text)
                ),
                self.source,
                self.warnings,
            )
            labels, types = inner._object_fields(end="EOF")
            self.expect("}", "to close the object type")
            return ast.TypeRef(
                open_.line, open_.column, "object", "closed", types, labels=labels
            )
        labels, types = self._object_fields(end="}")
        self.take()
        return ast.TypeRef(
            open_.line, open_.column, "object", args=types, labels=labels
        )

    def _object_fields(
        self, end: str
    ) -> tuple[tuple[tuple[str, bool, bool], ...], tuple[ast.TypeRef, ...]]:
        labels: list[tuple[str, bool, bool]] = []
        types: list[ast.TypeRef] = []
        while not (self.tok.kind == "EOF" if end == "EOF" else self.at(end)):
            key = self.tok
            if key.kind not in ("IDENT", "KEYWORD", "STRING"):
                raise self.error(
                    f"expected a field name in the object type, found {describe(key)}"
                )
            self.take()
            required, repeated = True, False
            if self.at("?"):
                self.take()
                required = False
            elif self.at("*"):
                self.take()
                repeated = True
            self.expect(":", "after the field name in the object type")
            labels.append((str(key.value), required, repeated))
            types.append(self.type_expr())
            if not (self.tok.kind == "EOF" if end == "EOF" else self.at(end)):
                self.expect(",", "between the fields of an object type")
        return tuple(labels), tuple(types)

    def _function_type(self) -> ast.TypeRef:
        open_ = self.take()
        labels: list[tuple[str, bool, bool]] = []
        types: list[ast.TypeRef] = []
        while not self.at(")"):
            name = f"param_{len(types)}"
            optional = False
            if self.tok.kind == "IDENT" and (self.at(":", 1) or self.at("?", 1)):
                name = self.take().text
                if self.at("?"):
                    self.take()
                    optional = True
                self.expect(":", "after the parameter name")
            labels.append((name, optional, False))
            types.append(self.type_expr())
            if not self.at(")"):
                self.expect(",", "between the parameter types")
        self.take()
        if not self.at("->"):
            raise self.error("expected `->` after function parameter types")
        self.take()
        types.append(self.type_expr())
        return ast.TypeRef(
            open_.line,
            open_.column,
            "function",
            args=tuple(types),
            labels=tuple(labels),
        )

    def _type_arguments(self) -> tuple[ast.TypeRef, ...]:
        self.take()
        args = [self.type_expr()]
        while self.at(","):
            self.take()
            args.append(self.type_expr())
        if self.at(">>"):
            # `Array<Array<T>>`: the lexer read both closing brackets as one `>>`.
            tok = self.tok
            self.tokens[self.pos] = Token(
                "OP", ">", None, tok.line, tok.column + 1, tok.offset + 1
            )
        else:
            self.expect(">", "to close the type arguments")
        return tuple(args)

    def _qualified_name(self) -> str:
        """`name` or `dw::core::Strings::name`."""
        parts = [self.expect_name("a name").text]
        while self.at("::"):
            self.take()
            parts.append(self.expect_name("a name after `::`").text)
        return "::".join(parts)
