#include "cimbus/bus/reply_correlation.hpp"

namespace cimbus::bus {

TransportCorrelation reply_correlation(const AmqpMessage& request) {
  if (!request.correlation_id.empty()) return carried_correlation(request);
  return {request.message_id, request.message_id_type};
}

TransportCorrelation carried_correlation(const AmqpMessage& message) { return {message.correlation_id, message.correlation_id_type}; }

void correlate(AmqpMessage& reply, const TransportCorrelation& correlation) {
  if (correlation.id.empty()) return;
  reply.correlation_id = correlation.id;
  reply.correlation_id_type = correlation.type;
}

}  // namespace cimbus::bus
