"""`conflictkit extract --extractor llm` end to end over real HTTP, against a stub endpoint.

The stub is an OpenAI-compatible `/chat/completions` server written for these tests: it listens
on 127.0.0.1 on an ephemeral port, answers from a script of canned replies (status, body, delay),
records every request, and is shut down when the test ends. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ARTICLE = ("title: Clashes in an invented town\ndate: 2023-03-02\noutlet: Test Wire\n\n"
           "Soldiers and rebels clashed in the town of Dorvik on Tuesday, leaving four dead.\n\n"
           "A spokesman for the army said the rebels withdrew at night.\n")
GOOD = {"event_date": "2023-02-28", "time_precision": 1, "event_type": "Battles",
        "sub_event_type": "Armed clash", "actor1": "rebels", "actor2": None, "fatalities": 4,
        "country": "Nigeria", "admin1": None, "location": "Dorvik",
        "evidence": {"event_date": 0, "fatalities": 0}}
MAX_STUB_REQUESTS = 20  # a runaway client loop fails the test instead of spinning


def completion(content: str, finish_reason: str = "stop") -> bytes:
    return json.dumps({"id": "x", "object": "chat.completion", "choices": [
        {"index": 0, "finish_reason": finish_reason,
         "message": {"role": "assistant", "content": content}}]}).encode()


def events(*items: object) -> bytes:
    return completion(json.dumps({"events": list(items)}))


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    delay: float = 0.0


@dataclass
class Stub:
    url: str
    replies: list[Reply]
    requests: list[dict] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    stub: Stub
    stop: threading.Event

    def log_message(self, *args: object) -> None:  # quiet
        return

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.stub.requests.append({"path": self.path, "headers": dict(self.headers),
                                   "body": json.loads(body or b"{}")})
        if len(self.stub.requests) > MAX_STUB_REQUESTS:
            self.send_error(500, "too many requests")
            return
        reply = self.stub.replies.pop(0) if self.stub.replies else Reply(500, b"no reply left")
        if reply.delay:
            self.stop.wait(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


@pytest.fixture
def stub() -> Iterator[Stub]:
    stop = threading.Event()
    handler = type("Handler", (_Handler,), {"stop": stop})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    state = Stub(f"http://127.0.0.1:{server.server_address[1]}/v1", [])
    handler.stub = state
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_cli(stub: Stub, tmp_path: Path, *extra: str, timeout: str = "5", retries: str = "2",
            key: str | None = "sk-test") -> subprocess.CompletedProcess[str]:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFLICTKIT_LLM_")}
    env.update(CONFLICTKIT_LLM_BASE_URL=stub.url, CONFLICTKIT_LLM_MODEL="stub-model",
               CONFLICTKIT_LLM_TIMEOUT=timeout, CONFLICTKIT_LLM_RETRIES=retries)
    if key:
        env["CONFLICTKIT_LLM_API_KEY"] = key
    return subprocess.run([sys.executable, "-m", "conflictkit.cli", "extract", str(article),
                           "--extractor", "llm", "--format", "json", *extra],
                          capture_output=True, text=True, timeout=120, env=env)


def test_request_shape_and_a_good_answer(stub, tmp_path):
    stub.replies.append(Reply(body=events(GOOD)))
    run = run_cli(stub, tmp_path)
    assert run.returncode == 0, run.stderr
    [record] = json.loads(run.stdout)
    assert (record["event_date"], record["sub_event_type"], record["fatalities"]) == (
        "2023-02-28", "Armed clash", 4)
    assert record["country"] == "Nigeria" and record["location"] == "Dorvik"
    assert record["coder"] == "conflictkit extract (llm)"
    assert "Soldiers and rebels clashed" in record["provenance"]["event_date"]["sentence"]
    [request] = stub.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert request["headers"]["Content-Type"] == "application/json"
    body = request["body"]
    assert body["model"] == "stub-model" and body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    prompt = body["messages"][0]["content"]
    assert "[0] Soldiers and rebels clashed" in prompt and "published 2023-03-02" in prompt


def test_no_key_sends_no_authorization(stub, tmp_path):
    stub.replies.append(Reply(body=events()))
    run = run_cli(stub, tmp_path, key=None)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []
    assert "Authorization" not in stub.requests[0]["headers"]


def test_server_errors_and_timeouts_are_retried(stub, tmp_path):
    stub.replies += [Reply(503, b'{"error": "busy"}'), Reply(body=events(GOOD), delay=3.0),
                     Reply(body=events(GOOD))]
    run = run_cli(stub, tmp_path, timeout="0.5", retries="2")
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)) == 1
    assert len(stub.requests) == 3


def test_retries_are_bounded_and_the_failure_is_named(stub, tmp_path):
    stub.replies += [Reply(500, b"{}"), Reply(502, b"{}"), Reply(200, events(GOOD))]
    run = run_cli(stub, tmp_path, retries="1")
    assert run.returncode == 1
    assert "HTTP 502" in run.stderr and "after 2 attempts" in run.stderr
    assert "Traceback" not in run.stderr and json.loads(run.stdout) == []
    assert len(stub.requests) == 2


def test_client_errors_are_not_retried(stub, tmp_path):
    stub.replies += [Reply(401, b'{"error": "bad key"}'), Reply(body=events(GOOD))]
    run = run_cli(stub, tmp_path)
    assert run.returncode == 1 and "HTTP 401" in run.stderr
    assert len(stub.requests) == 1


@pytest.mark.parametrize("body, message", [
    (b"<html>gateway</html>", "did not answer JSON"),
    (json.dumps({"choices": []}).encode(), "no choices[0].message.content"),
    (completion("Sure! Here are the events: none"), "is not JSON"),
    (completion('{"events": [{"event_date": "2023-02-28", "sub_ev', "length"), "cut off"),
])
def test_malformed_and_partial_answers_fail_clearly(stub, tmp_path, body, message):
    stub.replies += [Reply(body=body), Reply(body=body)]
    run = run_cli(stub, tmp_path, retries="1")
    assert run.returncode == 1, run.stdout
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(stub.requests) == 2


def test_a_fenced_answer_is_read(stub, tmp_path):
    stub.replies.append(Reply(body=completion("```json\n" + json.dumps({"events": [GOOD]})
                                              + "\n```")))
    run = run_cli(stub, tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)) == 1


@pytest.mark.parametrize("change, field_name", [
    ({"sub_event_type": "Bombing"}, "sub_event_type"),
    ({"event_type": "Riots"}, "event_type"),
    ({"event_date": "last Tuesday"}, "event_date"),
    ({"event_date": "2023-03-09"}, "event_date"),  # after publication
    ({"fatalities": -3}, "fatalities"),
    ({"fatalities": "several"}, "fatalities"),
    ({"actor1": ""}, "actor1"),
    ({"country": "Atlantis"}, "country"),
    ({"time_precision": 7}, "time_precision"),
    ({"location": ["Dorvik"]}, "location"),
])
def test_events_failing_the_schema_are_rejected_with_the_field(stub, tmp_path, change,
                                                                field_name):
    bad = {**GOOD, **change}
    stub.replies.append(Reply(body=events(bad, GOOD, "not an event")))
    run = run_cli(stub, tmp_path)
    assert run.returncode == 0, run.stderr
    records = json.loads(run.stdout)
    assert len(records) == 1 and records[0]["sub_event_type"] == "Armed clash"
    assert f"model event 1 rejected: {field_name}:" in run.stderr
    assert "model event 3 rejected: event:" in run.stderr


def test_missing_configuration_is_a_usage_error(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFLICTKIT_LLM_")}
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "extract", str(article),
                          "--extractor", "llm"], capture_output=True, text=True, timeout=120,
                         env=env)
    assert run.returncode == 2 and "CONFLICTKIT_LLM_BASE_URL" in run.stderr
    env.update(CONFLICTKIT_LLM_BASE_URL="http://127.0.0.1:9/v1", CONFLICTKIT_LLM_MODEL="m",
               CONFLICTKIT_LLM_TIMEOUT="soon")
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "extract", str(article),
                          "--extractor", "llm"], capture_output=True, text=True, timeout=120,
                         env=env)
    assert run.returncode == 2 and "CONFLICTKIT_LLM_TIMEOUT" in run.stderr
