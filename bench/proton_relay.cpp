// The baseline of the adapter benchmark: a relay written directly on Qpid Proton C++, with no XML,
// no store and no runtime. It takes each message from QUEUE and sends it back to its reply-to
// with correlation-id = its message-id, then accepts it: the least any responder must do.
//
// Built as cimbus_codec_relay (CIMBUS_RELAY_DECODES), it is the floor of any responder that keeps
// the codec's guarantees, and nothing else: it decodes each request with cimbus's codec (validated,
// typed objects, the hardening limits) and answers with a reply carrying the request's typed
// payload, encoded, as the adapter bench's responder does; no store, no inbox, no journal, no
// runtime. A request that does not decode is rejected, with no reply (the bench sends none).
//
//   cimbus_proton_relay URL USER PASSWORD QUEUE      (prints "ready" once attached)
//   cimbus_codec_relay URL USER PASSWORD QUEUE

#include <iostream>
#include <map>
#include <string>

#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/work_queue.hpp>

#include <csignal>
#include <functional>
#include <optional>
#include <thread>

#ifdef CIMBUS_RELAY_DECODES
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/xml_codec.hpp"
#endif

namespace {

// What a request is answered with; nothing when it is refused.
using Answer = std::function<std::optional<proton::message>(const proton::message&)>;

class Relay : public proton::messaging_handler {
 public:
  Relay(std::string url, std::string user, std::string password, std::string queue, Answer answer)
      : url_(std::move(url)), user_(std::move(user)), password_(std::move(password)), queue_(std::move(queue)), answer_(std::move(answer)) {}

  void on_container_start(proton::container& c) override {
    proton::connection_options o;
    o.user(user_).password(password_).sasl_allowed_mechs("PLAIN").sasl_allow_insecure_mechs(true);
    connection_ = c.connect(url_, o);
    connection_.open_receiver("/amq/queue/" + queue_, proton::receiver_options().credit_window(256).auto_accept(false));
  }

  void on_receiver_open(proton::receiver&) override { std::cout << "ready" << std::endl; }

  void on_message(proton::delivery& d, proton::message& m) override {
    std::string to = m.reply_to();
    if (!to.empty() && to.front() != '/') to = "/amq/queue/" + to;
    auto it = senders_.find(to);
    if (it == senders_.end()) it = senders_.emplace(to, connection_.open_sender(to)).first;
    std::optional<proton::message> reply = answer_(m);
    if (!reply) {
      d.reject();
      return;
    }
    reply->correlation_id(m.id());
    reply->durable(true);
    it->second.send(*reply);  // the sender's credit (65,536 from RabbitMQ) is not a limit here
    d.accept();
  }

  void stop() {
    connection_.work_queue().add([this] { connection_.close(); });
  }

 private:
  std::string url_, user_, password_, queue_;
  proton::connection connection_;
  Answer answer_;
  std::map<std::string, proton::sender> senders_;
};

#ifdef CIMBUS_RELAY_DECODES
// The request decoded, and a reply with its typed payload encoded.
std::optional<proton::message> decoded_and_answered(cimbus::XmlCodec& codec, const proton::message& m) {
  const proton::value& body = m.body();
  const std::string xml = body.type() == proton::BINARY ? std::string(proton::get<proton::binary>(body)) : proton::get<std::string>(body);
  cimbus::DecodeResult decoded = codec.decode(xml);
  if (!decoded.accepted()) {
    std::cerr << "cimbus_codec_relay: a request did not decode: " << decoded.primary_code() << "\n";
    return std::nullopt;
  }
  cimbus::Envelope reply = cimbus::make_reply(decoded.envelope, cimbus::msg::ReplyType_Result::OK);
  *reply.mutable_payload_objects() = std::move(*decoded.envelope.mutable_payload_objects());
  proton::message out(codec.encode(reply));
  out.content_type("application/xml");
  return out;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: cimbus_proton_relay URL USER PASSWORD QUEUE\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
#ifdef CIMBUS_RELAY_DECODES
  cimbus::XmlCodec codec;  // used by the container's thread only
  Answer answer = [&codec](const proton::message& m) { return decoded_and_answered(codec, m); };
#else
  Answer answer = [](const proton::message& m) { return std::optional<proton::message>(proton::message(m.body())); };
#endif
  Relay relay(argv[1], argv[2], argv[3], argv[4], std::move(answer));
  proton::container container(relay);
  std::thread io([&] { container.run(); });
  int received = 0;
  sigwait(&signals, &received);
  relay.stop();
  io.join();
  return 0;
}
