'use strict';
// conformance: sort-by-tag
// A server with an expired certificate (for localhost, signed by the trusted CA, valid
// until yesterday): with rejectUnauthorized true the client gets 'error'
// CERT_HAS_EXPIRED (then 'close' hadError=true) and the server sees the connection fail;
// with false the handshake completes, authorized false and authorizationError
// CERT_HAS_EXPIRED, and the peer certificate is there to inspect.
const { rejectedCertificateScenario } = require('../trace');

rejectedCertificateScenario('expired');
