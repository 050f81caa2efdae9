// Waits until a server answers: `node wait-for.mjs http <url> <seconds>` (any HTTP answer counts)
// or `node wait-for.mjs tcp <host:port> <seconds>`. Exits 1 on timeout.
import net from "node:net";

const [kind, target, secondsArg] = process.argv.slice(2);
const deadline = Date.now() + Number(secondsArg ?? 60) * 1000;

async function once() {
  if (kind === "http") {
    try {
      const response = await fetch(target, { signal: AbortSignal.timeout(2000) });
      return response.status > 0;
    } catch {
      return false;
    }
  }
  const [host, port] = target.split(":");
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(1000);
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => { socket.destroy(); resolve(false); });
  });
}

while (Date.now() < deadline) {
  if (await once()) process.exit(0);
  await new Promise((r) => setTimeout(r, 200));
}
console.error(`timed out waiting for ${kind} ${target}`);
process.exit(1);
