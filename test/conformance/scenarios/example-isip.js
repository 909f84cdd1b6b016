'use strict';
// Spec examples "net.isIP()", "net.isIPv4()", "net.isIPv6()".
const { line, net } = require('../trace');

line(net.isIP('::1')); // returns 6
line(net.isIP('127.0.0.1')); // returns 4
line(net.isIP('127.000.000.001')); // returns 0
line(net.isIP('127.0.0.1/24')); // returns 0
line(net.isIP('fhqwhgads')); // returns 0

line(net.isIPv4('127.0.0.1')); // returns true
line(net.isIPv4('127.000.000.001')); // returns false
line(net.isIPv4('127.0.0.1/24')); // returns false
line(net.isIPv4('fhqwhgads')); // returns false

line(net.isIPv6('::1')); // returns true
line(net.isIPv6('fhqwhgads')); // returns false
