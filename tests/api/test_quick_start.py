"""The docs page's quick start works for a new user exactly as written: the curl commands are
read from the served OpenAPI description (not from the data they are rendered from) and run
against the app, placeholders filled in the way the comments tell a reader to."""

from __future__ import annotations

import json
import re
import shlex

from credit_service.api.routes import QUICK_START, QUICK_START_HOST


def _documented_commands(description: str) -> list[list[str]]:
    """The code block read the way a POSIX shell reads it (comments, quotes spanning lines,
    backslash continuations), one argv per ``curl``."""
    block = re.search(r"```\n(.*?)```", description, re.S).group(1)
    commands: list[list[str]] = []
    block = block.replace("\\\n", " ")  # line continuation (shlex would keep the newline)
    for token in shlex.split(block, comments=True):
        if token == "curl":
            commands.append([])
        commands[-1].append(token)
    return commands


def _parse_curl(argv: list[str]) -> dict:
    assert argv[0] == "curl", argv
    request = {"method": "GET", "headers": {}, "data": None, "url": None}
    args = iter(argv[1:])
    for arg in args:
        if arg == "-X":
            request["method"] = next(args)
        elif arg == "-H":
            name, value = next(args).split(":", 1)
            request["headers"][name.strip()] = value.strip()
        elif arg == "-d":
            request["data"] = next(args)
        else:
            assert request["url"] is None, f"unexpected curl argument {arg!r}"
            request["url"] = arg
    return request


def test_every_documented_step_works_as_written(api, client, dummy_agency, clerk, reviewer,
                                                token_for):
    description = api.get("/openapi.json").get_json()["info"]["description"]
    commands = _documented_commands(description)
    assert len(commands) == len(QUICK_START)
    tokens = {"$T2": token_for(reviewer), "$T": token_for(clerk)}  # longest name first
    values = {"<信用代码>": dummy_agency.uscc}

    def fill(text: str) -> str:
        for name, value in {**tokens, **values}.items():
            text = text.replace(name, value)
        assert "<" not in text.replace("<主机>", ""), f"unfilled placeholder in {text!r}"
        return text

    last = None
    for argv in commands:
        request = _parse_curl(argv)
        url = request["url"]
        assert url.startswith(QUICK_START_HOST), url
        path = fill(url.removeprefix(QUICK_START_HOST))
        headers = {name: fill(value) for name, value in request["headers"].items()}
        data = fill(request["data"]) if request["data"] is not None else None
        if data is not None:
            json.loads(data)  # the documented body is valid JSON once filled in
        response = client.open(path, method=request["method"], headers=headers, data=data)
        assert 200 <= response.status_code < 300, (path, data, response.get_json())
        last = response.get_json()
        # the ids a reader copies from the responses into the next commands
        if path.endswith("/records"):
            values["<记录编号>"] = str(last["id"])
        elif path == "/api/v1/listings":
            values["<条目编号>"] = str(last["id"])
        elif path.startswith("/api/v1/lists/black"):
            assert "X-Pagination" in response.headers

    assert last["state"] == "published"
    assert [e["action"] for e in last["events"]] == ["propose", "notify", "decide", "publish"]
    black = api.get("/lists/black").get_json()
    assert [entry["uscc"] for entry in black] == [dummy_agency.uscc]
