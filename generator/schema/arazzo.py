"""Typed model of an Arazzo 1.0.1 document; unknown fields are errors unless they start with `x-`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    model_validator,
)


class _Node(BaseModel):
    """Base: forbids unknown fields but keeps `x-` specification extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    extensions: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _split_extensions(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        ext = {
            k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")
        }
        if not ext:
            return data
        rest = {k: v for k, v in data.items() if k not in ext}
        given = rest.get(
            "extensions"
        )  # x- fields written one level too deep (a warning)
        rest["extensions"] = {**given, **ext} if isinstance(given, dict) else ext
        return rest


class Info(_Node):
    title: str
    version: str
    summary: str | None = None
    description: str | None = None


class SourceDescription(_Node):
    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    url: str
    type: Literal["openapi", "arazzo"] | None = None


class CriterionExpressionType(_Node):
    type: Literal["jsonpath", "xpath"]
    version: str


class Criterion(_Node):
    condition: str
    context: str | None = None
    type: (
        Literal["simple", "regex", "jsonpath", "xpath"] | CriterionExpressionType | None
    ) = None

    @model_validator(mode="before")
    @classmethod
    def _version_beside_type(cls, data: Any) -> Any:
        """`type: jsonpath` with `version` beside it (the official JSON Schema lets it pass)
        means `type: {type: jsonpath, version: ...}`; the rules warn about it."""
        if (
            isinstance(data, dict)
            and "version" in data
            and isinstance(data.get("type"), str)
        ):
            data = dict(data)
            data["type"] = {"type": data["type"], "version": data.pop("version")}
        return data


class Reusable(_Node):
    reference: str
    value: Any = None


def _reusable_or_inline(value: Any) -> str:
    """A list item is a reusable object when it has `reference`; otherwise it is inline.

    Choosing the branch up front reports the problems of that branch only (not the errors of
    every union member), e.g. just `retryLimit: Input should be greater than or equal to 0`.
    """
    if isinstance(value, dict) and "reference" in value:
        return "reference"
    if isinstance(value, Reusable):
        return "reference"
    return "inline"


class Parameter(_Node):
    name: str
    in_: Literal["path", "query", "header", "cookie"] | None = Field(
        default=None, alias="in"
    )
    value: Any


class PayloadReplacement(_Node):
    target: str
    value: Any


class RequestBody(_Node):
    contentType: str | None = None
    payload: Any = None
    replacements: list[PayloadReplacement] = Field(default_factory=list)


class SuccessAction(_Node):
    name: str
    type: Literal["end", "goto"]
    workflowId: str | None = None
    stepId: str | None = None
    criteria: list[Criterion] = Field(default_factory=list)


class FailureAction(_Node):
    name: str
    type: Literal["end", "goto", "retry"]
    workflowId: str | None = None
    stepId: str | None = None
    retryAfter: float | None = Field(default=None, ge=0)
    retryLimit: int | None = Field(default=None, ge=0)
    criteria: list[Criterion] = Field(default_factory=list)


ParameterItem = Annotated[
    Annotated[Parameter, Tag("inline")] | Annotated[Reusable, Tag("reference")],
    Discriminator(_reusable_or_inline),
]
SuccessItem = Annotated[
    Annotated[SuccessAction, Tag("inline")] | Annotated[Reusable, Tag("reference")],
    Discriminator(_reusable_or_inline),
]
FailureItem = Annotated[
    Annotated[FailureAction, Tag("inline")] | Annotated[Reusable, Tag("reference")],
    Discriminator(_reusable_or_inline),
]


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def tool_operation(extensions: dict[str, Any]) -> tuple[str, str] | None:
    """Redocly Respect's `x-operation: {url, method}` of a step naming no operation:
    (METHOD, absolute http(s) URL), or None when there is none or it is not that."""
    found = extensions.get("x-operation")
    if not isinstance(found, dict):
        return None
    url, method = found.get("url"), found.get("method")
    if not isinstance(url, str) or not isinstance(method, str):
        return None
    if method.lower() not in HTTP_METHODS or not url.startswith(
        ("http://", "https://")
    ):
        return None
    return method.upper(), url


class Step(_Node):
    stepId: str
    description: str | None = None
    operationId: str | None = None
    operationPath: str | None = None
    workflowId: str | None = None
    parameters: list[ParameterItem] = Field(default_factory=list)
    requestBody: RequestBody | None = None
    successCriteria: list[Criterion] = Field(default_factory=list)
    onSuccess: list[SuccessItem] = Field(default_factory=list)
    onFailure: list[FailureItem] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_target(self) -> Step:
        targets = [
            t for t in (self.operationId, self.operationPath, self.workflowId) if t
        ]
        if not targets and tool_operation(self.extensions) is not None:
            return self  # Redocly's x-operation: a located warning where it is linked
        if len(targets) != 1:
            raise ValueError(
                "a step needs exactly one of operationId, operationPath, workflowId"
            )
        return self


class Workflow(_Node):
    workflowId: str
    summary: str | None = None
    description: str | None = None
    inputs: dict[str, Any] | None = None
    dependsOn: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
    successActions: list[SuccessItem] = Field(default_factory=list)
    failureActions: list[FailureItem] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    parameters: list[ParameterItem] = Field(default_factory=list)


class Components(_Node):
    inputs: dict[str, dict[str, Any]] = Field(default_factory=dict)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    successActions: dict[str, SuccessAction] = Field(default_factory=dict)
    failureActions: dict[str, FailureAction] = Field(default_factory=dict)


class ArazzoDocument(_Node):
    arazzo: str = Field(pattern=r"^1\.0\.\d+$")
    info: Info
    sourceDescriptions: list[SourceDescription] = Field(min_length=1)
    workflows: list[Workflow] = Field(min_length=1)
    components: Components | None = None
    # workflowIds the semantic rules leave out of the package (set by validate_arazzo)
    _left_out: frozenset[str] = PrivateAttr(default=frozenset())

    @property
    def left_out(self) -> frozenset[str]:
        """The workflows that cannot be generated (each reported by a located warning)."""
        return self._left_out
