"""An MCP client without a model, on the official MCP Python SDK, for
tests/mcp_official.rs.

    agent.py QC [QC_MCP_ARGS...] < steps.json > transcript.json

starts `QC mcp QC_MCP_ARGS...` through the SDK's stdio transport with
INTERCOM_TOKEN (from this process's environment) as its token, connects as
the SDK does by default (`server/discover`, then the initialize handshake
for a server of that era), lists the tools and resources, runs the steps
read from stdin, and prints a JSON transcript. A step is one of:

- `{"call": TOOL, "arguments": {...}}`: a tool call;
- `{"validate": TOOL, "arguments": {...}}`: whether the tool's input schema
  accepts these arguments (nothing is sent);
- `{"read": URI}`: a resource;
- `{"scan": [TEXT, ...]}`: the forms of the token that the search below
  finds in each text (only the verdicts are kept);
- `{"loop": QUERY, "limit": N}`: an assistant's loop: `search` the query;
  when its answer is an error with diagnostics, `check` it, apply every
  fix of `check`'s answer to the text by its line:column range, and
  `search` the result.

Checked on the way, each failure listed under `failures` (the exit status
is then 1):

- every tool's input and output schema is a valid JSON Schema (its own
  meta-schema, jsonschema's validator for its `$schema`);
- the arguments of every call fit the tool's input schema, and every
  result's `structuredContent` fits the tool's output schema, error
  results included (the SDK itself checks only the others); its text
  content is that same JSON;
- the token is in no message, either way, nor on qc's stderr: every
  message that crosses the SDK's transport is kept as the JSON text the
  transport writes or has read, and searched, with every string in it,
  for the token as it is, percent-decoded (up to four times), and in
  base64 (standard and URL-safe, at each of the three alignments).
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
import urllib.parse
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

import anyio
import jsonschema
import mcp_types as types
from jsonschema.validators import validator_for
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError
from mcp.shared.message import SessionMessage

#: The longest the whole session may take, in seconds.
SESSION_TIMEOUT = 120
#: The longest one request may wait for its answer, in seconds.
REQUEST_TIMEOUT = 60


class Wire:
    """Every message both ways, as JSON text, in order."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def keep(self, direction: str, item: SessionMessage | Exception) -> None:
        if isinstance(item, SessionMessage):
            text = item.message.model_dump_json(by_alias=True, exclude_unset=True)
        else:
            text = f"<unreadable: {item!r}>"
        self.messages.append((direction, text))


class TapRead:
    """The transport's read stream, each message kept as it passes."""

    def __init__(self, inner: Any, wire: Wire) -> None:
        self.inner = inner
        self.wire = wire

    async def receive(self) -> SessionMessage | Exception:
        item: SessionMessage | Exception = await self.inner.receive()
        self.wire.keep("<-", item)
        return item

    async def aclose(self) -> None:
        await self.inner.aclose()

    def __aiter__(self) -> TapRead:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    async def __aenter__(self) -> TapRead:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class TapWrite:
    """The transport's write stream, each message kept as it passes."""

    def __init__(self, inner: Any, wire: Wire) -> None:
        self.inner = inner
        self.wire = wire

    async def send(self, item: SessionMessage, /) -> None:
        self.wire.keep("->", item)
        await self.inner.send(item)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def __aenter__(self) -> TapWrite:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class Tapped(AbstractAsyncContextManager[tuple[TapRead, TapWrite]]):
    """The SDK's stdio transport, tapped (a `Transport` of the SDK)."""

    def __init__(self, inner: AbstractAsyncContextManager[Any], wire: Wire) -> None:
        self.inner = inner
        self.wire = wire

    async def __aenter__(self) -> tuple[TapRead, TapWrite]:
        read, write = await self.inner.__aenter__()
        return TapRead(read, self.wire), TapWrite(write, self.wire)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return await self.inner.__aexit__(exc_type, exc, tb)


