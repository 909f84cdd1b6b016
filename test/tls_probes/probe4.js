// probe4: tls.createSecureContext errors
const tls = require('tls'); const fs = require('fs');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/'; const r = (f) => fs.readFileSync(d + f, 'latin1');
const cases = {
  'bad key': { key: 'not a key', cert: r('server.crt') },
  'bad key PEM body': { key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', cert: r('server.crt') },
  'bad cert': { key: r('server.key'), cert: 'not a cert' },
  'bad cert PEM body': { key: r('server.key'), cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
  'key mismatch': { key: r('client.key'), cert: r('server.crt') },
  'encrypted key no passphrase': { key: r('server_encrypted.key'), cert: r('server.crt') },
  'encrypted key wrong passphrase': { key: r('server_encrypted.key'), cert: r('server.crt'), passphrase: 'wrong' },
  'encrypted key right passphrase': { key: r('server_encrypted.key'), cert: r('server.crt'), passphrase: 'berth-passphrase' },
  'bad ca': { ca: 'not a ca' },
  'bad ca PEM body': { ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
  'two cas': { ca: [r('ca.crt'), r('other_ca.crt')] },
  'bad ciphers': { ciphers: 'NOPE' },
  'bad minVersion': { minVersion: 'TLSv9' },
  'bad maxVersion': { maxVersion: 'SSLv3' },
  'min > max': { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' },
  'min TLSv1': { minVersion: 'TLSv1' },
  'cert without key': { cert: r('server.crt') },
  'key without cert': { key: r('server.key') },
};
for (const [name, o] of Object.entries(cases)) {
  try { tls.createSecureContext(o); console.log(name, '-> ok'); }
  catch (e) { console.log(name, '->', e.name, e.code, JSON.stringify(e.message), 'library', e.library, 'reason', e.reason); }
}
console.log('DEFAULT_CIPHERS', tls.DEFAULT_CIPHERS);
console.log('DEFAULT_MIN_VERSION', tls.DEFAULT_MIN_VERSION, 'DEFAULT_MAX_VERSION', tls.DEFAULT_MAX_VERSION);
