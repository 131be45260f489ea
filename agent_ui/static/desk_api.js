// The REST API from the desk: JSON in and out, with the session cookie (same origin). Never
// throws on an HTTP error: callers read {ok, status, code, message, data} and say what happened.
export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
}

export async function api(method, path, body, options = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (error) {
    return { ok: false, status: 0, code: "network", message: "network error", data: null };
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
  }
  const err = data && data.error ? data.error : null;
  return {
    ok: response.ok,
    status: response.status,
    code: err ? err.code : null,
    message: err ? err.message : response.ok ? "" : "HTTP " + response.status,
    data,
  };
}

/** A POST that a lost answer may safely repeat: the same Idempotency-Key on every try. */
export async function postOnce(path, body, key, tries = 3) {
  let answer;
  for (let attempt = 0; attempt < tries; attempt += 1) {
    answer = await api("POST", path, body, { idempotencyKey: key });
    if (answer.status !== 0 && answer.status < 500) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
  }
  return answer;
}
