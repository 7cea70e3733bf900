// The baseline of the adapter benchmark: a relay written directly on Qpid Proton C++, with no XML,
// no store and no runtime. It takes each message from QUEUE and sends it back to its reply-to
// with correlation-id = its message-id, then accepts it: the least any responder must do.
//
//   cimbus_proton_relay URL USER PASSWORD QUEUE      (prints "ready" once attached)

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
#include <thread>

namespace {

class Relay : public proton::messaging_handler {
 public:
  Relay(std::string url, std::string user, std::string password, std::string queue)
      : url_(std::move(url)), user_(std::move(user)), password_(std::move(password)), queue_(std::move(queue)) {}

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
    proton::message reply(m.body());
    reply.correlation_id(m.id());
    reply.durable(true);
    it->second.send(reply);  // the sender's credit (65,536 from RabbitMQ) is not a limit here
    d.accept();
  }

  void stop() {
    connection_.work_queue().add([this] { connection_.close(); });
  }

 private:
  std::string url_, user_, password_, queue_;
  proton::connection connection_;
  std::map<std::string, proton::sender> senders_;
};

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
  Relay relay(argv[1], argv[2], argv[3], argv[4]);
  proton::container container(relay);
  std::thread io([&] { container.run(); });
  int received = 0;
  sigwait(&signals, &received);
  relay.stop();
  io.join();
  return 0;
}
