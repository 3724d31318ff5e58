import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import * as ts from 'typescript';
import { parseDocument } from 'yaml';
import { AppConfig } from '../../src/config/app-config';

/*
 * The deployment files (docker/, mailu/, .dockerignore, .env.example and the guides) checked
 * against the code: the variables the config class reads, the routes the controllers serve,
 * the defaults the config applies. No Docker engine is needed: files are parsed, not run.
 */

const ROOT = resolve(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

// ---------------------------------------------------------------------------------------------
// The code side
// ---------------------------------------------------------------------------------------------

/** The classes that validate the environment (EnvironmentVariables extends FeatureVariables, which extends MailboxOAuthVariables), by file. */
const CONFIG_CLASSES = {
  'src/config/app-config.ts': 'EnvironmentVariables',
  'src/config/feature-variables.ts': 'FeatureVariables',
  'src/config/mailbox-oauth-config.ts': 'MailboxOAuthVariables',
};

/** Property names of the config module's variable classes: the variables the service reads. */
function configVariables(): string[] {
  const names: string[] = [];
  for (const [file, className] of Object.entries(CONFIG_CLASSES)) {
    const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true);
    source.forEachChild((node) => {
      if (ts.isClassDeclaration(node) && node.name?.text === className) {
        for (const member of node.members) {
          if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name)) names.push(member.name.text);
        }
      }
    });
  }
  return names;
}

const CODE_VARS = configVariables();
const SECRET_NAME = /(PASSWORD|PASSWD|_PW|SECRET|TOKEN|_KEY)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((entry) => {
    const path = posix.join(dir, entry);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** "GET /health", "POST /api/inbound/webhook", ... from the Nest decorators, in file order. */
function httpRoutes(): Set<string> {
  const routes = new Set<string>();
  const decorator = /@(Controller|Get|Post|Put|Patch|Delete)\(\s*(?:'([^']*)')?/g;
  for (const file of sourceFiles('src')) {
    let prefix = '';
    for (const [, kind, path = ''] of read(file).matchAll(decorator)) {
      if (kind === 'Controller') prefix = path;
      else routes.add(`${kind.toUpperCase()} ${posix.join('/', prefix, path).replace(/\/$/, '') || '/'}`);
    }
  }
  return routes;
}

/** Defaults of the config module, obtained by running it rather than by reading it. */
function configDefaults(extra: Record<string, string> = {}): AppConfig {
  return AppConfig.fromEnvironment({
    DATA_DIR: '/nonexistent-inbound-test',
    APP_KEY: 'k'.repeat(48),
    ADMIN_API_TOKEN: 't'.repeat(48),
    DOCKER_MAIL_WEBHOOK_SECRET: 's'.repeat(48),
    ...extra,
  });
}

// ---------------------------------------------------------------------------------------------
// Compose, env files, Dockerfiles
// ---------------------------------------------------------------------------------------------

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> } | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[] | { path: string }[];
  ports?: (string | { target: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  dns?: string | string[];
  user?: string;
  profiles?: string[];
}
interface Compose {
  services: Record<string, Service>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } } | null>;
  volumes?: Record<string, unknown>;
}

const INBOUND_COMPOSE = 'docker/docker-compose.yml';
const MAILDIR_OVERLAY = 'docker/docker-compose.maildir.yml';
const MAILU_COMPOSE = 'mailu/docker-compose.yml';
const MAILGATE_OVERLAY = 'mailu/docker-compose.mailgate.yml';
/** Overlays only change services their base file defines. */
const OVERLAYS: Record<string, string> = { [MAILDIR_OVERLAY]: INBOUND_COMPOSE, [MAILGATE_OVERLAY]: MAILU_COMPOSE };
const DOCKERFILES = ['docker/Dockerfile', 'mailu/mailgate/Dockerfile'];

function composeFiles(): string[] {
  return ['docker', 'mailu'].flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => /^(docker-)?compose[\w.-]*\.ya?ml$/.test(f))
      .map((f) => `${dir}/${f}`),
  );
}

