"""Live chat latency: a line from a visitor's widget to the agent's chats page, under load.

    .venv/bin/python bench/chat_latency.py [--visitors 200] [--agents 10] [--seconds 60]
        [--runs 3] [--workers 1] [--redis redis://127.0.0.1:6379/0]
        [--database-url postgres://...] [--json PATH]

Per run: a fresh SQLite database (or the given one, flushed), `answerdesk serve` (uvicorn)
in a subprocess with the flood limits raised for one client address, and, in this process,
--agents desk sockets (logged-in sessions) and --visitors widget sockets made with the
`websockets` package, as a browser's would be (Origin, permessage-deflate). Each visitor
starts a chat; each chat is taken by one agent (round robin). Then every visitor sends a
line every 0.8-1.2 s for --seconds, preceded by a typing frame as the widget sends; agents
answer one line in five. Latency is send -> the agent's socket receiving that line (both
clocks are this process's): the server stores the line (with its asks read) before relaying
it. Prints p50/p95/p99/max per run and the median of each over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "answerdesk"
GOAL_P99_MS = 100.0
LINES = [
    "Bonjour, ma commande {n} n'est pas arrivée, pouvez-vous vérifier ?",
    "Hello, do you have the Orsay pendant in brass?",
    "Est-ce que la livraison en Belgique est possible ?",
    "Thanks, and how long does delivery to Lyon take?",
    "D'accord, merci.",
    "Can I pay in three instalments?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


# --- setup: database, agents and their sessions -------------------------------------------------


def prepare(env: dict[str, str], agents: int) -> list[str]:
    """Migrate, make the agents, and log each in: their session cookies."""
    subprocess.run([str(SCRIPT), "migrate", "-v0"], env=env, check=True)
    if env.get("DATABASE_URL", "").startswith("postgres"):
        subprocess.run([str(SCRIPT), "flush", "--no-input", "-v0"], env=env, check=True)
        subprocess.run([str(SCRIPT), "migrate", "-v0"], env=env, check=True)
    code = f"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
group, _ = Group.objects.get_or_create(name="agent")
keys = []
for n in range({agents}):
    user = get_user_model().objects.create_user(f"agent{{n:02d}}", first_name=f"Agent {{n}}")
    user.groups.add(group)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
print(json.dumps(keys))
"""
    done = subprocess.run(
        [str(SCRIPT), "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    keys: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return keys


def cpu_seconds(pid: int) -> float:
    """User and system time of a process and its children that were waited for, plus its
    live children (uvicorn's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:
            continue
        total += sum(int(x) for x in fields[11:15]) / ticks  # utime stime cutime cstime
    return total


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[str]:
    # The log to a file: a pipe nobody reads would block the server once full.
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(SCRIPT), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")  # noqa: B904
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen[str]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --- the load --------------------------------------------------------------------------------


@dataclass
class Run:
    sent: dict[str, float] = field(default_factory=dict)  # ref -> send time
    latencies: list[float] = field(default_factory=list)  # visitor -> agent, seconds
    replies_sent: dict[str, float] = field(default_factory=dict)
    reply_latencies: list[float] = field(default_factory=list)  # agent -> visitor
    errors: list[dict[str, Any]] = field(default_factory=list)
    chats: dict[int, int] = field(default_factory=dict)  # chat -> agent index
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (sent, latency)
    server_cpu: float = 0.0  # seconds, while the visitors sent
    client_cpu: float = 0.0
    load: float = 0.0  # the machine's 1-minute load average, start and end


async def agent_loop(index: int, sock: ClientConnection, run: Run, agents: int) -> None:
    seen = 0
    async for raw in sock:
        now = time.perf_counter()
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "listed":
            chat = frame["chat"]
            mine = chat["status"] == "waiting" and chat["chat"] % agents == index
            if mine and chat["chat"] not in run.chats:
                run.chats[chat["chat"]] = index
                # As an agent does when a chat comes in: take it (the ticket becomes
                # theirs, the other agents' lists drop it), then talk.
                await sock.send(json.dumps({"type": "take", "chat": chat["chat"]}))
        elif kind == "line" and frame["line"]["from"] == "visitor":
            ref = frame["line"]["ref"]
            started = run.sent.pop(ref, None)
            if started is not None:
                run.latencies.append(now - started)
                run.timeline.append((started, now - started))
                seen += 1
                if seen % 5 == 0:  # one line in five gets an answer
                    reply = f"a{index}-{seen}"
                    run.replies_sent[reply] = time.perf_counter()
                    await sock.send(
                        json.dumps(
                            {
                                "type": "message",
                                "chat": frame["line"]["chat"],
                                "text": "Je regarde cela tout de suite.",
                                "ref": reply,
                            }
                        )
                    )
        elif kind == "error":
            run.errors.append(frame)


async def visitor_loop(
    index: int, sock: ClientConnection, run: Run, seconds: float, ready: asyncio.Event
) -> None:
    rng = random.Random(index)

    async def listen() -> None:
        async for raw in sock:
            now = time.perf_counter()
            frame = json.loads(raw)
            if frame.get("type") == "line" and frame["line"]["from"] == "agent":
                started = run.replies_sent.pop(frame["line"]["ref"], None)
                if started is not None:
                    run.reply_latencies.append(now - started)
            elif frame.get("type") == "error":
                run.errors.append(frame)

    listener = asyncio.create_task(listen())
    await ready.wait()
    await asyncio.sleep(rng.uniform(0, 1))  # spread the visitors over the second
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
        ref = f"v{index}-{n}"
        text = rng.choice(LINES).format(n=4000 + index)
        await sock.send(json.dumps({"type": "typing", "on": True}))
        run.sent[ref] = time.perf_counter()
        await sock.send(json.dumps({"type": "message", "text": text, "ref": ref}))
        await asyncio.sleep(rng.uniform(0.8, 1.2))
    await asyncio.sleep(3)  # the last lines' way back
    listener.cancel()


async def load(
    port: int, cookies: list[str], visitors: int, seconds: float, server_pid: int
) -> Run:
    run = Run()
    url = f"ws://127.0.0.1:{port}"
    origin = Origin(f"http://127.0.0.1:{port}")
    agent_socks = [
        await connect(
            f"{url}/ws/chat/agent/",
            origin=origin,
            additional_headers={"Cookie": f"sessionid={key}"},
            proxy=None,
        )
        for key in cookies
    ]
    for sock in agent_socks:
        json.loads(await sock.recv())  # the list of chats
    agent_tasks = [
        asyncio.create_task(agent_loop(i, s, run, len(agent_socks)))
        for i, s in enumerate(agent_socks)
    ]
    visitor_socks = []
    for i in range(visitors):
        sock = await connect(f"{url}/ws/chat/visitor/", origin=origin, proxy=None, max_size=2**20)
        await sock.send(json.dumps({"type": "hello", "language": "fr"}))
        welcome = json.loads(await sock.recv())
        if welcome["type"] != "welcome" or not welcome["agents_online"]:
            raise RuntimeError(f"the widget was not told an agent is online: {welcome}")
        await sock.send(
            json.dumps(
                {
                    "type": "start",
                    "name": f"Visiteur {i}",
                    "email": f"visiteur{i}@example.fr",
                    "text": "Bonjour, j'ai une question sur ma commande.",
                }
            )
        )
        while json.loads(await sock.recv())["type"] != "line":  # started, then its line
            pass
        visitor_socks.append(sock)
    deadline = time.monotonic() + 30
    while len(run.chats) < visitors and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)  # the agents' "take" frames are in
    ready = asyncio.Event()
    visitor_tasks = [
        asyncio.create_task(visitor_loop(i, s, run, seconds, ready))
        for i, s in enumerate(visitor_socks)
    ]
    ready.set()
    started = (cpu_seconds(server_pid), time.process_time(), os.getloadavg()[0])
    await asyncio.gather(*visitor_tasks)
    run.server_cpu = cpu_seconds(server_pid) - started[0]
    run.client_cpu = time.process_time() - started[1]
    run.load = (started[2] + os.getloadavg()[0]) / 2
    for task in agent_tasks:
        task.cancel()
    for sock in [*visitor_socks, *agent_socks]:
        await sock.close()
    return run


def one_run(args: argparse.Namespace, number: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="answerdesk-chat-"))
    port = free_port()
    env = {
        **os.environ,
        "ANSWERDESK_DATA_DIR": str(work),
        "ANSWERDESK_LOG_LEVEL": "ERROR",
        # One client address holds every socket here: the limits are for real visitors.
        "ANSWERDESK_CHAT_IP_CONNECTIONS": "100000",
        "ANSWERDESK_CHAT_IP_CHATS_PER_HOUR": "100000",
        "ANSWERDESK_CHAT_IP_LINES_PER_MINUTE": "1000000",
        "ANSWERDESK_CHAT_LINES_PER_MINUTE": "600",
    }
    env.pop("DATABASE_URL", None)
    env.pop("ANSWERDESK_REDIS_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.redis:
        env["ANSWERDESK_REDIS_URL"] = args.redis
    cookies = prepare(env, args.agents)
    server = start_server(env, port, args.workers, work / "server.log")
    try:
        run = asyncio.run(load(port, cookies, args.visitors, args.seconds, server.pid))
    finally:
        stop_server(server)
        log = (work / "server.log").read_text(errors="replace")
        shutil.rmtree(work, ignore_errors=True)
    failures = [line for line in log.splitlines() if "Error" in line or "Exception" in line]
    if failures:
        print(f"  server log: {len(failures)} error lines, the last: {failures[-1][:300]}")
    ms = [x * 1000 for x in run.latencies]
    back = [x * 1000 for x in run.reply_latencies]
    result = {
        "run": number,
        "lines": len(ms),
        "lost": len(run.sent),
        "errors": len(run.errors),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms, default=float("nan")),
        "rate": len(ms) / args.seconds,
        "replies": len(back),
        "reply_p50": percentile(back, 50),
        "reply_p99": percentile(back, 99),
        # CPU per line (both directions), which other work on the machine does not change
        # as it changes latency; and how busy the machine was.
        "server_cpu_ms_per_line": 1000 * run.server_cpu / max(1, len(ms) + len(back)),
        "server_cores": run.server_cpu / (args.seconds + 3),
        "client_cores": run.client_cpu / (args.seconds + 3),
        "load": run.load,
    }
    print(
        f"run {number}: {result['lines']} lines ({result['rate']:.0f}/s), lost {result['lost']}, "
        f"errors {result['errors']}; visitor->agent p50 {result['p50']:.1f} ms, "
        f"p95 {result['p95']:.1f}, p99 {result['p99']:.1f}, max {result['max']:.1f}; "
        f"agent->visitor ({result['replies']}) p50 {result['reply_p50']:.1f}, "
        f"p99 {result['reply_p99']:.1f}; server {result['server_cores']:.2f} cores "
        f"({result['server_cpu_ms_per_line']:.2f} ms CPU a line), client "
        f"{result['client_cores']:.2f} cores, load average {result['load']:.1f}",
        flush=True,
    )
    if run.errors:
        print(f"  first error: {run.errors[0]}", flush=True)
    # Where the tail comes from: the seconds with the slowest lines.
    start = min((t for t, _ in run.timeline), default=0.0)
    worst: dict[int, float] = {}
    for sent, latency in run.timeline:
        second = int(sent - start)
        worst[second] = max(worst.get(second, 0.0), latency * 1000)
    slowest = sorted(worst.items(), key=lambda kv: -kv[1])[:6]
    print("  slowest seconds: " + ", ".join(f"{s}s {ms:.0f} ms" for s, ms in sorted(slowest)))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", default="", help="the channel layer (needed for --workers > 1)")
    parser.add_argument("--database-url", default="", help="PostgreSQL; SQLite when empty")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.workers > 1 and not args.redis:
        parser.error("--workers > 1 needs --redis: the in-memory layer is one process's")
    results = [one_run(args, n + 1) for n in range(args.runs)]
    summary = {
        key: statistics.median(r[key] for r in results)
        for key in (
            "p50",
            "p95",
            "p99",
            "max",
            "rate",
            "reply_p50",
            "reply_p99",
            "server_cpu_ms_per_line",
            "server_cores",
            "client_cores",
            "load",
        )
    }
    summary["lost"] = sum(r["lost"] for r in results)
    summary["errors"] = sum(r["errors"] for r in results)
    met = "met" if summary["p99"] <= GOAL_P99_MS else "MISSED"
    print(
        f"median of {args.runs}: visitor->agent p50 {summary['p50']:.1f} ms, "
        f"p95 {summary['p95']:.1f} ms, p99 {summary['p99']:.1f} ms (goal <= {GOAL_P99_MS:.0f}: "
        f"{met}); {summary['rate']:.0f} lines/s; lost {summary['lost']}, errors "
        f"{summary['errors']}"
    )
    if args.json:
        args.json.write_text(json.dumps({"runs": results, "median": summary}, indent=2) + "\n")


if __name__ == "__main__":
    main()
