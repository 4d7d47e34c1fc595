// Preloaded into the Portkey gateway (node --import): it listens on every interface and has no option for the
// address, so a listen(port) without a host is bound to 127.0.0.1 instead. The benchmark keeps all traffic on loopback.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (port, host, ...rest) {
  if (typeof port === 'number' && (host === undefined || typeof host === 'function')) {
    return listen.call(this, port, '127.0.0.1', ...(typeof host === 'function' ? [host] : []), ...rest);
  }

  return listen.call(this, port, host, ...rest);
};