function loadCompose(path: string): Compose {
  const doc = parseDocument(read(path), { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
  const value = doc.toJS() as Compose;
  if (!value || typeof value.services !== 'object') throw new Error(`${path} has no services`);
  return value;
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function envFilesOf(service: Service): string[] {
  const files = service.env_file === undefined ? [] : Array.isArray(service.env_file) ? service.env_file : [service.env_file];
  return files.map((f) => (typeof f === 'string' ? f : f.path));
}

/** KEY=value lines; `# KEY=value` counts as documented, with an empty value. */
function parseEnvFile(text: string): { values: Env; documented: Set<string> } {
  const values: Env = {};
  const documented = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const active = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    const commented = /^\s*#\s*([A-Z_][A-Z0-9_]*)=/.exec(line);
    if (active) {
      values[active[1]] = active[2].trim().replace(/^(['"])(.*)\1$/, '$2');
      documented.add(active[1]);
    } else if (commented) {
      documented.add(commented[1]);
    }
  }
  return { values, documented };
}

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Variable names interpolated anywhere in a file, ignoring `$$` escapes. */
function interpolatedNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.replace(/\$\$/g, '').matchAll(INTERPOLATION)) names.push(m[1] ?? m[4]);
  return names;
}

/** Compose's interpolation: ${V}, ${V:-d}, ${V-d}, ${V:?e}, ${V?e}, ${V:+a}. */
function interpolate(value: string, env: Env): string {
  return value.replace(INTERPOLATION, (_all, name: string, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    const key = name ?? bare;
    const set = Object.prototype.hasOwnProperty.call(env, key);
    const val = set ? env[key] : undefined;
    const empty = val === undefined || (op?.startsWith(':') && val === '');
    switch (op) {
      case ':-':
      case '-':
        return empty ? (arg ?? '') : (val as string);
      case ':?':
      case '?':
        if (empty) throw new Error(`${key} is required: ${arg}`);
        return val as string;
      case ':+':
      case '+':
        return empty ? '' : (arg ?? '');
      default:
        return val ?? '';
    }
  });
}

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}
interface Dockerfile {
  args: Env;
  stages: Stage[];
}

function parseDockerfile(path: string): Dockerfile {
  const lines = read(path)
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const parsed: Dockerfile = { args: {}, stages: [] };
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line) as RegExpExecArray;
    const kw = keyword.toUpperCase();
    if (kw === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!m) throw new Error(`${path}: cannot read FROM ${args}`);
      parsed.stages.push({ from: m[1], name: m[2] ?? null, instructions: [] });
    } else if (parsed.stages.length === 0) {
      if (kw === 'ARG') {
        const [name, value = ''] = args.split('=');
        parsed.args[name.trim()] = value.trim();
      }
    } else {
      parsed.stages[parsed.stages.length - 1].instructions.push({ keyword: kw, args });
    }
  }
  return parsed;
}

const instructionsOf = (stage: Stage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** ENV a=b c=d and ENV a b. */
function envOfStage(stage: Stage): Env {
  const env: Env = {};
  for (const args of instructionsOf(stage, 'ENV')) {
    if (/^\S+\s+[^=]*$/.test(args) && !args.includes('=')) {
      const [k, ...rest] = args.split(/\s+/);
      env[k] = rest.join(' ');
    } else {
      for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
    }
  }
  return env;
}

function stageChain(file: Dockerfile, stage: Stage): Stage[] {
  const parent = file.stages.find((s) => s.name === stage.from);
  return parent ? [...stageChain(file, parent), stage] : [stage];
}

/** `node:24.11.1-bookworm-slim` -> { repo: 'node', tag: '24.11.1-bookworm-slim' }. */
function splitImage(image: string): { repo: string; tag: string | null; digest: string | null } {
  const [nameAndTag, digest = null] = image.split('@');
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  return colon > slash ? { repo: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest } : { repo: nameAndTag, tag: null, digest };
}

function pinProblem(image: string): string | null {
  if (image.includes('$')) return `${image}: the version must be written out, not interpolated`;
  const { tag, digest } = splitImage(image);
  if (digest && /^sha256:[0-9a-f]{64}$/.test(digest)) return null;
  if (!tag) return `${image}: no tag (means latest)`;
  // MinIO versions its images by release time only (RELEASE.2025-09-07T16-13-09Z).
  if (/^RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/.test(tag)) return null;
  if (/latest|edge|nightly|master|main|stable/i.test(tag)) return `${image}: "${tag}" is not a version`;
  if (!/^v?\d+(\.\d+)*([-.][\w.-]+)?$/.test(tag)) return `${image}: tag "${tag}" does not start with a version number`;
  return null;
}

/** .dockerignore semantics: last matching pattern wins, `!` re-includes, a matched folder covers its contents. */
function dockerIgnored(path: string, patterns: string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = posix.normalize((negate ? raw.slice(1) : raw).replace(/^\/+/, ''));
    const regex = new RegExp(
      '^' +
        pattern
          .split('**')
          .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
          .join('.*') +
        '(/.*)?$',
    );
    if (regex.test(path)) ignored = !negate;
  }
  return ignored;
}

function containerPort(port: string | { target: number }): number {
  if (typeof port !== 'string') return port.target;
  const parts = port.replace(/\/(tcp|udp)$/, '').split(':');
  return Number(parts[parts.length - 1]);
}

