'use strict';
// Spec example "server.listen(options)": close the server through an AbortSignal.
// (Port 0 instead of 80; "later" is once it listens.)
const { line, net } = require('../trace');

const server = net.createServer();
server.on('listening', () => {
  line('listening');
  // Later, when you want to close the server.
  controller.abort();
});
server.on('close', () => line('close'));
const controller = new AbortController();
server.listen({
  host: 'localhost',
  port: 0,
  signal: controller.signal,
});
