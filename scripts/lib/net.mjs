// @ts-check
import net from 'node:net';

/**
 * Whether we can listen on host:port right now.
 * @param {number} port
 * @param {string} [host]
 * @returns {Promise<boolean>}
 */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The first port from `start` that is free on 127.0.0.1 and not in `exclude`.
 * @param {number} start
 * @param {{ attempts?: number, exclude?: number[] }} [options]
 */
export async function findFreePort(start, { attempts = 200, exclude = [] } = {}) {
  for (let port = start; port < start + attempts; port += 1) {
    if (exclude.includes(port)) continue;
    if (await isPortFree(port)) return port;
  }
  throw new Error(`No free TCP port on 127.0.0.1 between ${start} and ${start + attempts - 1}.`);
}

/**
 * Whether something accepts TCP connections on host:port.
 * @param {number} port
 * @param {string} [host]
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export function isListening(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    /** @param {boolean} answer */
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
