// A real OpenID Connect provider (panva's oidc-provider) for the single sign-on
// tests, listening on a loopback port. Started by tests/oidc_provider.py with one
// argument: a JSON file naming the port, the client, the signing keys and the
// accounts. Tokens and sessions live in memory only.
//
// Besides the provider's own endpoints, two for the tests (loopback only):
//   PUT  /test-admin/accounts/<id>  {claims}      add or change an account
//   POST /test-admin/clock          {"offset": s}  move the provider's clock
// Its sign-in page is our own plain form (any password is accepted): the
// library's development pages load web fonts from the internet.
import fs from "node:fs";
import http from "node:http";

import Provider from "oidc-provider";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const accounts = new Map(Object.entries(config.accounts));

// The provider reads the time through Date.now(): an offset lets a test age an
// authorization code without waiting for it.
let clockOffsetMs = 0;
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + clockOffsetMs;

const issuer = `http://127.0.0.1:${config.port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client.id,
      client_secret: config.client.secret,
      redirect_uris: config.client.redirect_uris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: config.keys },
  cookies: { keys: ["test-cookie-key"] },
  scopes: ["openid", "email", "profile", "groups"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name"],
    groups: ["groups"],
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = page("Sign-in error", `<p>${escape(out.error)}: ${escape(out.error_description)}</p>`);
  },
  ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Session: 3600, Grant: 3600, Interaction: 3600 },
  async findAccount(ctx, id) {
    if (!accounts.has(id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts.get(id) }) };
  },
  // A company's own application: every scope is granted without a consent page.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile groups");
    await grant.save();
    return grant;
  },
});
const handle = provider.callback();

function escape(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

async function interaction(request, response) {
  const details = await provider.interactionDetails(request, response);
  if (request.method === "POST") {
    const form = new URLSearchParams(await readBody(request));
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: form.get("login") } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  response.end(
    page(
      "Acme ID",
      `<form method="post" action="/interaction/${escape(details.uid)}">
        <label for="login">Company username</label> <input id="login" name="login" required>
        <label for="password">Password</label> <input id="password" name="password" type="password" required>
        <button type="submit">Continue</button>
      </form>`,
    ),
  );
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}

async function readJson(request) {
  return JSON.parse((await readBody(request)) || "{}");
}

async function admin(request, response) {
  const body = await readJson(request);
  const account = request.url.match(/^\/test-admin\/accounts\/([^/]+)$/);
  if (request.method === "PUT" && account) {
    accounts.set(decodeURIComponent(account[1]), body);
  } else if (request.method === "POST" && request.url === "/test-admin/clock") {
    clockOffsetMs = Number(body.offset || 0) * 1000;
  } else {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(204).end();
}

http
  .createServer((request, response) => {
    if (request.url.startsWith("/test-admin/")) {
      admin(request, response).catch(() => response.writeHead(400).end());
      return;
    }
    if (/^\/interaction\/[^/?]+$/.test(request.url)) {
      interaction(request, response).catch((error) => {
        response.writeHead(400, { "content-type": "text/plain" }).end(String(error));
      });
      return;
    }
    handle(request, response);
  })
  .listen(config.port, "127.0.0.1", () => console.log(`listening ${issuer}`));
