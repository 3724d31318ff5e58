// A real OpenID provider (the oidc-provider package) on loopback for the SSO tests, in its own
// Node process: it is an ES module, which Jest's loader cannot run. Its development login page
// accepts any login name, which becomes the account's subject and e-mail address.
//
//   node test/support/oidc-provider-server.mjs <port> <client_id> <client_secret> <redirect_uri>
// prints "ready <issuer>" once listening.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, email_verified: !id.startsWith('unverified'), name: `SSO ${id.split('@')[0]}` }),
  }),
  cookies: { keys: ['oidc-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
