// Names the desk shows beside ids: queues (read once, again after a miss) and customers (read
// when first shown, again when asked). Reads only what the agent may see; a refusal shows the id.
import { api } from "./desk_api.js";

const queues = new Map();
const customers = new Map();

export async function loadQueues() {
  const answer = await api("GET", "/api/v1/queues");
  if (answer.ok) {
    const items = answer.data.items || answer.data.queues || [];
    for (const q of items) queues.set(q.id, q);
  }
  return [...queues.values()];
}

export async function queue(id) {
  if (id === null || id === undefined) return null;
  if (!queues.has(id)) await loadQueues();
  return queues.get(id) || null;
}

export async function customer(id, fresh = false) {
  if (!fresh && customers.has(id)) return customers.get(id);
  const answer = await api("GET", "/api/v1/customers/" + id);
  const found = answer.ok ? answer.data : null;
  if (found) customers.set(id, found);
  return found;
}
