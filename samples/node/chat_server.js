// Node's counterpart of chat_server.cpp.
const net = require('net');
const clients = new Set();

function broadcast(from, text) {
  process.stdout.write(text);
  for (const c of clients) if (c !== from && c.name) c.socket.write(text);
}

function onLine(me, line) {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (me.name) {
    broadcast(me, `${me.name}: ${line}\n`);
  } else if (line) {
    const others = [...clients].filter((c) => c.name).length;
    me.name = line;
    me.socket.write(`Hi ${me.name}! ${others} other(s) here.\n`);
    broadcast(me, `${me.name} joined\n`);
  }
}

const server = net.createServer((socket) => {
  const me = { socket, name: '', partial: '' };
  clients.add(me);
  socket.write('Welcome! What is your name?\n');
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    me.partial += chunk;
    for (let eol; (eol = me.partial.indexOf('\n')) !== -1;) {
      const line = me.partial.slice(0, eol);
      me.partial = me.partial.slice(eol + 1);
      onLine(me, line);
    }
  });
  socket.on('error', (e) => console.log('error: ' + e.message));
  socket.on('close', () => {
    if (me.name) broadcast(me, `${me.name} left\n`);
    clients.delete(me);
  });
});
server.listen(process.argv[2] || 8124, () => console.log('chat server bound'));
