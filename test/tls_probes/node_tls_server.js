// A node v20 TLS echo server for the interop tests of berth's client
// (test/test_tls_interop.cpp) and for probe7.js, which runs node's own client against it
// to give those tests their expectations:
//   node test/tls_probes/node_tls_server.js CERT_DIR
// CERT_DIR holds server.key and server.crt (test/tls_support.hpp writes them). It listens
// on 127.0.0.1, port 0, prints "port N", serves ONE connection (echoing what it reads with
// pipe(), so the client's end() ends the server's side too), prints that connection's
// events as "S ..." lines, and exits once it has closed.
const tls = require('tls'); const fs = require('fs');
const d = process.argv[2] + '/';
const server = tls.createServer({
  key: fs.readFileSync(d + 'server.key'), cert: fs.readFileSync(d + 'server.crt'),
  ALPNProtocols: ['h2', 'http/1.1'],
}, (s) => {
  console.log('S secureConnection servername:' + s.servername + ' alpn:' + s.alpnProtocol + ' protocol:' +
              s.getProtocol() + ' authorized:' + s.authorized);
  let data = '';
  s.on('data', (b) => { data += b.toString(); });
  s.on('end', () => console.log('S data ' + data + '\nS end'));
  s.on('finish', () => console.log('S finish'));
  s.on('error', (e) => console.log('S error ' + e.code));
  s.on('close', (hadError) => { console.log('S close ' + hadError); server.close(); });
  s.pipe(s);
});
server.on('tlsClientError', (e) => { console.log('S tlsClientError ' + e.code); server.close(); });
server.maxConnections = 1;
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
