import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';
import { isLoopbackHost, resolveExposure } from '../../../src/server/http/exposure.ts';

describe('TRUST_PROXY', () => {
  it('reads false (default), true, a hop count, or a list of addresses/CIDRs/named ranges', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'FALSE' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 172.18.0.5' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '172.18.0.5']);
  });

  it('names the entries it cannot read', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY: .*not "yes"/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY: .*"10\.0\.0\.0\/33"/);
    expect(() => loadConfig({ TRUST_PROXY: 'loopback,proxy.internal' })).toThrow(/not "proxy\.internal"$/);
    expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(ConfigError);
  });
});

describe('resolveExposure', () => {
  it('treats 127.0.0.0/8, ::1 and localhost as loopback', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'paperchat.internal']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('loopback binds need no token and get no allow-list', () => {
    expect(resolveExposure(loadConfig({ HOST: 'localhost' }))).toEqual({ loopbackOnly: true });
  });

  it('refuses a non-loopback bind without API_TOKEN, in one line naming both ways out', () => {
    const attempt = () => resolveExposure(loadConfig({ HOST: '0.0.0.0', ADMIN_TOKEN: 'admin-only' }));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^HOST=0\.0\.0\.0 serves beyond this machine but API_TOKEN is not set: set API_TOKEN .*ALLOW_OPEN_ACCESS=true/);
    expect(resolveExposure(loadConfig({ HOST: '0.0.0.0', ALLOW_OPEN_ACCESS: 'true' })).loopbackOnly).toBe(false);
    expect(resolveExposure(loadConfig({ HOST: '0.0.0.0', API_TOKEN: 'secret' })).loopbackOnly).toBe(false);
  });

  it('derives the allow-list from HOST and PORT, with the loopback names', () => {
    const { mcpAllowList } = resolveExposure(loadConfig({ HOST: '10.0.0.5', PORT: '8080', API_TOKEN: 's' }));
    expect(mcpAllowList?.allowedHosts).toEqual(['10.0.0.5', 'localhost', '127.0.0.1', '[::1]']);
    expect(mcpAllowList?.allowedOrigins).toContain('http://10.0.0.5:8080');
    expect(mcpAllowList?.allowedOrigins).toContain('https://10.0.0.5');
    expect(mcpAllowList?.allowedOrigins).toContain('http://localhost:8080');
    const wildcard = resolveExposure(loadConfig({ HOST: '0.0.0.0', API_TOKEN: 's' }));
    expect(wildcard.mcpAllowList?.allowedHosts.length).toBeGreaterThan(3);
  });

  it('takes ALLOWED_HOSTS and ALLOWED_ORIGINS as given (normalised), and rejects ones it cannot read', () => {
    const { mcpAllowList } = resolveExposure(loadConfig({ HOST: '::', API_TOKEN: 's', ALLOWED_HOSTS: 'Chat.Example.org:443, 2001:db8::1', ALLOWED_ORIGINS: 'https://chat.example.org/' }));
    expect(mcpAllowList).toEqual({ allowedHosts: ['chat.example.org', '[2001:db8::1]', 'localhost', '127.0.0.1', '[::1]'], allowedOrigins: ['https://chat.example.org'] });
    expect(() => resolveExposure(loadConfig({ HOST: '::', API_TOKEN: 's', ALLOWED_ORIGINS: 'chat.example.org' }))).toThrow(/ALLOWED_ORIGINS: "chat\.example\.org" is not an origin/);
    expect(() => resolveExposure(loadConfig({ HOST: '::', API_TOKEN: 's', ALLOWED_HOSTS: 'bad host' }))).toThrow(/ALLOWED_HOSTS: "bad host" is not a host name/);
  });
});
