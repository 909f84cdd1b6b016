// Writes a set of test certificates (test/tls_support.hpp) into a directory, for the node
// probes beside this file:
//   g++ -std=c++20 -I test test/tls_probes/write_certs.cpp -o /tmp/write_certs -lssl -lcrypto
//   mkdir -p /tmp/tlsprobe/certs && /tmp/write_certs /tmp/tlsprobe/certs
//   node test/tls_probes/probe1.js /tmp/tlsprobe/certs
// Not built by CMake: the tests make their own set; this only reproduces their expectations.
#include <iostream>

#include "tls_support.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_certs DIR" << std::endl;
    return 2;
  }
  std::cout << berth::test::write_tls_certificates(argv[1]).dir.string() << std::endl;
}
