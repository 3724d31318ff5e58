import { exitCodeForStatus, withDeliveredTo } from './mailgate-request';

describe('mailgate', () => {
  it.each([
    [200, 0],
    [202, 0],
    [400, 65],
    [401, 65],
    [413, 65],
    [422, 65],
    [408, 75],
    [429, 75],
    [500, 75],
    [503, 75],
  ])('HTTP %i exits %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it('puts the envelope recipient in front as Delivered-To, keeping the line ending style', () => {
    expect(withDeliveredTo(Buffer.from('Subject: x\r\n\r\nbody'), 'tenant-a@mail.test').toString()).toBe(
      'Delivered-To: tenant-a@mail.test\r\nSubject: x\r\n\r\nbody',
    );
    expect(withDeliveredTo(Buffer.from('Subject: x\n\nbody'), 'a@b.test').toString()).toBe('Delivered-To: a@b.test\nSubject: x\n\nbody');
  });

  it('cannot be used to inject a header', () => {
    const out = withDeliveredTo(Buffer.from('Subject: x\n\nbody'), 'a@b.test\nBcc: evil@x.test').toString();
    expect(out.split('\n')[0]).toBe('Delivered-To: a@b.testBcc: evil@x.test');
  });

  it('leaves the message alone without a recipient', () => {
    expect(withDeliveredTo(Buffer.from('Subject: x\n\nbody'), null).toString()).toBe('Subject: x\n\nbody');
  });
});
