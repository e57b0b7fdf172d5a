import { expect, it } from 'vitest';
import { describeConnectionError } from '../../src/core/connection-error';

it.each([
  [{ code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', message: 'unable to get local issuer certificate' }, 'sentinel', true, /^TLS: the server's certificate was not trusted \(UNABLE_TO_GET_ISSUER_CERT_LOCALLY.*set sentinel\.tls\.ca/],
  [{ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, 'redis', true, /not trusted .*set redis\.tls\.ca/],
  [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'sentinel', true, /not trusted/],
  [{ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, 'sentinel', true, /not valid now/],
  [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, 'sentinel', true, /does not name the address.*sentinel\.tls\.serverName/],
  [{ message: 'error:0A00010B:SSL routines::wrong version number' }, 'redis', true, /does not speak TLS.*remove redis\.tls/],
  [{ message: 'error:0A00045C:SSL routines::tlsv13 alert certificate required' }, 'sentinel', true, /client certificate: set sentinel\.tls\.cert and sentinel\.tls\.key/],
  [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, 'sentinel', false, /if the server wants TLS, set sentinel\.tls/],
  [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:26379' }, 'sentinel', false, /^connect ECONNREFUSED 10\.0\.0\.1:26379$/],
  [{ message: 'WRONGPASS invalid username-password pair or user is disabled.' }, 'sentinel', true, /^WRONGPASS/],
] as const)('%o on %s (tls %s)', (e, side, tls, expected) => {
  expect(describeConnectionError(e, side, tls)).toMatch(expected);
});
