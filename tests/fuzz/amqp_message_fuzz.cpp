// An AMQP 1.0 message as a peer puts it on the wire (header, properties, application-properties,
// body sections), through what an adapter does with a delivery: Qpid Proton decodes it, the bus
// reads it as an AmqpMessage (proton_form.hpp; what it cannot read is noted, never thrown), and
// the body is decoded as the IEC 61968-100 message. What the bus reads must also survive the
// store's form (stored_form.hpp) and Proton's form back.

#include <vector>

#include <proton/error.hpp>
#include <proton/message.hpp>

#include "cimbus/bus/stored_form.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "fuzz_input.hpp"
#include "proton_form.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cimbus::XmlCodec codec;
  proton::message wire;
  try {
    wire.decode(std::vector<char>(data, data + size));
  } catch (const proton::error&) {
    return 0;  // not an AMQP message: Proton refuses it before the bus sees it
  }
  cimbus::bus::AmqpMessage m = cimbus::bus::from_proton(wire);
  if (m.unreadable.empty()) codec.decode(m.body);

  const cimbus::bus::AmqpMessage stored = cimbus::bus::from_stored(cimbus::bus::to_stored(m));
  if (stored.body != m.body || stored.properties != m.properties || stored.reply_to != m.reply_to)
    cimbus::fuzz::finding("a message changes through the store's form");
  const cimbus::bus::AmqpMessage again = cimbus::bus::from_proton(cimbus::bus::to_proton(m));
  if (again.body != m.body || again.properties != m.properties) cimbus::fuzz::finding("a message changes through Proton's form");
  return 0;
}
