// @ts-check
import net from 'node:net';
import tls from 'node:tls';

// A minimal Redis client (RESP2): the services script must probe, configure and shut down Redis
// before `npm install` has run, and it wants exact control over timeouts (ioredis reconnects).

export class RedisReplyError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'RedisReplyError';
  }
}

/**
 * Encodes one command as a RESP array of bulk strings.
 * @param {Array<string | number>} args
 */
export function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const text = String(arg);
    out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return out;
}

/**
 * Parses one reply at `offset`. Returns null when the buffer does not hold a whole reply yet.
 * Error replies are returned as RedisReplyError values (not thrown) so arrays can hold them.
 * @param {Buffer} buffer
 * @param {number} [offset]
 * @returns {{ value: unknown, next: number } | null}
 */
export function parseReply(buffer, offset = 0) {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd === -1) return null;
  const type = String.fromCharCode(buffer[offset] ?? 0);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next: afterLine };
    case '-':
      return { value: new RedisReplyError(line), next: afterLine };
    case ':':
      return { value: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length === -1) return { value: null, next: afterLine };
      if (buffer.length < afterLine + length + 2) return null;
      return { value: buffer.toString('utf8', afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count === -1) return { value: null, next: afterLine };
      const items = [];
      let next = afterLine;
      for (let i = 0; i < count; i += 1) {
        const item = parseReply(buffer, next);
        if (!item) return null;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`Unexpected Redis reply type ${JSON.stringify(type)}`);
  }
}

/**
 * Opens a connection to a redis:// or rediss:// URL, authenticates and selects the database.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 */
export async function connectRedis(url, { timeoutMs = 2000 } = {}) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error('Redis URL must start with redis:// or rediss://');
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const socket = await new Promise((resolve, reject) => {
    const s =
      parsed.protocol === 'rediss:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connection to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const connection = new RespConnection(socket, timeoutMs);
  try {
    const username = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    if (password) await connection.command(username ? ['AUTH', username, password] : ['AUTH', password]);
    const db = Number(parsed.pathname.replace('/', '') || 0);
    if (db) await connection.command(['SELECT', db]);
  } catch (error) {
    connection.close();
    throw error;
  }
  return connection;
}

export class RespConnection {
  /**
   * @param {net.Socket} socket
   * @param {number} timeoutMs
   */
  constructor(socket, timeoutMs) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.buffer = Buffer.alloc(0);
    /** @type {Array<{ resolve: (v: unknown) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>} */
    this.pending = [];
    this.closed = false;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (error) => this.failAll(error));
    socket.on('close', () => {
      this.closed = true;
      this.failAll(new Error('connection closed'));
    });
  }

  /** @param {Buffer} chunk */
  onData(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const reply = parseReply(this.buffer);
      if (!reply) return;
      this.buffer = this.buffer.subarray(reply.next);
      const waiter = this.pending.shift();
      if (!waiter) continue;
      clearTimeout(waiter.timer);
      if (reply.value instanceof RedisReplyError) waiter.reject(reply.value);
      else waiter.resolve(reply.value);
    }
  }

  /** @param {Error} error */
  failAll(error) {
    for (const waiter of this.pending.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  /**
   * Sends one command and resolves with its reply (rejects with RedisReplyError on an error reply).
   * @param {Array<string | number>} args
   * @returns {Promise<unknown>}
   */
  command(args) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis ${args[0]} timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      this.pending.push({ resolve, reject, timer });
      this.socket.write(encodeCommand(args));
    });
  }

  close() {
    this.closed = true;
    this.socket.destroy();
  }
}

/**
 * Connects, runs the commands in order and closes. Resolves with the replies.
 * @param {string} url
 * @param {Array<Array<string | number>>} commands
 * @param {{ timeoutMs?: number }} [options]
 */
export async function redisCommands(url, commands, options = {}) {
  const connection = await connectRedis(url, options);
  try {
    const replies = [];
    for (const args of commands) replies.push(await connection.command(args));
    return replies;
  } finally {
    connection.close();
  }
}