function volumeTargets(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target };
    const parts = v.split(':');
    if (parts.length > 2 || (parts.length === 2 && /^(ro|rw|z|Z)$/.test(parts[1]))) parts.pop(); // the mode
    return { source: parts.length > 1 ? parts[0] : '', target: parts[parts.length - 1] };
  });
}

const dependsOn = (service: Service): Record<string, string> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((d) => [d, 'service_started']))
    : Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([k, v]) => [k, v?.condition ?? 'service_started']));

const healthTest = (service: Service): string =>
  service.healthcheck?.disable ? '' : ([] as string[]).concat(service.healthcheck?.test ?? []).join(' ');

/**
 * The Inbound environment a fresh `cp .env.example .env` plus secrets gives inside the compose
 * stack. `extra` changes .env; an undefined value removes the variable from it.
 */
function stackEnvironment(overlays: string[] = [], extra: Record<string, string | undefined> = {}): { hostEnv: Env; env: Env } {
  const hostEnv: Env = { ...parseEnvFile(read('.env.example')).values };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete hostEnv[key];
    else hostEnv[key] = value;
  }
  for (const [key, value] of Object.entries(hostEnv)) {
    if (SECRET_NAME.test(key) && value === '') hostEnv[key] = `${key.toLowerCase()}-`.padEnd(48, 'x');
  }
  let env: Env = { ...hostEnv };
  for (const file of [INBOUND_COMPOSE, ...overlays]) {
    const service = loadCompose(file).services.inbound;
    for (const [key, value] of Object.entries(environmentOf(service))) env = { ...env, [key]: interpolate(value, hostEnv) };
  }
  return { hostEnv, env };
}

// ---------------------------------------------------------------------------------------------

