import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isPrivateAddress } from '#shared/domain/private-address.ts';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.0.1',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::169.254.169.254',
    '64:ff9b::a00:1',
    'ff02::1',
  ])('blocks %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    ['6to4 of the metadata address', '2002:a9fe:a9fe::1'],
    ['6to4 of loopback', '2002:7f00:1::'],
    ['6to4 of RFC 1918', '2002:a00:1:1::1'],
    ['site-local (deprecated)', 'fec0::1'],
    ['site-local, top of the range', 'feff:ffff::1'],
    ['NAT64 local-use prefix', '64:ff9b:1::a9fe:a9fe'],
    ['NAT64 local-use prefix, public IPv4', '64:ff9b:1::808:808'],
    ['NAT64 of loopback, dotted', '64:ff9b::127.0.0.1'],
    ['NAT64 of "this network"', '64:ff9b::1'],
    ['IPv4-compatible metadata address', '::a9fe:a9fe'],
    ['IPv4-compatible, dotted', '::169.254.169.254'],
    ['IPv4-mapped metadata address, dotted', '::ffff:169.254.169.254'],
    ['IPv4-mapped CGNAT', '::ffff:100.64.0.1'],
    ['IPv4-translated metadata address', '::ffff:0:a9fe:a9fe'],
    ['Teredo with the metadata address as client', '2001:0:4136:e378:8000:63bf:5601:5601'],
    ['Teredo with a private server', '2001:0:a00:1::f7f7:f7f7'],
    ['ULA, bottom of fc00::/7', 'fc00::'],
    ['ULA, top of fc00::/7', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['the discard-only prefix', '100::1'],
    ['IPv6 documentation', '2001:db8::1'],
    ['"this network", top', '0.255.255.255'],
    ['CGNAT, top', '100.127.255.255'],
    ['IETF protocol assignments', '192.0.0.8'],
    ['IPv4 documentation', '198.51.100.7'],
    ['upper-case hex', 'FE80::1'],
  ])('blocks %s (%s)', (_, address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '169.253.255.255',
    '2001:4860:4860::8888',
    '2606:2800:220:1:248:1893:25c8:1946',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
    '2a05:d014::1',
  ])('lets public %s through', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it.each(['example.com', '', 'not-an-ip'])('blocks %j, which is not an IP address at all', (value) => {
    expect(isPrivateAddress(value)).toBe(true);
  });
});

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1'])(
    '%s is loopback',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(true);
    },
  );

  it.each([
    '169.254.169.254',
    '10.0.0.1',
    '0.0.0.0',
    '::',
    '::ffff:127.0.0.1',
    '64:ff9b::127.0.0.1',
    '2002:7f00:1::',
    'localhost',
    '8.8.8.8',
  ])('%s is not loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
