#pragma once
// Node's net module in C++: berth::net::Server, berth::net::Socket and friends.

#include "berth/abort_signal.hpp"
#include "berth/block_list.hpp"
#include "berth/buffer.hpp"
#include "berth/connect.hpp"
#include "berth/event_emitter.hpp"
#include "berth/is_ip.hpp"
#include "berth/loop.hpp"
#include "berth/net/server.hpp"
#include "berth/net/socket.hpp"
#include "berth/net/socket_reader.hpp"
#include "berth/on.hpp"
#include "berth/once.hpp"
#include "berth/socket_address.hpp"
#include "berth/timer.hpp"

namespace berth::net {
using berth::getDefaultAutoSelectFamily;
using berth::getDefaultAutoSelectFamilyAttemptTimeout;
using berth::setDefaultAutoSelectFamily;
using berth::setDefaultAutoSelectFamilyAttemptTimeout;
}  // namespace berth::net