def base64_cores(secret: bytes) -> list[str]:
    """The text that any base64 encoding holding `secret` holds, at each
    alignment and in both alphabets: whole groups of its bytes only."""
    cores = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + secret).decode()
        # The first group mixes in the shift, the last may mix in what follows.
        start = 4 if shift else 0
        end = (len(encoded) // 4 - 1) * 4
        core = encoded[start:end]
        cores += [core, core.replace("+", "-").replace("/", "_")]
    return [c for c in cores if len(c) >= 8]


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    return []


def leaks(text: str, token: str) -> list[str]:
    """The forms of `token` found in `text`."""
    found = []
    forms = [text]
    for _ in range(4):
        decoded = urllib.parse.unquote(forms[-1])
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    if any(token in form for form in forms):
        found.append("plain" if token in text else "percent-encoded")
    cores = base64_cores(token.encode())
    if any(core in form for form in forms for core in cores):
        found.append("base64")
    return found


def validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """The validator of the dialect `schema` names (2020-12 when none)."""
    return validator_for(schema)(schema)


class Agent:
    """A session with `qc mcp`, and what was seen in it."""

    def __init__(self, client: Client, failures: list[str]) -> None:
        self.client = client
        self.tools: dict[str, types.Tool] = {}
        self.steps: list[dict[str, Any]] = []
        self.failures = failures
        self.validated_results = 0

    def fail(self, message: str) -> None:
        self.failures.append(message)

    async def listing(self) -> dict[str, Any]:
        listed = await self.client.list_tools()
        for tool in listed.tools:
            self.tools[tool.name] = tool
            for key, schema in [("inputSchema", tool.input_schema), ("outputSchema", tool.output_schema)]:
                if schema is None:
                    self.fail(f"{tool.name} has no {key}")
                    continue
                try:
                    validator_for(schema).check_schema(schema)
                except jsonschema.SchemaError as e:
                    self.fail(f"the {key} of {tool.name} is no valid JSON Schema: {e.message}")
                if schema.get("type") != "object":
                    self.fail(f"the {key} of {tool.name} is not of type object")
        resources = await self.client.list_resources()
        return {
            "tools": [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listed.tools],
            "resources": [r.model_dump(by_alias=True, exclude_none=True, mode="json") for r in resources.resources],
        }

    def input_errors(self, tool: str, arguments: dict[str, Any]) -> list[str]:
        schema = self.tools[tool].input_schema
        return sorted(e.message for e in validator(schema).iter_errors(arguments))

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        step: dict[str, Any] = {"call": tool, "arguments": arguments}
        if tool in self.tools:
            errors = self.input_errors(tool, arguments)
            if errors:
                step["input_errors"] = errors
        try:
            result = await self.client.call_tool(tool, arguments, read_timeout_seconds=REQUEST_TIMEOUT)
        except MCPError as e:
            step["error"] = {"code": e.code, "message": e.message}
            self.steps.append(step)
            return step
        answer = result.model_dump(by_alias=True, exclude_none=True, mode="json")
        step["isError"] = bool(result.is_error)
        texts = [c.get("text") for c in answer.get("content", []) if c.get("type") == "text"]
        structured = answer.get("structuredContent")
        if structured is not None:
            step["structuredContent"] = structured
            schema = self.tools[tool].output_schema if tool in self.tools else None
            if schema is None:
                self.fail(f"{tool} answered structured content without an output schema")
            else:
                errors = [e.message for e in validator(schema).iter_errors(structured)]
                if errors:
                    self.fail(f"{tool}'s answer does not fit its output schema: {errors}")
                self.validated_results += 1
            if len(texts) != 1 or json.loads(texts[0] or "null") != structured:
                self.fail(f"{tool}'s text content is not its structured content: {texts}")
        else:
            step["text"] = "\n".join(t or "" for t in texts)
        self.steps.append(step)
        return step

    async def loop(self, query: str, limit: int) -> None:
        """Search; on diagnostics, apply `check`'s fixes; search again."""
        first = await self.call("search", {"query": query, "limit": limit})
        out = first.get("structuredContent", {})
        if not first.get("isError") or not out.get("diagnostics"):
            return
        checked = await self.call("check", {"query": query})
        diagnostics = checked.get("structuredContent", {}).get("diagnostics", [])
        fixes = [d["fix"] for d in diagnostics if "fix" in d]
        text = apply(query, fixes)
        self.steps.append({"applied": len(fixes), "text": text})
        if text != checked.get("structuredContent", {}).get("fixed"):
            self.fail(f"the fixes applied give {text!r}, not `check`'s `fixed`")
        await self.call("search", {"query": text, "limit": limit})

    async def run(self, step: dict[str, Any]) -> None:
        if "call" in step:
            await self.call(step["call"], step.get("arguments", {}))
        elif "validate" in step:
            tool, arguments = step["validate"], step.get("arguments", {})
            self.steps.append({"validate": tool, "arguments": arguments, "errors": self.input_errors(tool, arguments)})
        elif "read" in step:
            read = await self.client.read_resource(step["read"])
            contents = [c.model_dump(by_alias=True, exclude_none=True, mode="json") for c in read.contents]
            self.steps.append({"read": step["read"], "contents": contents})
        elif "scan" in step:
            # The search for the token, on the texts given: only its verdicts are kept.
            token = os.environ.get("INTERCOM_TOKEN", "")
            self.steps.append({"found": [leaks(text, token) for text in step["scan"]]})
        elif "loop" in step:
            await self.loop(step["loop"], step.get("limit", 25))
        else:
            self.fail(f"unknown step {step}")


def offset(text: str, position: dict[str, int]) -> int:
    """The index in `text` of a 1-based line and column in characters."""
    lines = text.split("\n")
    line = position["line"] - 1
    return sum(len(before) + 1 for before in lines[:line]) + position["column"] - 1


def apply(text: str, fixes: list[dict[str, Any]]) -> str:
    """`text` with every fix applied, the last first."""
    spans = sorted(
        ((offset(text, f["range"]["start"]), offset(text, f["range"]["end"]), f["replacement"]) for f in fixes),
        reverse=True,
    )
    for start, end, replacement in spans:
        text = text[:start] + replacement + text[end:]
    return text


def parsed(text: str) -> Any:
    """A kept message as JSON (an unreadable one as its text)."""
    return json.loads(text) if text.startswith("{") else text


async def session(qc: str, args: list[str], token: str, mode: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs `steps` in a session with `qc mcp ARGS`; the transcript."""
    wire = Wire()
    failures: list[str] = []
    agent: Agent | None = None
    env = {"INTERCOM_TOKEN": token, "NO_COLOR": "1"} if token else {"NO_COLOR": "1"}
    parameters = StdioServerParameters(command=qc, args=["mcp", *args], env=env)
    transcript: dict[str, Any] = {}
    with tempfile.TemporaryFile("w+") as errlog:
        try:
            with anyio.fail_after(SESSION_TIMEOUT):
                transport = Tapped(stdio_client(parameters, errlog=errlog), wire)
                async with Client(
                    transport,
                    read_timeout_seconds=REQUEST_TIMEOUT,
                    mode=mode,
                    client_info=types.Implementation(name="qc-tests-agent", version="0"),
                ) as client:
                    agent = Agent(client, failures)
                    transcript["protocol_version"] = client.protocol_version
                    info = client.server_info
                    transcript["server_info"] = info.model_dump(exclude_none=True) if info else None
                    transcript["capabilities"] = client.server_capabilities.model_dump(
                        by_alias=True, exclude_none=True, mode="json"
                    )
                    transcript["instructions"] = client.instructions
                    transcript.update(await agent.listing())
                    for step in steps:
                        await agent.run(step)
        except Exception as e:  # a failure like any other, in the transcript
            failures.append(f"the session failed: {type(e).__name__}: {e}")
        errlog.seek(0)
        stderr = errlog.read()
    transcript["steps"] = agent.steps if agent else []
    transcript["wire"] = [{"dir": d, "message": parsed(t)} for d, t in wire.messages]
    transcript["stderr"] = stderr
    if token:
        for direction, text in wire.messages:
            found = {form for s in [text, *strings(parsed(text))] for form in leaks(s, token)}
            for form in sorted(found):
                failures.append(f"the token ({form}) in a message {direction}: {text[:300]}")
        for form in leaks(stderr, token):
            failures.append(f"the token ({form}) on qc's stderr: {stderr[:300]}")
    transcript["checked"] = {
        "messages_scanned": len(wire.messages) if token else 0,
        "results_validated": agent.validated_results if agent else 0,
    }
    transcript["failures"] = failures
    return transcript


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    qc, args = sys.argv[1], sys.argv[2:]
    script = json.load(sys.stdin)
    token = os.environ.get("INTERCOM_TOKEN", "")
    transcript = anyio.run(session, qc, args, token, script.get("mode", "auto"), script["steps"])
    json.dump(transcript, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    for failure in transcript["failures"]:
        print(f"failure: {failure}", file=sys.stderr)
    return 1 if transcript["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
