'use strict';
// conformance: sort-by-tag
// handshakeTimeout with no 'tlsClientError' listener: a plain TCP client that connects
// and never says hello. Node v20 emits 'tlsClientError' to nobody and leaves the
// connection open; the client, still connected 600 ms later (four times the timeout),
// says so and ends it. berth does what Node's documentation says ("abort the
// connection"): the server closes it at the timeout, so the client ends then, as a
// deliberate difference (README.md, "Pinned Node quirks"):
// conformance: quirk {"id":"handshake-timeout-unheard-keeps-connection","match":"^C (finish|end|close hadError=false)$","replace":null}
// conformance: quirk {"id":"handshake-timeout-unheard-keeps-connection","match":"^C after 600 ms readyState=open$","replace":"C end\nC finish\nC close hadError=false\nC after 600 ms readyState=closed"}
const { line, tls, pem, traceServer, silentClient } = require('../trace');

const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt'), handshakeTimeout: 150 }, () => {
  line('server secureConnection (unexpected)');
});
traceServer(server, 'server');
silentClient(server, (c) => {
  c.on('connect', () => {
    setTimeout(() => {
      line('C after 600 ms readyState=' + c.readyState);
      c.end();
    }, 600);
  });
});
