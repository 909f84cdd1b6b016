'use strict';
// Spec example "Identifying paths for IPC connections": a Windows named-pipe path. On
// Linux it is an ordinary relative path in a directory that does not exist; with no
// 'error' listener (as in the example) the listen error is uncaught.
const path = require('path');
const { net } = require('../trace');

net.createServer().listen(
  path.join('\\\\?\\pipe', process.cwd(), 'myctl'));
