import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Addresses a callback must never reach from inside the cloud account: private, loopback,
 * link-local (incl. the metadata address 169.254.169.254), unique-local (incl. fd00:ec2::254),
 * CGNAT, "this network", multicast and reserved ranges. Node's BlockList also matches IPv4-mapped
 * IPv6 addresses (`::ffff:127.0.0.1`) against the IPv4 rules.
 */
const BLOCKED_SUBNETS: ReadonlyArray<readonly [address: string, prefix: number, family: 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // CGNAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 96, 'ipv6'], // unspecified, loopback, IPv4-compatible
  ['fc00::', 7, 'ipv6'], // unique-local, incl. the metadata address fd00:ec2::254
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const blockList = new BlockList();
for (const [address, prefix, family] of BLOCKED_SUBNETS) blockList.addSubnet(address, prefix, family);

/** NAT64 (`64:ff9b::a9fe:a9fe`) carries an IPv4 address in its last 32 bits; check that one too. */
const nat64Embedded = (address: string): string | undefined => {
  const dotted = /^64:ff9b::(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (dotted?.[1]) return dotted[1];
  const match = /^64:ff9b::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!match?.[1] || !match[2]) return undefined;
  const high = Number.parseInt(match[1], 16);
  const low = Number.parseInt(match[2], 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
};

/** True for an address a callback must not reach, and for anything that is not an IP address. */
export const isPrivateAddress = (address: string): boolean => {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return blockList.check(bare, 'ipv4');
  if (!isIPv6(bare)) return true;
  const embedded = nat64Embedded(bare);
  return blockList.check(bare, 'ipv6') || (embedded !== undefined && blockList.check(embedded, 'ipv4'));
};
