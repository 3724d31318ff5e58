import { compareDeliveryOrder, declaredSize, isMessageFileName, maildirFolders, seenName } from './maildir-names';

describe('isMessageFileName', () => {
  it.each([
    ['1700000000.M123P456.mx,S=1234,W=1260', true],
    ['message.eml', true],
    ['.1700000000.tmp', false],
    ['.rsync-partial', false],
    ['', false],
  ])('%j -> %s', (name, expected) => expect(isMessageFileName(name)).toBe(expected));
});

describe('declaredSize', () => {
  it.each([
    ['1700000000.M123P456.mx,S=1234,W=1260', 1234],
    ['1700000000.M123P456.mx,S=1234', 1234],
    ['1700000000.M123P456.mx,S=1234:2,S', 1234],
    ['1700000000.M123P456.mx,W=1260', null],
    ['1700000000.M123P456.mx', null],
    ['message.eml', null],
  ])('%j -> %j', (name, expected) => expect(declaredSize(name)).toBe(expected));
});

describe('seenName', () => {
  it.each([
    ['1700000000.M1P2.mx,S=12,W=14', '1700000000.M1P2.mx,S=12,W=14:2,S'],
    ['message.eml', 'message.eml:2,S'],
    ['1700000000.M1P2.mx:2,', '1700000000.M1P2.mx:2,S'],
    ['1700000000.M1P2.mx:2,FT', '1700000000.M1P2.mx:2,FST'],
    ['1700000000.M1P2.mx:2,S', '1700000000.M1P2.mx:2,S'],
  ])('%j -> %j', (name, expected) => expect(seenName(name)).toBe(expected));
});

describe('maildirFolders', () => {
  it('takes the Maildir root', () => {
    expect(maildirFolders('/var/mail/inbound/Maildir')).toEqual({
      root: '/var/mail/inbound/Maildir',
      newDir: '/var/mail/inbound/Maildir/new',
      curDir: '/var/mail/inbound/Maildir/cur',
      failedDir: '/var/mail/inbound/Maildir/failed',
    });
  });

  it('also accepts the path of new/ itself', () => {
    expect(maildirFolders('/var/mail/inbound/Maildir/new').root).toBe('/var/mail/inbound/Maildir');
  });
});

describe('compareDeliveryOrder', () => {
  it('orders by the delivery time in the name, microseconds numerically', () => {
    const names = [
      '1700000001.M5P9.mx,S=10',
      '1700000000.M100P9.mx,S=10',
      'message.eml',
      '1700000000.M99P9.mx,S=10',
      '1700000000.P9Q2.mx',
      '999999999.M1P1.mx',
    ];
    expect([...names].sort(compareDeliveryOrder)).toEqual([
      '999999999.M1P1.mx',
      '1700000000.P9Q2.mx',
      '1700000000.M99P9.mx,S=10',
      '1700000000.M100P9.mx,S=10',
      '1700000001.M5P9.mx,S=10',
      'message.eml',
    ]);
  });
});
