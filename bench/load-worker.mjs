// Load generator for bench/workbench.ts, in its own thread so the clients do not share the
// server's event loop: `concurrency` clients, each sending its next request when the last answered.
import { parentPort, workerData } from 'node:worker_threads';

const { url, cookie, concurrency, ms } = workerData;
const latencies = [];
let errors = 0;
const end = Date.now() + ms;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      if (res.status !== 200) errors++;
    }
  }),
);
parentPort.postMessage({ latencies, errors });
