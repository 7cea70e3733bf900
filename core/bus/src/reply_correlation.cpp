#include "cimbus/bus/reply_correlation.hpp"

namespace cimbus::bus {

TransportCorrelation reply_correlation(const AmqpMessage& request) {
  if (!request.correlation_id.empty()) return {request.correlation_id, request.correlation_id_type};
  return {request.message_id, request.message_id_type};
}

void correlate(AmqpMessage& reply, const TransportCorrelation& correlation) {
  if (correlation.id.empty()) return;
  reply.correlation_id = correlation.id;
  reply.correlation_id_type = correlation.type;
}

}  // namespace cimbus::bus