describe('the variables the service reads', () => {
  it('are found in the config class (the parser sees the real list)', () => {
    expect(CODE_VARS.length).toBeGreaterThanOrEqual(25);
    expect(CODE_VARS).toEqual(expect.arrayContaining(['PORT', 'DATA_DIR', 'DB_TYPE', 'DB_PASSWORD', 'APP_KEY', 'DOCKER_MAIL_DOMAIN', 'MAILDIR_PATH']));
    expect(new Set(CODE_VARS).size).toBe(CODE_VARS.length);
  });

  it('are read nowhere but in the config module, so that the class is the whole list', () => {
    const readers = sourceFiles('src').filter((f) => f !== 'src/config/app-config.ts' && /process\.env\b/.test(read(f)));
    expect(readers).toEqual([]);
  });

  it('are each documented in .env.example', () => {
    expect(existsSync(join(ROOT, '.env.example'))).toBe(true);
    const { documented } = parseEnvFile(read('.env.example'));
    expect(CODE_VARS.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('.env.example names no variable the code does not read', () => {
    const { documented } = parseEnvFile(read('.env.example'));
    expect([...documented].filter((name) => !CODE_VARS.includes(name))).toEqual([]);
  });

  it('.env.example holds no secret values', () => {
    const { values } = parseEnvFile(read('.env.example'));
    const filled = Object.entries(values).filter(([k, v]) => SECRET_NAME.test(k) && v !== '');
    expect(filled).toEqual([]);
  });
});

describe('compose files', () => {
  const files = composeFiles();

  it('are all found and parse as YAML with services', () => {
    expect(files).toEqual(expect.arrayContaining([INBOUND_COMPOSE, MAILDIR_OVERLAY, MAILU_COMPOSE, MAILGATE_OVERLAY]));
    for (const file of files) expect(() => loadCompose(file)).not.toThrow();
  });

  it.each([INBOUND_COMPOSE, MAILDIR_OVERLAY])('%s sets and interpolates only variables the code reads', (file) => {
    const compose = loadCompose(file);
    const unknown = [
      ...Object.keys(environmentOf(compose.services.inbound)),
      ...interpolatedNames(read(file)),
    ].filter((name) => !CODE_VARS.includes(name));
    expect(unknown).toEqual([]);
  });

  it.each([MAILU_COMPOSE, MAILGATE_OVERLAY])('%s interpolates nothing (Mailu reads mailu.env through env_file)', (file) => {
    expect(interpolatedNames(read(file))).toEqual([]);
  });

  it('pin every image to a version', () => {
    const problems = files.flatMap((file) =>
      Object.entries(loadCompose(file).services).flatMap(([name, service]) => {
        if (!service.image) return service.build || OVERLAYS[file] ? [] : [`${file} ${name}: neither image nor build`];
        const problem = pinProblem(service.image);
        return problem ? [`${file} ${name}: ${problem}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  it.each(Object.entries(OVERLAYS))('%s only changes services of %s', (overlay, base) => {
    const baseServices = Object.keys(loadCompose(base).services);
    expect(Object.keys(loadCompose(overlay).services).filter((s) => !baseServices.includes(s))).toEqual([]);
  });

  it.each(DOCKERFILES)('%s pins every base image', (file) => {
    const dockerfile = parseDockerfile(file);
    const names = dockerfile.stages.map((s) => s.name);
    const external = dockerfile.stages.filter((s) => !names.includes(s.from)).map((s) => interpolate(s.from, dockerfile.args));
    expect(external.length).toBeGreaterThan(0);
    expect(external.map(pinProblem).filter(Boolean)).toEqual([]);
  });

  it('hard-code no secrets: secret values come from ${VAR} without a default', () => {
    const flags: Record<string, RegExp> = { MARIADB_RANDOM_ROOT_PASSWORD: /^(1|yes)$/ };
    const problems = files.flatMap((file) =>
      Object.entries(loadCompose(file).services).flatMap(([name, service]) =>
        Object.entries(environmentOf(service))
          .filter(([key]) => SECRET_NAME.test(key) || /PASSWORD/.test(key))
          .filter(([key, value]) => !(flags[key]?.test(value) ?? false))
          .filter(([, value]) => !/^\$\{[A-Z_][A-Z0-9_]*(:?\?[^}]*)?\}$/.test(value))
          .map(([key, value]) => `${file} ${name}: ${key}=${value}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('the env files they use exist and hold no secret values', () => {
    for (const file of files) {
      for (const service of Object.values(loadCompose(file).services)) {
        for (const envFile of envFilesOf(service)) {
          const path = posix.join(posix.dirname(file), envFile);
          if (path === '.env') continue; // the operator's own file, made from .env.example
          expect(existsSync(join(ROOT, path))).toBe(true);
          const { values } = parseEnvFile(read(path));
          expect(Object.entries(values).filter(([k, v]) => (SECRET_NAME.test(k) || k === 'SECRET_KEY') && v !== '')).toEqual([]);
        }
      }
    }
  });
});

describe('docker/docker-compose.yml', () => {
  const compose = loadCompose(INBOUND_COMPOSE);
  const inbound = compose.services.inbound;

  it('builds the Dockerfile from the repository root and reads the root .env', () => {
    expect(typeof inbound.build).toBe('object');
    const build = inbound.build as { context: string; dockerfile: string };
    expect(resolve(ROOT, 'docker', build.context)).toBe(ROOT);
    expect(existsSync(join(ROOT, build.dockerfile))).toBe(true);
    expect(envFilesOf(inbound).map((f) => resolve(ROOT, 'docker', f))).toEqual([join(ROOT, '.env')]);
  });

  it('gives a valid configuration from .env.example with only its secrets filled in', () => {
    const { env } = stackEnvironment();
    expect(() => AppConfig.fromEnvironment(env)).not.toThrow();
  });

  it('fails at `compose up`, not in a restart loop, when a required secret is missing from .env', () => {
    for (const secret of ['DB_PASSWORD', 'APP_KEY', 'ADMIN_API_TOKEN', 'DOCKER_MAIL_WEBHOOK_SECRET']) {
      const value = environmentOf(inbound)[secret];
      expect(value).toBeDefined();
      expect(() => interpolate(value, {})).toThrow(new RegExp(secret));
    }
  });

  it.each([
    ['as in .env.example', {}],
    ['with distinct names, so that crossed wires show', { DB_DATABASE: 'helpdesk_db', DB_USERNAME: 'helpdesk_user' }],
    ['with the names left to the defaults', { DB_DATABASE: undefined, DB_USERNAME: undefined }],
  ])('wires the service to MariaDB %s: same database, user and password, healthy before start', (_label, override) => {
    const { hostEnv, env } = stackEnvironment([], override);
    const config = AppConfig.fromEnvironment(env);
    expect(config.database.type).toBe('mysql');
    expect(Object.keys(compose.services)).toContain(config.database.host);
    const db = compose.services[config.database.host];
    expect(splitImage(db.image ?? '').repo).toMatch(/^(mariadb|mysql)$/);
    const dbEnv = Object.fromEntries(Object.entries(environmentOf(db)).map(([k, v]) => [k, interpolate(v, hostEnv)]));
    const prefix = splitImage(db.image ?? '').repo === 'mariadb' ? 'MARIADB' : 'MYSQL';
    expect(dbEnv[`${prefix}_DATABASE`]).toBe(config.database.database);
    expect(dbEnv[`${prefix}_USER`]).toBe(config.database.username);
    expect(dbEnv[`${prefix}_PASSWORD`]).toBe(config.database.password);
    expect(config.database.password.length).toBeGreaterThan(0);
    expect(config.database.port).toBe(3306);
    expect(healthTest(db)).toMatch(/healthcheck\.sh|mysqladmin|mariadb-admin/);
    expect(dependsOn(inbound)[config.database.host]).toBe('service_healthy');
    expect(volumeTargets(db).map((v) => v.target)).toContain('/var/lib/mysql');
  });

  it('sends development mail to the Mailpit service on its SMTP port, and serves its UI', () => {
    const config = AppConfig.fromEnvironment(stackEnvironment().env);
    const mailpit = Object.entries(compose.services).find(([, s]) => splitImage(s.image ?? '').repo === 'axllent/mailpit');
    expect(mailpit).toBeDefined();
    const [name, service] = mailpit as [string, Service];
    const bind = environmentOf(service).MP_SMTP_BIND_ADDR;
    expect(config.devSmtp).toEqual({ host: name, port: bind ? Number(bind.split(':').pop()) : 1025 });
    expect((service.ports ?? []).map(containerPort)).toContain(8025);
    expect(healthTest(service)).toContain('readyz');
  });

  it('publishes the port the service listens on, and keeps DATA_DIR on a volume', () => {
    const config = AppConfig.fromEnvironment(stackEnvironment().env);
    expect((inbound.ports ?? []).map(containerPort)).toEqual([config.port]);
    const dataVolume = volumeTargets(inbound).find((v) => resolve(v.target) === config.dataDir);
    expect(dataVolume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume?.source);
    if (inbound.healthcheck) expect(healthTest(inbound)).toContain(`:${config.port}/health`);
  });
});

describe('docker/docker-compose.maildir.yml', () => {
  const overlay = loadCompose(MAILDIR_OVERLAY).services.inbound;
  const maildir = '/mailu/mail/inbound@mail.example.com';

  it('watches the mounted Maildir under the same path inside and out', () => {
    const config = AppConfig.fromEnvironment(stackEnvironment([MAILDIR_OVERLAY], { MAILDIR_PATH: maildir }).env);
    expect(config.processingMethods).toContain('file_monitor');
    expect(config.maildirPath).toBe(maildir);
    const { hostEnv } = stackEnvironment([MAILDIR_OVERLAY], { MAILDIR_PATH: maildir });
    const mounts = (overlay.volumes ?? []).map((v) => interpolate(String(v), hostEnv));
    expect(mounts).toContain(`${maildir}:${maildir}`);
  });

  it("runs as the uid/gid Mailu's Dovecot stores mail with (Alpine mail 8:12)", () => {
    expect(overlay.user).toBe('8:12');
  });

  it('refuses to start without MAILDIR_PATH', () => {
    expect(() => stackEnvironment([MAILDIR_OVERLAY], { MAILDIR_PATH: '' })).toThrow(/MAILDIR_PATH/);
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = parseDockerfile('docker/Dockerfile');
  const runtime = dockerfile.stages[dockerfile.stages.length - 1];
  const runtimeEnv = envOfStage(runtime);
  const chainEnv = (stage: Stage): Env => Object.assign({}, ...stageChain(dockerfile, stage).map(envOfStage));

  it('is multi-stage: the runtime stage starts from a clean base, not from the toolchain', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(stageChain(dockerfile, runtime)).toHaveLength(1);
  });

  it('runs on a Node LTS major that is still supported', () => {
    // Even majors become LTS; end of life from the Node.js release schedule.
    const endOfLife: Record<number, string> = { 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30', 26: '2029-04-30' };
    const runtimeBase = stageChain(dockerfile, runtime)[0].from;
    const { repo, tag } = splitImage(runtimeBase);
    expect(repo).toBe('node');
    const major = Number(/^(\d+)/.exec(tag ?? '')?.[1]);
    expect(endOfLife[major]).toBeDefined();
    expect(new Date(endOfLife[major]).getTime()).toBeGreaterThan(Date.now());
    expect(tag).toMatch(/^\d+\.\d+\.\d+-(bookworm|trixie)-slim$/);
  });

  it('runs as a non-root user in the runtime stage', () => {
    const users = instructionsOf(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });

  it('copies production dependencies from a stage that ran `npm ci --omit=dev`, built with the native toolchain', () => {
    const copies = instructionsOf(runtime, 'COPY').filter((c) => /node_modules/.test(c));
    expect(copies).toHaveLength(1);
    const from = /--from=(\S+)/.exec(copies[0])?.[1];
    const depsStage = dockerfile.stages.find((s) => s.name === from);
    expect(depsStage).toBeDefined();
    const chain = stageChain(dockerfile, depsStage as Stage);
    const runs = chain.flatMap((s) => instructionsOf(s, 'RUN')).join('\n');
    expect(instructionsOf(depsStage as Stage, 'RUN').join('\n')).toMatch(/npm ci\b[^\n&]*--omit=dev/);
    expect(runs).not.toMatch(/npm ci(?![^\n&]*--omit=dev)/);
    for (const tool of ['python3', 'make', 'g\\+\\+']) expect(runs).toMatch(new RegExp(`apt-get install[^\\n]*\\b${tool}`));
    expect(instructionsOf(runtime, 'RUN').join('\n')).not.toMatch(/npm (ci|install)|g\+\+/);
  });

  it('builds dist/ with the build script and starts the compiled main module', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const tsconfig = ts.parseConfigFileTextToJson('tsconfig.json', read('tsconfig.json')).config as { compilerOptions: { outDir: string; rootDir: string } };
    const build = dockerfile.stages.find((s) => instructionsOf(s, 'RUN').some((r) => /npm run build/.test(r)));
    expect(build).toBeDefined();
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    const cmd = JSON.parse(instructionsOf(runtime, 'CMD').pop() ?? '[]') as string[];
    const main = posix.join(posix.normalize(tsconfig.compilerOptions.outDir), posix.relative(tsconfig.compilerOptions.rootDir, 'src/main.js'));
    expect(cmd).toEqual(['node', main]);
    expect(existsSync(join(ROOT, 'src/main.ts'))).toBe(true);
    expect(instructionsOf(runtime, 'COPY').some((c) => c.includes(`--from=${build?.name}`) && c.includes('/app/dist'))).toBe(true);
  });

  it('runs migrations at start (under a lock on MySQL) since the command does not run migrate.js', () => {
    expect(read('src/database/database.module.ts')).toMatch(/await runMigrationsExclusively\(dataSource\)/);
    expect(existsSync(join(ROOT, 'src/database/migrate.ts'))).toBe(true);
  });

  it('listens, exposes and health-checks the same port, on a route the service serves', () => {
    const port = Number(runtimeEnv.PORT);
    expect(port).toBe(configDefaults().port);
    expect(instructionsOf(runtime, 'EXPOSE')).toEqual([String(port)]);
    const healthchecks = instructionsOf(runtime, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0]).not.toMatch(/^NONE/i);
    // Exec form must be valid JSON, or Docker silently runs it through /bin/sh as text.
    const execForm = /\bCMD\s+(\[.*\])\s*$/.exec(healthchecks[0])?.[1] ?? '';
    expect((JSON.parse(execForm) as string[]).slice(0, 2)).toEqual(['node', '-e']);
    expect(healthchecks[0]).toContain(`process.env.PORT||${port}`);
    const path = /\+'(\/[\w/-]+)'/.exec(healthchecks[0])?.[1];
    expect(path).toBe('/health');
    expect(httpRoutes()).toContain(`GET ${path}`);
    expect(healthchecks[0]).not.toMatch(/\bcurl\b|\bwget\b/);
  });

  it('keeps DATA_DIR on a volume the service user owns', () => {
    const dataDir = chainEnv(runtime).DATA_DIR;
    expect(dataDir).toBe('/data');
    expect(instructionsOf(runtime, 'VOLUME').join(' ')).toContain(`"${dataDir}"`);
    const user = instructionsOf(runtime, 'USER').pop();
    expect(instructionsOf(runtime, 'RUN').join('\n')).toMatch(new RegExp(`chown\\s+${user}(:\\S+)?\\s+${dataDir}\\b`));
  });

  it('sets only variables the code (or Node itself) reads, and no secrets', () => {
    const all = dockerfile.stages.flatMap((s) => Object.keys(envOfStage(s)));
    expect(all.filter((k) => !CODE_VARS.includes(k) && k !== 'NODE_ENV')).toEqual([]);
    expect(all.filter((k) => SECRET_NAME.test(k))).toEqual([]);
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const patterns = read('.dockerignore')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = dockerfile.stages
      .flatMap((s) => instructionsOf(s, 'COPY'))
      .filter((c) => !c.includes('--from='))
      .flatMap((c) => c.replace(/--\S+/g, '').trim().split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
      expect([source, dockerIgnored(source, patterns)]).toEqual([source, false]);
    }
    for (const secret of ['.env', '.env.production', 'node_modules/x', 'dist/src/main.js', 'storage/inbound.sqlite', '.git/config']) {
      expect([secret, dockerIgnored(secret, patterns)]).toEqual([secret, true]);
    }
  });
});

describe('mailu/', () => {
  const compose = loadCompose(MAILU_COMPOSE);
  const mailuEnv = parseEnvFile(read('mailu/mailu.env')).values;
  const expectedImages: Record<string, string> = {
    front: 'ghcr.io/mailu/nginx',
    admin: 'ghcr.io/mailu/admin',
    imap: 'ghcr.io/mailu/dovecot',
    smtp: 'ghcr.io/mailu/postfix',
    antispam: 'ghcr.io/mailu/rspamd',
    redis: 'redis',
  };

  it("follows Mailu's layout: front, admin, imap, smtp, antispam and redis, each on its own image", () => {
    for (const [service, repo] of Object.entries(expectedImages)) {
      expect([service, splitImage(compose.services[service]?.image ?? '').repo]).toEqual([service, repo]);
    }
  });

  it('runs one Mailu release: every ghcr.io/mailu image has the same tag', () => {
    const tags = new Set(
      [...Object.values(compose.services), ...Object.values(loadCompose(MAILGATE_OVERLAY).services)]
        .map((s) => splitImage(s.image ?? ''))
        .filter((i) => i.repo.startsWith('ghcr.io/mailu/'))
        .map((i) => i.tag),
    );
    const mailgateBase = parseDockerfile('mailu/mailgate/Dockerfile').stages.map((s) => splitImage(s.from)).filter((i) => i.repo.startsWith('ghcr.io/mailu/'));
    for (const image of mailgateBase) tags.add(image.tag);
    expect([...tags]).toHaveLength(1);
  });

  it('gives every Mailu container mailu.env, which sets what Mailu cannot start without', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (splitImage(service.image ?? '').repo.startsWith('ghcr.io/mailu/')) expect([name, envFilesOf(service)]).toEqual([name, ['mailu.env']]);
    }
    for (const key of ['SECRET_KEY', 'SUBNET', 'DOMAIN', 'HOSTNAMES', 'POSTMASTER', 'TLS_FLAVOR', 'MESSAGE_SIZE_LIMIT', 'RECIPIENT_DELIMITER']) {
      expect(Object.keys(mailuEnv)).toContain(key);
    }
  });

  it('puts the resolver inside SUBNET and points every dns: at it', () => {
    const subnet = compose.networks?.default?.ipam?.config?.[0]?.subnet;
    expect(subnet).toBe(mailuEnv.SUBNET);
    const resolverNets = compose.services.resolver?.networks as Record<string, { ipv4_address?: string }>;
    const resolverIp = resolverNets.default.ipv4_address as string;
    const [base] = (subnet as string).split('/');
    expect(resolverIp.split('.').slice(0, 3)).toEqual(base.split('.').slice(0, 3));
    const dnsEntries = Object.values(compose.services).flatMap((s) => ([] as string[]).concat(s.dns ?? []));
    expect(dnsEntries.length).toBeGreaterThanOrEqual(5);
    expect(new Set(dnsEntries)).toEqual(new Set([resolverIp]));
  });

  it('agrees with Inbound: size limit, plus-addressing for reply tokens, uncompressed Maildirs', () => {
    expect(Number(mailuEnv.MESSAGE_SIZE_LIMIT)).toBeLessThanOrEqual(configDefaults().inboundMaxBytes);
    expect(Number(mailuEnv.MESSAGE_SIZE_LIMIT)).toBeGreaterThan(1024 * 1024);
    expect(mailuEnv.RECIPIENT_DELIMITER).toBe('+');
    expect(mailuEnv.COMPRESSION ?? '').toBe('');
  });

  it('publishes SMTP (25) and IMAPS (993) on the front, and keeps mail on a host path the Maildir method can mount', () => {
    expect((compose.services.front.ports ?? []).map(containerPort)).toEqual(expect.arrayContaining([25, 993]));
    const mail = volumeTargets(compose.services.imap).find((v) => v.target === '/mail');
    expect(mail?.source).toMatch(/^\//);
    expect(read('mailu/README.md')).toContain(`MAILDIR_PATH=${mail?.source}/`);
    expect(read(MAILDIR_OVERLAY)).toContain(`MAILDIR_PATH=${mail?.source}/`);
  });

  describe('webhook through the mailgate pipe', () => {
    const master = read('mailu/overrides/postfix/postfix.master')
      .split(/\r?\n/)
      .filter((l) => l.trim() && !l.startsWith('#'));
    const mailgateLine = master.find((l) => l.startsWith('mailgate/unix=')) ?? '';

    it('defines the pipe service the transport map names', () => {
      expect(mailgateLine).toMatch(/^mailgate\/unix=mailgate\s+unix\s+-\s+n\s+n\s+-\s+-\s+pipe\s/);
      expect(read('mailu/overrides/postfix/transport.map.example')).toMatch(/^[a-z0-9.-]+\s+mailgate:\s*$/m);
      expect(read('mailu/overrides/postfix/postfix.cf')).toMatch(/^mailgate_destination_recipient_limit\s*=\s*1\s*$/m);
      expect(mailgateLine).not.toMatch(/user=(root|postfix)\b/);
    });

    it("runs the packaged mailgate CLI with the original recipient, escaped for Mailu's shell", () => {
      const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
      const bin = pkg.bin['inbound-mailgate'];
      expect(existsSync(join(ROOT, bin.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
      const argv = /argv=(.*)$/.exec(mailgateLine)?.[1].split(/\s+/) ?? [];
      expect(argv[0]).toMatch(/\/node$/);
      expect(argv[1].endsWith(`/${bin}`)).toBe(true);
      const option = (name: string) => argv[argv.indexOf(name) + 1];
      expect(new URL(option('--url')).pathname).toBe('/api/inbound/webhook');
      expect(httpRoutes()).toContain('POST /api/inbound/webhook');
      expect(option('--secret-file')).toMatch(/^\/overrides\//);
      expect(option('--recipient')).toBe('\\${original_recipient}');
    });

    it('ships the CLI where the pipe looks for it, from the Inbound image', () => {
      const mailgate = parseDockerfile('mailu/mailgate/Dockerfile');
      const app = mailgate.stages[0];
      expect(interpolate(app.from, mailgate.args)).toBe(loadCompose(INBOUND_COMPOSE).services.inbound.image);
      const inboundRuntime = parseDockerfile('docker/Dockerfile').stages.slice(-1)[0];
      expect(instructionsOf(inboundRuntime, 'WORKDIR').pop()).toBe('/app');
      const copy = instructionsOf(mailgate.stages[1], 'COPY').find((c) => c.startsWith(`--from=${app.name} /app/dist `));
      const target = copy?.split(/\s+/).pop() as string;
      const argv = /argv=(.*)$/.exec(mailgateLine)?.[1].split(/\s+/) ?? [];
      expect(argv[1].startsWith(`${target}/`)).toBe(true);
      expect(instructionsOf(mailgate.stages[1], 'RUN').join(' ')).toMatch(/apk add[^&]*\bnodejs\b/);
    });
  });
});

describe('the guides', () => {
  const guides = ['README.md', 'mailu/README.md'];
  const variableLike = /\b(?:(?:DOCKER_MAIL|DB|MAIL_DEV|EMAIL_PROCESSING|INBOUND|OUTBOX|OUTBOUND|ADMIN_API|IMAP)_[A-Z0-9_]+|APP_KEY|DATA_DIR|MAILDIR_PATH|INSTANCE_ID)\b/g;

  it.each(guides)('%s names only variables the code reads', (guide) => {
    const named = [...new Set(read(guide).match(variableLike) ?? [])];
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((n) => !CODE_VARS.includes(n))).toEqual([]);
  });

  it.each(guides)('%s points compose at files that exist', (guide) => {
    const paths = [...read(guide).matchAll(/-f\s+(\S+\.ya?ml)/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      const candidates = [path, `mailu/${path}`].filter((p) => existsSync(join(ROOT, p)));
      expect([path, candidates.length > 0]).toEqual([path, true]);
    }
  });

  it('production guide covers the compose commands, backups, upgrades, scaling and tenant DNS', () => {
    const readme = read('README.md');
    const text = readme.slice(readme.indexOf('\n## Production'), readme.indexOf('\n## Tests'));
    expect(text).toMatch(/mariadb-dump|mysqldump/);
    expect(text).toContain('migrate.js');
    expect(text).toMatch(/lease/i);
    expect(text).toMatch(/load balancer/i);
    // The lease the guide quotes is the one the config applies.
    const quoted = /IMAP_LEASE_SECONDS[^.]*?default (\d+) ?s/.exec(text)?.[1];
    const config = configDefaults({ DOCKER_MAIL_IMAP_HOST: 'mail.example.com', DOCKER_MAIL_IMAP_USERNAME: 'u', DOCKER_MAIL_IMAP_PASSWORD: 'p' });
    expect(Number(quoted)).toBe(config.imap?.leaseSeconds);
    for (const kind of ['MX', 'SPF', 'DKIM', 'DMARC']) expect(text).toContain(kind);
  });

  it('Mailu guide explains all three ways in and the catch-all alias', () => {
    const text = read('mailu/README.md');
    expect(text).toMatch(/flask mailu alias\b.*--wildcard/);
    for (const method of ['imap', 'file_monitor', 'webhook']) expect(text).toContain(`EMAIL_PROCESSING_METHOD=${method}`);
    for (const service of Object.keys(loadCompose(MAILU_COMPOSE).services)) expect([service, text.includes(`| ${service} `)]).toEqual([service, true]);
  });
});
