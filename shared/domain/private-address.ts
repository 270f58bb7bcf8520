import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * IPv4 ranges a callback must never reach from inside the cloud account: "this network", private,
 * CGNAT, loopback, link-local (the metadata address 169.254.169.254), protocol assignments,
 * documentation, the 6to4 relay, benchmarking, multicast and reserved ones.
 */
const BLOCKED_IPV4: ReadonlyArray<readonly [address: string, prefix: number]> = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/**
 * IPv6 ranges inside global unicast (2000::/3) that are not reachable public hosts. Everything outside
 * 2000::/3 (loopback, unspecified, IPv4-compatible, 64:ff9b:1::/48, ULA fc00::/7 with the metadata
 * address fd00:ec2::254, site-local fec0::/10, link-local, multicast) is refused before this list.
 */
const BLOCKED_IPV6: ReadonlyArray<readonly [address: string, prefix: number]> = [
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
];

const ipv4BlockList = new BlockList();
for (const [address, prefix] of BLOCKED_IPV4) ipv4BlockList.addSubnet(address, prefix, 'ipv4');
const ipv6BlockList = new BlockList();
for (const [address, prefix] of BLOCKED_IPV6) ipv6BlockList.addSubnet(address, prefix, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted-quad tail converted). */
const ipv6Groups = (address: string): number[] => {
  let text = address.toLowerCase();
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
};

/** The IPv4 address held in two 16-bit groups. */
const ipv4Of = (high: number, low: number): string =>
  [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');

/**
 * The IPv4 addresses an IPv6 address stands for, where it carries any: IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::` and Teredo
 * `2001:0:SSSS:SSSS:…:~CCCC:~CCCC` (the server in bits 32–63, the client in the last 32 bits inverted).
 */
const embeddedIpv4 = (groups: readonly number[]): string[] => {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zerosUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zerosUpTo(5) && g5 === 0xffff) return [ipv4Of(g6, g7)];
  if (zerosUpTo(4) && g4 === 0xffff && g5 === 0) return [ipv4Of(g6, g7)];
  if (g0 === 0x64 && g1 === 0xff9b && [g2, g3, g4, g5].every((group) => group === 0)) return [ipv4Of(g6, g7)];
  if (g0 === 0x2002) return [ipv4Of(g1, g2)];
  if (g0 === 0x2001 && g1 === 0) return [ipv4Of(g2, g3), ipv4Of(g6 ^ 0xffff, g7 ^ 0xffff)];
  return [];
};

const isBlockedIpv6 = (address: string): boolean => {
  const groups = ipv6Groups(address);
  const embedded = embeddedIpv4(groups);
  // The mapped, translated and NAT64 forms lie outside 2000::/3: they are as public as what they carry.
  if (embedded.some((ipv4) => ipv4BlockList.check(ipv4, 'ipv4'))) return true;
  if (embedded.length > 0 && (groups[0] ?? 0) < 0x2000) return false;
  const globalUnicast = ((groups[0] ?? 0) & 0xe000) === 0x2000;
  return !globalUnicast || ipv6BlockList.check(address, 'ipv6');
};

/**
 * True for an address a callback must not reach, and for anything that is not an IP address. IPv6
 * forms that carry an IPv4 address are judged by that address too (`2002:a9fe:a9fe::1` is the
 * metadata address through 6to4).
 */
export const isPrivateAddress = (address: string): boolean => {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return ipv4BlockList.check(bare, 'ipv4');
  if (!isIPv6(bare)) return true;
  return isBlockedIpv6(bare);
};

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** 127.0.0.0/8 and ::1: the only addresses local mode lets a callback reach. */
export const isLoopbackAddress = (address: string): boolean => {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return loopback.check(bare, 'ipv4');
  return isIPv6(bare) && ipv6Groups(bare).every((group, index) => group === (index === 7 ? 1 : 0));
};
