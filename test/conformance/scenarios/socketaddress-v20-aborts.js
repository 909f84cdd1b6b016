'use strict';
// Inputs on which Node v20.20.2 aborts the process in a C++ assertion: a port given as
// a numeric string and a flow label of 2**20 or more. berth throws instead, as a
// deliberate difference (README.md, "Pinned Node quirks"). Node runs in a child here.
// conformance: quirk {"id": "socketaddress-aborts", "match": "^\\{port:\"80\"\\} aborted SIGABRT$", "replace": "{port:\"80\"} throws TypeError code=ERR_INVALID_ARG_TYPE message=\"The \\\"options.port\\\" property must be of type number. Received type string ('80')\""}
// conformance: quirk {"id": "socketaddress-aborts", "match": "^\\{flowlabel:2\\*\\*20\\} aborted SIGABRT$", "replace": "{flowlabel:2**20} throws RangeError code=ERR_OUT_OF_RANGE message=\"The value of \\\"options.flowlabel\\\" is out of range. It must be >= 0 && <= 1048575. Received 1048576\""}
const { spawnSync } = require('child_process');
const { line } = require('../trace');

function inChild(label, code) {
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (r.signal) line(label, 'aborted', r.signal);
  else line(label, r.stdout.trim());
}
inChild('{port:"80"}', "console.log('ok', new (require('net').SocketAddress)({ port: '80' }).port)");
inChild('{flowlabel:2**20}',
  "console.log('ok', new (require('net').SocketAddress)({ address: '::1', family: 'ipv6', flowlabel: 2 ** 20 }).flowlabel)");
