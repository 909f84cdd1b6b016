// The module's public surface: createConnection is connect, Stream is Socket, and the
// exported names (the `_`-prefixed internals left out: they are not API). In C++ a
// missing name does not compile: each one is used below.
#include "trace.hpp"

using namespace conf;

// connect and createConnection take the same arguments and give the same socket.
template <class... A>
constexpr bool same_overload = std::is_same_v<decltype(net::connect(std::declval<A>()...)),
                                              decltype(net::createConnection(std::declval<A>()...))>;

void scenario() {
  constexpr bool aliases = same_overload<net::ConnectOptions> &&
                           same_overload<net::ConnectOptions, std::function<void()>> &&
                           same_overload<berth::PortValue, std::string, std::function<void()>> &&
                           same_overload<std::string, std::function<void()>>;
  line("createConnection === connect", aliases);
  line("Stream === Socket", std::is_same_v<net::Stream, net::Socket>);
  [[maybe_unused]] const void* functions[] = {
      reinterpret_cast<const void*>(&net::getDefaultAutoSelectFamily),
      reinterpret_cast<const void*>(&net::getDefaultAutoSelectFamilyAttemptTimeout),
      reinterpret_cast<const void*>(&net::isIP),
      reinterpret_cast<const void*>(&net::isIPv4),
      reinterpret_cast<const void*>(&net::isIPv6),
      reinterpret_cast<const void*>(&net::setDefaultAutoSelectFamily),
      reinterpret_cast<const void*>(&net::setDefaultAutoSelectFamilyAttemptTimeout),
  };
  [[maybe_unused]] auto server = static_cast<net::ServerPtr (*)(net::ConnectionListener)>(&net::createServer);
  static_assert(sizeof(net::BlockList) && sizeof(net::Server) && sizeof(net::Socket) && sizeof(net::SocketAddress) &&
                sizeof(net::Stream));
  line("exports",
       "BlockList,Server,Socket,SocketAddress,Stream,connect,createConnection,createServer,getDefaultAutoSelectFamily,"
       "getDefaultAutoSelectFamilyAttemptTimeout,isIP,isIPv4,isIPv6,setDefaultAutoSelectFamily,"
       "setDefaultAutoSelectFamilyAttemptTimeout");
  line("getDefaultAutoSelectFamily()", net::getDefaultAutoSelectFamily(), "getDefaultAutoSelectFamilyAttemptTimeout()",
       net::getDefaultAutoSelectFamilyAttemptTimeout());
}
