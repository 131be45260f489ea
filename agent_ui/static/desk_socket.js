// The desk's one websocket: /ws/events?desk=1 (the `desk` mark tells the server this is an
// agent's desk, so a closed desk can be noticed; the supervisor console's pages pass desk: false).
// Reconnects with backoff and jitter; after every (re)connect `onOpen` reloads the state from the
// REST API, since events sent while the socket was down are not replayed.
export function connectEvents({ onFrame, onOpen, onDown, desk = true }) {
  let delay = 500;
  let socket = null;

  function open() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + (desk ? "/ws/events?desk=1" : "/ws/events"));
    socket.addEventListener("open", () => {
      delay = 500;
      onOpen();
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      onFrame(frame);
    });
    socket.addEventListener("close", () => {
      onDown();
      const wait = delay + Math.random() * delay * 0.3;
      delay = Math.min(delay * 2, 15000);
      setTimeout(open, wait);
    });
  }

  open();
  return { close: () => socket && socket.close() };
}
