// A real OAuth2 server (the oidc-provider package) on loopback standing in for Microsoft 365 and
// Google in the mailbox-connection tests, in its own Node process (an ES module, which Jest's
// loader cannot run). Its development login page accepts any login name, which becomes the
// account's subject and e-mail address; Dovecot's oauth2 passdb checks the access tokens at its
// introspection endpoint.
//
//   node test/support/oauth-mail-provider-server.mjs <port> <client_id> <client_secret> <redirect_uri> <access_token_ttl_s>
// prints "ready <issuer>" once listening. Test controls (no authentication, loopback only):
//   POST /__test/revoke-all      destroys every grant, code, access and refresh token issued so far
//   GET  /__test/token-requests  token-endpoint calls by grant type ("<grant> <error>" for failures)
//   POST /__test/access-token-ttl?seconds=N  lifetime of the access tokens issued from now on
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri, ttl] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
let accessTokenTTL = Number(ttl);
const MAIL_SCOPES = 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send https://mail.google.com/';
// The mailbox scopes belong to a resource server (oidc-provider keeps only OpenID scopes in
// tokens meant for its own userinfo endpoint): every token request without a `resource` gets it.
const MAIL_RESOURCE = 'urn:inbound-test:mail';

// In-memory storage whose token kinds revokeAll() can empty at once (the package's own memory
// adapter is a module-private LRU).
const stores = new Map();
const storeOf = (name) => stores.get(name) ?? stores.set(name, new Map()).get(name);
const REVOCABLE = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'Grant'];
class TestAdapter {
  constructor(name) {
    this.store = storeOf(name);
  }
  async upsert(id, payload, expiresIn) {
    this.store.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
  }
  async find(id) {
    const entry = this.store.get(id);
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  }
  async findByUid(uid) {
    for (const [id, entry] of this.store) if (entry.payload.uid === uid) return this.find(id);
    return undefined;
  }
  async findByUserCode(userCode) {
    for (const [id, entry] of this.store) if (entry.payload.userCode === userCode) return this.find(id);
    return undefined;
  }
  async consume(id) {
    const entry = this.store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    this.store.delete(id);
  }
  async revokeByGrantId(grantId) {
    for (const store of stores.values()) {
      for (const [id, entry] of store) if (entry.payload.grantId === grantId) store.delete(id);
    }
  }
}

const provider = new Provider(issuer, {
  adapter: TestAdapter,
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
      // Both ways the product's OAuth client may authenticate (Microsoft and Google take both).
      token_endpoint_auth_method: 'client_secret_basic',
    },
    // The resource server: Dovecot's oauth2 passdb introspects tokens with these credentials.
    { client_id: 'dovecot', client_secret: `${clientSecret}-dovecot`, redirect_uris: [], response_types: [], grant_types: [] },
  ],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  // The product reads the mailbox address from the ID token, as Microsoft and Google put it there.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, email_verified: true, preferred_username: id, name: `Mailbox ${id.split('@')[0]}` }),
  }),
  // Google issues a refresh token without offline_access (access_type=offline), Microsoft with it.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  expiresWithSession: async () => false,
  pkce: { required: () => true },
  ttl: { AccessToken: () => accessTokenTTL },
  cookies: { keys: ['oauth-mail-test-cookie-key'] },
  features: {
    devInteractions: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => MAIL_RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({ scope: MAIL_SCOPES, accessTokenFormat: 'opaque', accessTokenTTL }),
    },
  },
});

const tokenRequests = {};
const count = (key) => (tokenRequests[key] = (tokenRequests[key] ?? 0) + 1);
provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/revoke-all' && ctx.method === 'POST') {
    for (const name of REVOCABLE) storeOf(name).clear();
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/__test/access-token-ttl' && ctx.method === 'POST') {
    const seconds = Number(ctx.query.seconds);
    if (!Number.isInteger(seconds) || seconds < 1) ctx.throw(400, 'seconds must be a positive integer');
    accessTokenTTL = seconds;
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/__test/token-requests' && ctx.method === 'GET') {
    ctx.body = tokenRequests;
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.method === 'POST') {
    const grant = ctx.oidc?.params?.grant_type ?? 'unknown';
    count(grant);
    if (ctx.status >= 400) count(`${grant} ${ctx.body?.error ?? ctx.status}`);
  }
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
