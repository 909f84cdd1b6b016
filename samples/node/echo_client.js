// Node's counterpart of echo_client.cpp: the example of net.createConnection()'s docs.
const net = require('net');
const client = net.createConnection({ port: process.argv[2] || 8124, host: process.argv[3] }, () => {
  // 'connect' listener.
  console.log('connected to server!');
  client.write('world!\r\n');
});
client.on('data', (data) => {
  console.log(data.toString());
  client.end();
});
client.on('end', () => {
  console.log('disconnected from server');
});
