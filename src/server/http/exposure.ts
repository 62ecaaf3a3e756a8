import { isIP } from 'node:net';
import os from 'node:os';
import type { Config } from '../../config.ts';
import { ConfigError } from '../../errors.ts';
import type { RebindingAllowList } from '../../mcp/rebinding-protection.ts';

/** Host names a loopback client uses; always allowed (a rebinding page never carries them). */
const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** True when HOST only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/** A Host header's hostname as the MCP SDK compares it: lower case, no port, IPv6 in brackets. */
function normaliseHostname(entry: string, variable: string): string {
  const bare = entry.trim();
  try {
    return new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}`).hostname;
  } catch {
    throw new ConfigError(`Invalid configuration: ${variable}: ${JSON.stringify(entry)} is not a host name`);
  }
}

function normaliseOrigin(entry: string): string {
  try {
    const origin = new URL(entry).origin;
    if (origin !== 'null') return origin;
  } catch {
    // reported below
  }
  throw new ConfigError(`Invalid configuration: ALLOWED_ORIGINS: ${JSON.stringify(entry)} is not an origin such as https://chat.example.org`);
}

/** The names this machine answers to when HOST is a wildcard; HOST itself otherwise. */
function namesForHost(host: string): string[] {
  if (!WILDCARD_HOSTS.has(host.trim())) return [host];
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .flatMap((address) => (address && !address.internal ? [address.address.split('%')[0] ?? address.address] : []));
  return [os.hostname(), ...addresses];
}

/** How the server is reachable, decided once at start from HOST and the access settings. */
export interface NetworkExposure {
  loopbackOnly: boolean;
  /** Set when bound beyond loopback: /mcp then checks Host and Origin against it. */
  mcpAllowList?: RebindingAllowList;
}

/**
 * Refuses a non-loopback bind without API_TOKEN unless ALLOW_OPEN_ACCESS says it is meant to be
 * open (a ConfigError, printed as one line by src/main.ts), and derives the /mcp allow-list:
 * ALLOWED_HOSTS or HOST (for a wildcard: this machine's name and addresses), loopback names
 * always; ALLOWED_ORIGINS or http(s) origins of those hosts (with and without PORT).
 */
export function resolveExposure(config: Pick<Config, 'HOST' | 'PORT' | 'API_TOKEN' | 'ALLOW_OPEN_ACCESS' | 'ALLOWED_HOSTS' | 'ALLOWED_ORIGINS'>): NetworkExposure {
  if (isLoopbackHost(config.HOST)) return { loopbackOnly: true };
  if (!config.API_TOKEN && !config.ALLOW_OPEN_ACCESS) {
    throw new ConfigError(
      `HOST=${config.HOST} serves beyond this machine but API_TOKEN is not set: set API_TOKEN (clients send it as a Bearer token), or ALLOW_OPEN_ACCESS=true to serve without one on purpose`,
    );
  }
  const configuredHosts = config.ALLOWED_HOSTS?.map((host) => normaliseHostname(host, 'ALLOWED_HOSTS'));
  const derivedHosts = configuredHosts ?? namesForHost(config.HOST).map((host) => normaliseHostname(host, 'HOST'));
  const allowedHosts = [...new Set([...derivedHosts, ...LOOPBACK_HOSTNAMES])];
  const allowedOrigins = config.ALLOWED_ORIGINS
    ? config.ALLOWED_ORIGINS.map(normaliseOrigin)
    : allowedHosts.flatMap((host) => [`http://${host}:${config.PORT}`, `http://${host}`, `https://${host}`]);
  return { loopbackOnly: false, mcpAllowList: { allowedHosts, allowedOrigins: [...new Set(allowedOrigins)] } };
}
