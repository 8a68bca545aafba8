"""HTTP transport: shared request building, response parsing and retry loop state.

`SyncTransport` and `AsyncTransport` only do I/O; every decision lives in plain functions.
"""

from .transport_async import AsyncTransport, bind_coalescing
from .transport_call import CallState
from .transport_request import (
    NO_BODY,
    ClientConfig,
    Prepared,
    RequestSpec,
    encode_body,
    encode_query,
    encode_scalar,
    expand_path,
    join_url,
    origin,
    prepare,
    safe_url,
)
from .transport_response import (
    ApiResponse,
    RawResponse,
    decode_json,
    is_success,
    map_transport_error,
    parse_success,
)
from .transport_sync import SyncTransport, bind_deadlines, read_sync

__all__ = [
    "NO_BODY",
    "ApiResponse",
    "AsyncTransport",
    "CallState",
    "ClientConfig",
    "Prepared",
    "RawResponse",
    "RequestSpec",
    "SyncTransport",
    "bind_coalescing",
    "bind_deadlines",
    "decode_json",
    "encode_body",
    "encode_query",
    "encode_scalar",
    "expand_path",
    "is_success",
    "join_url",
    "map_transport_error",
    "origin",
    "parse_success",
    "prepare",
    "read_sync",
    "safe_url",
]
