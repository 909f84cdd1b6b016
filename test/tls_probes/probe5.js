// probe5: tls.checkServerIdentity on certificate objects
const tls = require('tls');
const cases = [
  ['a.example.com', { subjectaltname: 'DNS:*.example.com', subject: {} }],
  ['a.b.example.com', { subjectaltname: 'DNS:*.example.com', subject: {} }],
  ['A.Example.COM.', { subjectaltname: 'DNS:a.example.com', subject: {} }],
  ['example.com', { subjectaltname: 'DNS:*.com', subject: {} }],
  ['foo.example.com', { subjectaltname: 'DNS:f*.example.com', subject: {} }],
  ['localhost', { subject: { CN: 'localhost' } }],
  ['other', { subject: { CN: 'localhost' } }],
  ['localhost', { subjectaltname: 'IP Address:127.0.0.1', subject: { CN: 'localhost' } }],
  ['::1', { subjectaltname: 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1', subject: {} }],
  ['::2', { subjectaltname: 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1', subject: {} }],
  ['127.0.0.1', { subject: { CN: '127.0.0.1' } }],
];
for (const [h, c] of cases) { const e = tls.checkServerIdentity(h, c); console.log(JSON.stringify(h), JSON.stringify(c.subjectaltname), e ? `${e.code} ${JSON.stringify(e.message)} host=${e.host}` : 'ok'); }
