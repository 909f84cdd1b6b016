'use strict';
// conformance: sort-by-tag
// A server with a certificate for another host (CN and SAN wrong.example, signed by the
// trusted CA), connecting to 'localhost': with rejectUnauthorized true the client gets
// 'error' ERR_TLS_CERT_ALTNAME_INVALID (then 'close' hadError=true) and the server sees
// the connection fail; with false the handshake completes, authorized false and
// authorizationError ERR_TLS_CERT_ALTNAME_INVALID, and the peer certificate is there to
// inspect.
const { rejectedCertificateScenario } = require('../trace');

rejectedCertificateScenario('wrong_host');
