// Preloaded with `node --require` into kinesis-mock, which has no host setting and would otherwise
// listen on every interface: every server socket of the process is forced onto PIPEWRIGHT_BIND_HOST.
'use strict';
const net = require('net');
const host = process.env.PIPEWRIGHT_BIND_HOST || '127.0.0.1';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && 'port' in first) {
    args[0] = Object.assign({}, first, { host });
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] === 'string') {
      args[1] = host;
    } else {
      args.splice(1, 0, host);
    }
  }
  return listen.apply(this, args);
};
