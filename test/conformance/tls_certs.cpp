// conformance_tls_certs DIR: writes the test certificates of test/tls_support.hpp (a CA,
// a server certificate for localhost / 127.0.0.1 / ::1, an expired one, one for the wrong
// host, a self-signed one, a client certificate, a second CA) into DIR, which must exist.
// run.js runs it once per tls-* scenario, so that the Node and the berth side read the
// same files (README.md, "TLS scenarios").
#include <cstdio>
#include <exception>

#include "tls_support.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: conformance_tls_certs DIR\n");
    return 2;
  }
  try {
    berth::test::write_tls_certificates(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "conformance_tls_certs: %s\n", e.what());
    return 1;
  }
  return 0;
}
