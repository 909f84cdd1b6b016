'use strict';
// conformance: sort-by-tag
// A server with a self-signed certificate (for localhost, not signed by the trusted CA):
// with rejectUnauthorized true the client gets 'error' DEPTH_ZERO_SELF_SIGNED_CERT (then
// 'close' hadError=true) and the server sees the connection fail; with false the
// handshake completes, authorized false and authorizationError
// DEPTH_ZERO_SELF_SIGNED_CERT, and the peer certificate is there to inspect.
const { rejectedCertificateScenario } = require('../trace');

rejectedCertificateScenario('self_signed');
