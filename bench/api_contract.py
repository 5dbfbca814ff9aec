"""The API against its own OpenAPI schema: schemathesis on a live server (CI runs it).

    .venv/bin/python -m bench.api_contract [--max-examples 30] [--seed 20261202]

A fresh SQLite database in a temporary directory, migrated and seeded with
`seed_demo`; a personal API token for the demo manager; the schema as served at
/api/openapi.json (read signed in, as it stays behind sign-in like every page);
gunicorn on a free loopback port, configured as in production (DEBUG off, a random
secret key, static files collected; only the SSL redirect is off, over loopback).
Then

    schemathesis run <schema> --url <server> --checks all
        --header "Authorization: Bearer <token>" --max-examples N --seed S

Bounded examples and a fixed seed make a run repeatable. Exits with schemathesis's
status: 0 when every check passed. The database is made in a temporary directory
and removed afterwards; static files are collected into staticfiles/, as for
`make bench`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
USERNAME = "manager"  # a seed_demo account: it reads every document

# Run by `manage.py shell`: a token for the demo user on stdout, the schema as
# served in the file named by the environment.
_PREPARE = f"""
import os
from django.test import Client
from docs_registry.models import User
from docs_registry.services import api_token_create

user = User.objects.get(username={USERNAME!r})
client = Client()
client.force_login(user)
response = client.get("/api/openapi.json")
assert response.status_code == 200, response.status_code
with open(os.environ["API_CONTRACT_SCHEMA"], "wb") as schema:
    schema.write(response.content)
print(api_token_create(user=user, name="api contract")[1])
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261202)
    return parser.parse_args(argv)


def manage(*args: str, env: dict[str, str]) -> str:
    """Run a management command; its output, or its errors and exit on failure."""
    # Our own interpreter and fixed arguments, no shell.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def schemathesis_command(schema: Path, base_url: str, token: str, args) -> list[str]:
    return [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(schema),
        f"--url={base_url}",
        "--checks=all",
        f"--header=Authorization: Bearer {token}",
        f"--max-examples={args.max_examples}",
        f"--seed={args.seed}",
        # Nothing remembered between runs: each starts from the seed alone.
        "--generation-database=none",
        "--no-color",
    ]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="api-contract-") as directory:
        workdir = Path(directory)
        schema = workdir / "openapi.json"
        env = dict(os.environ) | {
            "DATABASE_URL": f"sqlite:///{workdir / 'api.sqlite3'}",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "ERROR",
            "API_CONTRACT_SCHEMA": str(schema),
        }
        print("api contract: migrating and seeding a fresh database", flush=True)
        manage("migrate", "--noinput", env=env)
        # Production's pages (a 404 among them) name hashed static files.
        manage("collectstatic", "--noinput", env=env)
        # seed_demo runs only with DEBUG on (its accounts share a weak password);
        # the server below runs with it off.
        manage("seed_demo", env=env | {"DJANGO_DEBUG": "1"})
        token = manage("shell", "-c", _PREPARE, env=env).strip().splitlines()[-1]
        port = server.free_port()
        base_url = f"http://{server.HOST}:{port}"
        with server.serving(
            cwd=PROJECT_ROOT,
            env=env,
            port=port,
            workers=2,
            threads=1,
            ready_url=f"{base_url}/api/docs/",
            ready_headers={"Authorization": f"Bearer {token}"},
        ):
            command = schemathesis_command(schema, base_url, token, args)
            print(f"api contract: schemathesis against {base_url}", flush=True)
            # The schemathesis of our own environment, fixed arguments, no shell.
            return subprocess.run(command, cwd=workdir, env=env).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
