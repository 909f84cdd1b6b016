#pragma once
// The umbrella header: everything berth offers.

#include "berth/acceptor.hpp"
#include "berth/address_info.hpp"
#include "berth/buffered_reader.hpp"
#include "berth/cluster.hpp"
#include "berth/connect.hpp"
#include "berth/error.hpp"
#include "berth/format.hpp"
#include "berth/loop.hpp"
#include "berth/port.hpp"
#include "berth/stream.hpp"
#include "berth/timeout.hpp"
#include "berth/timer.hpp"
