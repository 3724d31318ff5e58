#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EX_TEMPFAIL, EX_USAGE, postMessage } from './mailgate-request';

const USAGE = `usage: inbound-mailgate --url <webhook url> (--secret-file <path> | --secret <secret>) [--recipient <envelope recipient>] [--timeout <seconds>] < message

Reads one message on stdin and posts it, signed, to the Inbound webhook. For an MTA pipe
transport (Postfix: argv=/usr/bin/node /app/dist/src/cli/mailgate.js --url ... --recipient \${original_recipient};
the original recipient, not the one a catch-all alias rewrote it to).
Exit status: 0 delivered, 75 temporary failure (the MTA retries), 65 refused, 64 usage error.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        url: { type: 'string' },
        secret: { type: 'string' },
        'secret-file': { type: 'string' },
        recipient: { type: 'string' },
        timeout: { type: 'string', default: '60' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return EX_USAGE;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const secret = args.secret ?? (args['secret-file'] ? readFileSync(args['secret-file'], 'utf8').trim() : undefined);
  const timeoutSeconds = Number(args.timeout);
  if (!args.url || !secret || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    console.error(USAGE);
    return EX_USAGE;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const result = await postMessage(Buffer.concat(chunks), {
    url: args.url,
    secret,
    recipient: args.recipient ?? null,
    timeoutMs: timeoutSeconds * 1000,
  });
  (result.exitCode === 0 ? console.log : console.error)(`inbound-mailgate: ${result.detail}`);
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`inbound-mailgate: ${(error as Error).message}`);
    process.exit(EX_TEMPFAIL);
  },
);
