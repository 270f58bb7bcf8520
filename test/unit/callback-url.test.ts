import { describe, expect, it } from 'vitest';
import { type CallbackUrlRules, checkCallbackUrl } from '#shared/domain/callback-url.ts';

const cloud: CallbackUrlRules = {
  localMode: false,
  allowedHosts: [
    'hooks.example.com',
    '*.ops.example.net',
    '93.184.216.34',
    'alt.example.com:8443',
    '10.0.0.5',
    '[fd00:ec2::254]',
  ],
};
const local: CallbackUrlRules = { ...cloud, localMode: true };

const reasonOf = (url: string, rules: CallbackUrlRules): string | undefined => {
  const verdict = checkCallbackUrl(url, rules);
  return verdict.ok ? undefined : verdict.reason;
};

describe('checkCallbackUrl', () => {
  describe('outside local mode', () => {
    it.each([
      'https://hooks.example.com/replica-ready',
      'https://hooks.example.com:443/replica-ready?team=db',
      'https://HOOKS.Example.com/x',
      'https://alt.example.com:8443/x',
      'https://a.ops.example.net/x',
      'https://deep.a.ops.example.net/x',
      'https://93.184.216.34/x',
    ])('accepts %s', (url) => {
      expect(checkCallbackUrl(url, cloud)).toEqual({ ok: true });
    });

    it('refuses plain http, naming the https rule', () => {
      expect(reasonOf('http://hooks.example.com/x', cloud)).toBe('callback URL must use https');
    });

    it.each(['http://127.0.0.1:4000/x', 'http://localhost/x', 'http://[::1]/x', 'https://127.0.0.1/x'])(
      'refuses loopback %s',
      (url) => {
        expect(reasonOf(url, cloud)).toMatch(/must use https|not on the allowed hosts list/);
      },
    );

    it.each([
      ['a host off the list', 'https://evil.example.org/x'],
      ['a lookalike suffix', 'https://hooks.example.com.evil.org/x'],
      ['a subdomain of an exact entry', 'https://a.hooks.example.com/x'],
      ['the apex of a wildcard', 'https://ops.example.net/x'],
      ['a suffix without the dot', 'https://evilops.example.net/x'],
      ['the metadata address', 'https://169.254.169.254/latest/meta-data/'],
    ])('refuses %s, naming the allowlist rule', (_, url) => {
      expect(reasonOf(url, cloud)).toMatch(/^callback host .+ is not on the allowed hosts list$/);
    });

    it.each([
      [
        'a port its entry does not name',
        'https://hooks.example.com:8443/x',
        '8443',
        'hooks.example.com',
        '443',
      ],
      ['ssh on an allowlisted host', 'https://hooks.example.com:22/x', '22', 'hooks.example.com', '443'],
      ['a wildcard host off 443', 'https://a.ops.example.net:8080/x', '8080', 'a.ops.example.net', '443'],
      ['443 where the entry names 8443', 'https://alt.example.com/x', '443', 'alt.example.com', '8443'],
    ])('refuses %s, naming the allowed port', (_, url, port, host, allowed) => {
      expect(reasonOf(url, cloud)).toBe(
        `callback port ${port} is not allowed for ${host} (allowed: ${allowed})`,
      );
    });

    it.each([
      ['https://10.0.0.5/x', '10.0.0.5'],
      ['https://[fd00:ec2::254]/x', '[fd00:ec2::254]'],
    ])(
      'refuses the private address literal %s even when it is allowlisted, as the sender would',
      (url, host) => {
        expect(reasonOf(url, cloud)).toBe(`callback host ${host} is a private, loopback or reserved address`);
      },
    );

    it('reads an allowlisted IPv6 literal with its port', () => {
      const rules = { localMode: false, allowedHosts: ['[2606:2800:220:1::1]:8443'] };
      expect(checkCallbackUrl('https://[2606:2800:220:1::1]:8443/x', rules)).toEqual({ ok: true });
      expect(reasonOf('https://[2606:2800:220:1::1]/x', rules)).toMatch(/port 443 is not allowed/);
    });

    it('refuses every host when the allowlist is empty', () => {
      expect(reasonOf('https://hooks.example.com/x', { localMode: false, allowedHosts: [] })).toMatch(
        /not on the allowed hosts list/,
      );
    });

    it('does not read a bare * as allow-all', () => {
      expect(reasonOf('https://anything.example/x', { localMode: false, allowedHosts: ['*'] })).toMatch(
        /not on the allowed hosts list/,
      );
    });
  });

  describe('in local mode', () => {
    it.each([
      'http://127.0.0.1:4000/hook',
      'http://localhost:4000/hook',
      'http://[::1]:4000/hook',
      'https://localhost/hook',
    ])('accepts loopback %s', (url) => {
      expect(checkCallbackUrl(url, local)).toEqual({ ok: true });
    });

    it('still requires https and the allowlist for other hosts', () => {
      expect(checkCallbackUrl('https://hooks.example.com/x', local)).toEqual({ ok: true });
      expect(reasonOf('http://hooks.example.com/x', local)).toMatch(/must use https .*local mode/);
      expect(reasonOf('https://evil.example.org/x', local)).toMatch(/not on the allowed hosts list/);
    });

    it.each(['http://127.0.0.2/x', 'http://10.0.0.5/x', 'http://0.0.0.0/x'])(
      'allows http only to 127.0.0.1, localhost and [::1], not %s',
      (url) => {
        expect(reasonOf(url, local)).toMatch(/must use https/);
      },
    );
  });

  describe('in every mode', () => {
    it.each([
      'https://user:pass@hooks.example.com/x',
      'https://user@hooks.example.com/x',
      'https://:pass@hooks.example.com/x',
      'https://@hooks.example.com/x',
      'http://user:pass@127.0.0.1/x',
    ])('refuses userinfo in %s', (url) => {
      expect(reasonOf(url, local)).toBe('callback URL must not contain userinfo (user:password@)');
      expect(reasonOf(url, cloud)).toBe('callback URL must not contain userinfo (user:password@)');
    });

    it.each([
      ['http://localhost.:4000/x', 'localhost'],
      ['https://hooks.example.com./x', 'hooks.example.com'],
      ['https://hooks.example.com../x', 'hooks.example.com'],
    ])(
      'refuses the trailing-dot host of %s, which could not be delivered, naming the host to write',
      (url, bare) => {
        const reason = `callback host ${new URL(url).hostname} must not end with a dot (write ${bare})`;
        expect(reasonOf(url, local)).toBe(reason);
        expect(reasonOf(url, cloud)).toBe(reason);
      },
    );

    it('reads 127.0.0.1. as the address 127.0.0.1, as the URL parser does', () => {
      expect(checkCallbackUrl('http://127.0.0.1.:4000/x', local)).toEqual({ ok: true });
    });

    it('accepts an @ in the path or query, which is not userinfo', () => {
      expect(checkCallbackUrl('https://hooks.example.com/to/a@b?cc=x@y', cloud)).toEqual({ ok: true });
    });

    it.each(['not a url', '/relative/path', '', 'hooks.example.com/x'])('refuses %j as not a URL', (url) => {
      expect(reasonOf(url, cloud)).toBe('callback URL is not a valid absolute URL');
    });

    it.each(['ftp://hooks.example.com/x', 'file:///etc/passwd', 'javascript:alert(1)'])(
      'refuses the scheme of %s',
      (url) => {
        expect(reasonOf(url, local)).toMatch(/must use https/);
      },
    );
  });
});
