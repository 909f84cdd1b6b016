'use strict';
// write() argument checks: wrong types and null are rejected synchronously, an unknown
// encoding throws ERR_UNKNOWN_ENCODING, write('') returns true and calls back.
const { line, cbErr, attempt, rejects, net } = require('../trace');

const server = net.createServer((c) => {
  let got = '';
  c.on('data', (d) => { got += d; });
  c.on('end', () => { line('server got', JSON.stringify(got)); server.close(); });
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1', () => {
    rejects('write(123)', () => s.write(123));
    rejects('write({})', () => s.write({}));
    rejects('write(undefined)', () => s.write(undefined));
    rejects('write(null)', () => s.write(null));
    attempt('write("x","bogus")', () => s.write('x', 'bogus'));
    line('write("") returns', s.write('', (e) => line('empty write callback', cbErr(e))));
    s.write('AB');
    s.end(Buffer.from('CD'));
  });
});
