"""A real OpenID Connect provider for the single sign-on tests: panva's
oidc-provider (tests/oidc/provider.mjs, pinned in tests/oidc/package-lock.json)
on a free loopback port, started and stopped by the tests.

Its packages are installed with `npm ci` the first time. Without Node.js or npm
the tests are skipped with the reason, except in CI (CI set), where they fail.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from .redis_server import free_port

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "samepage"
CLIENT_SECRET = "samepage-test-secret"


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message} (required in CI).", pytrace=False)
    pytest.skip(message)


def require_node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable(
            "Node.js and npm are not installed: the single sign-on tests run a real "
            "OpenID provider (oidc-provider) on them"
        )
    # One installer at a time: test processes running side by side (pytest -n)
    # would otherwise each empty node_modules under the other.
    with open(HERE / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            installed = subprocess.run(  # noqa: S603 -- our own arguments
                [npm, "ci", "--no-audit", "--no-fund", "--silent"],
                cwd=HERE,
                capture_output=True,
                text=True,
                check=False,
            )
            if installed.returncode != 0:
                stderr = installed.stderr[-500:]
                _unavailable(f"npm ci in {HERE.name}/ failed: {stderr}")
    return node


def signing_keys(kid: str) -> list[dict]:
    """A fresh RSA signing key as a private JWK set, for one provider (or, to
    test the issuer check alone, for two that share it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key, as_dict=True)
    return [jwk | {"kid": kid, "alg": "RS256", "use": "sig"}]


class OpenIDProvider:
    def __init__(
        self,
        *,
        redirect_uris: list[str],
        accounts: dict[str, dict] | None = None,
        keys: list[dict] | None = None,
    ):
        self.node = require_node()
        self.port = free_port()
        self.redirect_uris = redirect_uris
        self.accounts = accounts or {}
        self.keys = keys or signing_keys(f"key-{self.port}")
        self.process: subprocess.Popen | None = None
        self._config: Path | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self) -> None:
        handle, name = tempfile.mkstemp(suffix=".json")
        self._config = Path(name)
        with os.fdopen(handle, "w") as config:
            json.dump(
                {
                    "port": self.port,
                    "client": {
                        "id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "redirect_uris": self.redirect_uris,
                    },
                    "keys": self.keys,
                    "accounts": self.accounts,
                },
                config,
            )
        self.process = subprocess.Popen(  # noqa: S603 -- our own arguments
            [self.node, str(HERE / "provider.mjs"), name],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=os.environ | {"NODE_ENV": "test"},
        )
        # It warns about development settings (and Node.js 20) before it listens.
        said = []
        for line in self.process.stdout:
            if line.startswith("listening"):
                break
            said.append(line)
        else:
            self.stop()
            raise RuntimeError("oidc-provider did not start:\n" + "".join(said))
        self.process.stdout.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        if self._config is not None:
            self._config.unlink(missing_ok=True)
            self._config = None

    def set_account(self, account_id: str, **claims) -> None:
        """Add the account, or replace its claims (groups, name, email...)."""
        response = requests.put(
            f"{self.issuer}/test-admin/accounts/{account_id}", json=claims, timeout=5
        )
        response.raise_for_status()

    def move_clock(self, seconds: int) -> None:
        """Run the provider's clock this far ahead of the real one (0: back)."""
        response = requests.post(
            f"{self.issuer}/test-admin/clock", json={"offset": seconds}, timeout=5
        )
        response.raise_for_status()
