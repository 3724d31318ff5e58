import * as client from 'openid-client';

it('loads openid-client under Jest', () => {
  expect(typeof client.discovery).toBe('function');
  expect(typeof client.buildAuthorizationUrl).toBe('function');
});
