import { endpointProblem, grantIsRevoked, mailboxAddressOf, refreshMarginMs } from './oauth-providers';

const idToken = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('OAuth2 provider rules', () => {
  it('reads the mailbox address from the ID token: email, else preferred_username, else upn; lower-cased', () => {
    expect(mailboxAddressOf(idToken({ email: 'Support@Contoso.com', preferred_username: 'x@y.z' }))).toBe('support@contoso.com');
    expect(mailboxAddressOf(idToken({ preferred_username: 'help@contoso.onmicrosoft.com' }))).toBe('help@contoso.onmicrosoft.com');
    expect(mailboxAddressOf(idToken({ upn: 'desk@contoso.com', preferred_username: 'not an address' }))).toBe('desk@contoso.com');
    expect(mailboxAddressOf(idToken({ sub: '123' }))).toBeNull();
    expect(mailboxAddressOf('not-a-jwt')).toBeNull();
    expect(mailboxAddressOf('a.%%%.b')).toBeNull();
    expect(mailboxAddressOf(undefined)).toBeNull();
  });

  it('takes only invalid_grant as a revoked grant (not a network error or an expired client secret)', () => {
    expect(grantIsRevoked({ error: 'invalid_grant' })).toBe(true);
    expect(grantIsRevoked({ cause: { error: 'invalid_grant' } })).toBe(true);
    expect(grantIsRevoked({ error: 'invalid_client' })).toBe(false);
    expect(grantIsRevoked(new Error('ECONNRESET'))).toBe(false);
    expect(grantIsRevoked(null)).toBe(false);
  });

  it('replaces an access token five minutes before it expires, or at half its life when it lives shorter', () => {
    expect(refreshMarginMs(3600_000)).toBe(300_000);
    expect(refreshMarginMs(6_000)).toBe(3_000);
    expect(refreshMarginMs(0)).toBe(1_000);
  });

  it('lets a tenant’s own endpoints be https on public hosts, or http only to allowed hosts', () => {
    const rules = { allowances: [{ host: '127.0.0.1', port: null }] };
    expect(endpointProblem('oauth_token_url', 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token', rules)).toBeNull();
    expect(endpointProblem('oauth_token_url', 'http://127.0.0.1:8080/token', rules)).toBeNull();
    expect(endpointProblem('oauth_token_url', 'http://login.example.com/token', rules)).toMatch(/must be an https URL/);
    expect(endpointProblem('oauth_token_url', 'https://10.0.0.5/token', rules)).toMatch(/private/);
    expect(endpointProblem('oauth_token_url', 'https://169.254.169.254/latest', rules)).toMatch(/link-local/);
    expect(endpointProblem('oauth_token_url', 'https://login.example.com:8443/token', rules)).toMatch(/port 8443/);
    expect(endpointProblem('oauth_token_url', 'https://user:pw@login.example.com/token', rules)).toMatch(/credentials/);
    expect(endpointProblem('oauth_token_url', 'not a url', rules)).toMatch(/must be an https URL/);
  });
});
